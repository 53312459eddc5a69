// Umbrella header of the geometry core.
#pragma once

#include "spatial_geom/backend.h"
#include "spatial_geom/camera.h"
#include "spatial_geom/common.h"
#include "spatial_geom/motion.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/projection.h"
#include "spatial_geom/rays.h"
#include "spatial_geom/sets.h"
#include "spatial_geom/simd_level.h"

#define SPATIAL_GEOM_VERSION "0.1.0"
