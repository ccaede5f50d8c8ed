<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     gml:id="aFeatureCollection"
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     xsi:schemaLocation="http://ogr.maptools.org/ v.xsd"
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml/3.2">
  <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>14.1 108.7</gml:lowerCorner><gml:upperCorner>14.622039 108.916609</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                                                                      
  <ogr:featureMember>
    <ogr:v gml:id="v.0">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>14.593187 108.890224</gml:lowerCorner><gml:upperCorner>14.622039 108.916609</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326" gml:id="v.geom.0"><gml:exterior><gml:LinearRing><gml:posList>14.622039 108.899342 14.612545 108.890224 14.593187 108.899109 14.608279 108.916609 14.622039 108.899342</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ogr:geometryProperty>
      <ogr:id>21609-01</ogr:id>
      <ogr:name>Khu phố 1</ogr:name>
      <ogr:commune>Thị trấn An Lão</ogr:commune>
      <ogr:households>476</ogr:households>
    </ogr:v>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:v gml:id="v.1">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>14.1 108.7</gml:lowerCorner><gml:upperCorner>14.11 108.71</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::4326" gml:id="v.geom.1"><gml:surfaceMember><gml:Polygon gml:id="v.geom.1.0"><gml:exterior><gml:LinearRing><gml:posList>14.1 108.7 14.1 108.71 14.11 108.71 14.1 108.7</gml:posList></gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing><gml:posList>14.101 108.702 14.101 108.703 14.102 108.703 14.101 108.702</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></ogr:geometryProperty>
      <ogr:id>21790-01</ogr:id>
      <ogr:name>Làng O2</ogr:name>
      <ogr:commune>Xã Vĩnh Kim</ogr:commune>
      <ogr:households>182</ogr:households>
    </ogr:v>
  </ogr:featureMember>
</ogr:FeatureCollection>
