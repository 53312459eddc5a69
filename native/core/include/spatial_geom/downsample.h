// Voxel downsampling of fused point clouds (scene points for scenes without a mesh).
#pragma once

#include <cstdint>
#include <vector>

#include "spatial_geom/common.h"

namespace spatial {

struct DownsampleResult {
  std::vector<float> points;    // 3M centroids, ordered by voxel key (deterministic)
  std::vector<uint16_t> labels; // M labels (most frequent input label in the voxel, ties to the
                                // smallest), empty when no labels were given
  std::vector<uint32_t> counts; // M input points per voxel
};

// Keeps one point per occupied voxel of edge `voxelSize` (metres): the centroid of its points
// (accumulated in double). Non-finite points are dropped. Voxel keys are floor(p / voxelSize).
// `labels` may be null. Throws Error{Shape} when voxelSize is not finite and > 0 or a coordinate's
// voxel index does not fit 21 bits (about +-1e6 voxels from the origin).
DownsampleResult voxelDownsample(const float* points, size_t n, const uint16_t* labels, double voxelSize);

}  // namespace spatial
