#!/usr/bin/env bash
# Regenerates the projected copies of this WGS 84 fixture set (run from anywhere; needs GDAL's
# ogr2ogr and PROJ's cs2cs). Villages, fibre and places go through ogr2ogr, which writes a legacy
# GeoJSON `crs` member. Sites are a CSV, whose lat/lon columns are WGS 84 by definition, so their
# projected copies are GeoJSON points made with cs2cs: for EPSG:9217 without a `crs` member (read
# with --input-crs EPSG:9217), for EPSG:3406 with one (read with no flag).
set -euo pipefail
cd "$(dirname "$0")"

for epsg in 9217 3406; do
  rm -rf "epsg$epsg"
  mkdir "epsg$epsg"
  for layer in villages fibre places; do
    ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs "EPSG:$epsg" "epsg$epsg/$layer.geojson" "$layer.geojson"
  done

  # cs2cs takes EPSG:4326 as lat lon; EPSG:9217 and EPSG:3406 come out as easting northing.
  crs_member=""
  if [ "$epsg" = 3406 ]; then
    crs_member='"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3406"}},'
  fi
  {
    printf '{"type":"FeatureCollection",%s"features":[\n' "$crs_member"
    tail -n +2 sites.csv | while IFS=, read -r site op lat lon tech az bw radius; do
      read -r x y _ < <(echo "$lat $lon" | cs2cs -f %.4f EPSG:4326 "EPSG:$epsg")
      props="\"site_id\":\"$site\",\"operator\":\"$op\",\"tech\":\"$tech\",\"azimuth\":\"$az\",\"beamwidth\":\"$bw\",\"radius_m\":\"$radius\""
      printf '%s{"type":"Feature","properties":{%s},"geometry":{"type":"Point","coordinates":[%s,%s]}}' "${sep:-}" "$props" "$x" "$y"
      sep=$',\n'
    done
    printf '\n]}\n'
  } > "epsg$epsg/sites.geojson"
done
