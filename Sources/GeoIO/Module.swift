// GeoIO: file formats (GeoJSON RFC 7946, CSV). Knows formats, not telecoms.
