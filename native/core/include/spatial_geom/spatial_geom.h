// Umbrella header of the geometry core: every public header of native/core/include/spatial_geom.
// The *_impl.h headers hold the per-element math shared by the CPU loops and the CUDA kernels.
#pragma once

#include "spatial_geom/align.h"
#include "spatial_geom/backend.h"
#include "spatial_geom/box_iou.h"
#include "spatial_geom/camera.h"
#include "spatial_geom/common.h"
#include "spatial_geom/compat.h"
#include "spatial_geom/downsample.h"
#include "spatial_geom/motion.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/projection.h"
#include "spatial_geom/projection_impl.h"
#include "spatial_geom/raycast.h"
#include "spatial_geom/raycast_impl.h"
#include "spatial_geom/rays.h"
#include "spatial_geom/rays_impl.h"
#include "spatial_geom/resample.h"
#include "spatial_geom/sets.h"
#include "spatial_geom/sets_impl.h"
#include "spatial_geom/simd_level.h"
#include "spatial_geom/voxel.h"

#define SPATIAL_GEOM_VERSION "0.1.0"
