// Space-aware frame sampling (Spatial-MLLM, SEEDS.md section 3): voxelise each candidate frame's
// point map and pick frames by greedy maximum coverage of the voxels.
//
// Semantics (identical in the pure-TS twin lib/reference/sampling.ts):
//  1. Candidates: M = min(candidates, frames) indices floor(linspace(0, frames-1, M)) computed as
//     numpy does (i * ((frames-1)/(M-1)) in double, the last one exactly frames-1).
//  2. Confidence mask (optional): tau = numpy.percentile(conf, 50) over the non-NaN confidences of
//     the candidate frames (b - (b - a) * 0.5 in double between the two middle values a <= b),
//     rounded to float32 because the reference compares float32 tensors with it; a point is kept
//     when conf >= tau and conf > float32(0.1). Non-finite points are never kept.
//  3. Box over the kept points; voxel = min(extent) / 20 (extent = max - min per axis) unless a
//     voxel size is given. Degenerate boxes: a zero smallest extent falls back to the smallest
//     positive extent / 20, and a box of one point to voxel 1.
//  4. Key of a kept point: floor((p - min) / voxel) per axis. Float32 point maps use float32
//     arithmetic (as the reference's torch float32 tensors do), Float64 ones double.
//  5. Greedy maximum coverage over the candidates' voxel sets: each round picks the frame with the
//     largest number of still-uncovered voxels, scanning candidates in ascending order with a
//     strict > (ties go to the earlier frame); a frame is picked only if its gain is > 0.
//  6. Fill: once no frame adds coverage, until min(k, M) frames are chosen, add the unselected
//     candidate whose frame index is farthest from its nearest selected frame index (strict >, so
//     ties go to the earlier frame; with nothing selected yet the first candidate is taken).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spatial_geom/common.h"

namespace spatial {

// One frame's point map: n points, xyz interleaved (float or double, per VoxelCoverageOptions),
// and an optional per-point confidence (n floats, or nullptr).
struct PointMapView {
  const void* points;
  size_t n;
  const float* confidence;
};

struct VoxelCoverageOptions {
  size_t candidates = 128;  // >= 1
  double voxelSize = 0;     // > 0, or 0 for automatic (smallest extent / 20)
  bool isDouble = false;    // element type of every point map
  bool useConfidence = false;
};

struct VoxelCoverageResult {
  std::vector<uint32_t> frames;      // chosen original frame indices, ascending
  std::vector<uint32_t> order;       // the same frames in pick order
  std::vector<uint64_t> coverage;    // distinct voxels covered after each pick (pick order)
  size_t greedyPicks = 0;            // picks with positive gain (the rest are fill picks)
  double voxelSize = 0;              // voxel edge used (0 when no point was kept and none was given)
  uint64_t totalVoxels = 0;          // distinct voxels over all candidates
  uint64_t keptPoints = 0;           // points that passed the finite + confidence test
  double confidenceThreshold = 0;    // tau (NaN without confidences or when all are NaN)
  std::vector<uint32_t> candidates;  // the M candidate frame indices
};

// floor(linspace(0, n - 1, m)) as numpy computes it (m <= n; m == 1 gives {0}).
std::vector<uint32_t> linspaceCandidates(size_t n, size_t m);

// float32(numpy.percentile(values, 50)) of float32 data, over the non-NaN values of `arrays`
// arrays (values[i] holds counts[i] floats). Returns false (and leaves *out) when there is no
// non-NaN value.
bool medianFloat32(const float* const* values, const size_t* counts, size_t arrays, float* out);

// The whole selection. Throws Error{Shape} for bad options or a voxel grid finer than 2^53 cells
// along an axis.
VoxelCoverageResult voxelCoverageSelect(const PointMapView* maps, size_t frames, size_t k,
                                        const VoxelCoverageOptions& opts);

// The greedy + fill step alone, on voxel-id sets (each strictly ascending, ids < universe), with
// times[i] the frame index of set i (ascending in i). Exposed for tests.
struct CoverageSelection {
  std::vector<uint32_t> order;     // set indices in pick order
  std::vector<uint64_t> coverage;  // covered ids after each pick
  size_t greedyPicks = 0;
};
CoverageSelection greedyCoverage(const std::vector<std::vector<uint32_t>>& sets, size_t universe,
                                 const std::vector<uint32_t>& times, size_t k);

}  // namespace spatial
