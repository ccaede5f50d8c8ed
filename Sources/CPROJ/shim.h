#ifndef COVGAP_CPROJ_SHIM_H
#define COVGAP_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
