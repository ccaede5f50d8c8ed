// GDAL's C API, for its declarations only: covgap is not linked with libgdal but opens it when
// GDAL is first needed (Geo's GDALLink). Without pkg-config's flags (which would link it), the
// headers are found in their own folder, where Debian (libgdal-dev) puts them.
#if __has_include(<gdal/gdal.h>)
#include <gdal/gdal.h>
#include <gdal/gdal_alg.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>
#include <gdal/cpl_conv.h>
#include <gdal/cpl_error.h>
#include <gdal/cpl_string.h>
#include <gdal/cpl_vsi.h>
#else
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#endif
