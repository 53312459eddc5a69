// Voxel keys of the coverage selection (spatial_geom/voxel.h, step 4) besides the packed 64-bit
// keys of the SIMD kernels (kernels/voxel.inc, simd::PointKernels::framePackedKeys): triple keys for
// grids whose packed key would overflow, and the map from every frame's sorted keys to dense voxel
// ids. Private to native/core/src (voxel_coverage.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "simd_kernels.h"

namespace spatial {

struct Key3 {
  int64_t x, y, z;
  bool operator<(const Key3& o) const { return x != o.x ? x < o.x : y != o.y ? y < o.y : z < o.z; }
  bool operator==(const Key3& o) const { return x == o.x && y == o.y && z == o.z; }
  bool operator!=(const Key3& o) const { return !(*this == o); }
};

// Sorted, deduplicated voxel keys (floor((p - min) / voxel) per axis) of the kept points of one frame.
template <typename T, bool UseConf>
void frameTripleKeys(const T* __restrict p, size_t n, const float* conf, float tau, simd::Grid<T> g, std::vector<Key3>& out);

// Dense voxel ids: each frame's keys mapped to their ranks in the union of all frames' keys
// (universe = its size). Key: uint64_t (packed) or Key3. Throws Error{Shape} past 2^32 voxels.
template <typename Key>
std::vector<std::vector<uint32_t>> toVoxelIds(const std::vector<std::vector<Key>>& keys, uint64_t& universe);

}  // namespace spatial
