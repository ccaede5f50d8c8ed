import Geo

/// One GeoJSON feature.
public struct Feature: Hashable, Sendable {
    /// Its position in the file's `features` array, counted from 0 (as QGIS and GDAL number them);
    /// error messages say "feature 3" with the same number.
    public var index: Int
    /// The feature's `id` member (a string or a number in RFC 7946), nil when absent.
    public var id: JSONValue?
    /// The `properties` member, in file order; empty when it is null or absent.
    public var properties: JSONObject
    /// The geometry; nil for `"geometry": null` (the caller decides whether that is acceptable).
    public var geometry: Shape?

    public init(index: Int = 0, id: JSONValue? = nil, properties: JSONObject = JSONObject(), geometry: Shape?) {
        self.index = index
        self.id = id
        self.properties = properties
        self.geometry = geometry
    }
}

/// A GeoJSON FeatureCollection.
public struct FeatureCollection: Hashable, Sendable {
    public var features: [Feature]
    /// The name in a legacy (GeoJSON 2008) `crs` member, e.g. "urn:ogc:def:crs:EPSG::3405" or
    /// "EPSG:3405", kept so that callers can honour it; nil when there is none (RFC 7946: WGS84).
    public var crsName: String?

    public init(features: [Feature], crsName: String? = nil) {
        self.features = features
        self.crsName = crsName
    }
}
