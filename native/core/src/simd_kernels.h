// The table of the core's hot kernels, one per instruction-set level (private to native/core/src).
// The drivers (projection.cpp, sets.cpp, voxel_coverage.cpp, order_statistics.cpp, resample.cpp, ...)
// validate, split work over threads and call these through kernelsFor(path); the bodies live in
// kernels/*.inc and are compiled once per level by simd_kernels.cpp. Everything declared here is
// shared by all levels and holds no code beyond what the baseline compiles (plain types and constants).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "spatial_geom/camera.h"
#include "spatial_geom/raycast_impl.h"
#include "spatial_geom/sets.h"
#include "spatial_geom/simd_level.h"

namespace spatial {
namespace simd {

// ---- Overlap matrix (sets.cpp): bitset tiles of kTileWords words (64 points each) of every set at
// a time. A set's tile is 4 KB, so the two rows of a 2-row block sit in L1 and the column tiles of
// ~200 sets in L2 (1M points x 64 sets: 512 words ran 1.3x faster than 128, same as 1024).
constexpr size_t kTileWords = 512;

// ---- Voxel coverage (voxel_coverage.cpp; scanBlock: the median of order_statistics.cpp).
constexpr uint64_t kNoKey = std::numeric_limits<uint64_t>::max();  // empty slot / rejected point

// Bounding box of a frame's kept points, and how many were kept.
struct Box {
  double mn[3] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                  std::numeric_limits<double>::infinity()};
  double mx[3] = {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                  -std::numeric_limits<double>::infinity()};
  uint64_t kept = 0;
};

// The voxel grid in the point type's precision: origin, edge, cells per axis.
template <typename T>
struct Grid {
  T mn[3];
  T voxel;
  uint64_t dims[3];
  uint64_t strideY, strideX;  // packed key = ix * strideX + iy * strideY + iz
};

// Finite-and-confident test, branch-free so the loops using it vectorise ((v - v) == 0 is the
// finiteness test: inf - inf and NaN - NaN are NaN). Shared helper (defined outside the level
// regions, so baseline code; inlined into each level's kernels).
template <typename T, bool UseConf>
inline bool keptPoint(T x, T y, T z, const float* __restrict conf, size_t i, float tau) {
  bool ok = ((x - x) == T(0)) & ((y - y) == T(0)) & ((z - z) == T(0));
  if constexpr (UseConf) ok = ok & (conf[i] >= tau) & (conf[i] > 0.1f);
  return ok;
}

// ---- Resampling (resample.cpp): 11-bit fixed-point bilinear weights (see resample.h).
constexpr int32_t kWeightBits = 11;
constexpr int32_t kWeightOne = 1 << kWeightBits;        // 2048
constexpr int32_t kRoundShift = 2 * kWeightBits;        // 22
constexpr int32_t kRoundHalf = 1 << (kRoundShift - 1);  // 2^21

// Kernels over points of one precision (float or double xyz).
template <typename Real>
struct PointKernels {
  // uv and depth of points [begin, end) (uv[2p], uv[2p + 1], depth[p]).
  void (*projectRange)(const Real* pts, size_t begin, size_t end, CameraParams<Real> c, float* uv, float* depth);
  // Visibility bits of points [begin, end) of one frame into words[(p - begin) / 64] (bit p % 64);
  // begin must be a multiple of 64. Writes every word the range covers.
  void (*visibleMaskRange)(const Real* pts, size_t begin, size_t end, CameraParams<Real> c, const float* depth,
                           Real nearPlane, Real tolerance, uint64_t* words);
  // Box of the finite (and, with [1], confident: conf >= tau and > 0.1) points.
  Box (*frameBox[2])(const Real* p, const float* conf, size_t n, float tau);
  // One frame's distinct voxel keys (packed), ascending; [1] with the confidence test.
  void (*framePackedKeys[2])(const Real* p, size_t n, const float* conf, float tau, Grid<Real> g,
                             std::vector<uint64_t>& out);
};

struct Kernels {
  SimdLevel level;
  PointKernels<float> f32;
  PointKernels<double> f64;
  template <typename Real>
  const PointKernels<Real>& points() const {
    if constexpr (sizeof(Real) == sizeof(float)) return f32;
    else return f64;
  }

  // Set bits of a mask, and their ascending indices (out holds exactly maskCount values).
  size_t (*maskCount)(const uint64_t* mask, size_t words);
  void (*maskToIndices)(const uint64_t* mask, size_t words, uint32_t* out);

  // Position of the first element that is not above its predecessor, or 0 if strictly ascending.
  size_t (*firstUnsorted)(const uint32_t* d, size_t n);
  // Pair counts |S_i ∩ S_j| (i < j) of bitset tiles [t0, t1) added into counts[i * m + j], from each
  // set's position pos[i] (the first index at or above the first tile; updated to the first index
  // past the last tile). Sets `unsorted` when an index read is not above its predecessor.
  void (*countTiles)(const IndexSet* sets, size_t m, size_t words, size_t t0, size_t t1, size_t* pos, uint32_t* counts,
                     bool& unsorted);

  // Counts the non-NaN values and those below lo, and copies the values in [lo, hi] to `inside`
  // (which holds n floats); returns how many were copied.
  size_t (*scanBlock)(const float* v, size_t n, float lo, float hi, uint64_t& valid, uint64_t& below, float* inside);

  // Bilinear horizontal pass of one source row, by channel count (entries 1, 3 and 4), and the
  // vertical blend of two such rows (resample.cpp says what they compute).
  void (*horizontalRow[5])(const uint8_t* row, const int32_t* x0, const int32_t* x1, const int32_t* wx,
                           const uint8_t* inX, const uint8_t* fill, int32_t* h, int32_t n);
  void (*verticalRow)(const int32_t* h0, const int32_t* h1, int32_t wy, uint8_t* out, size_t n);
  // Nearest-neighbour row: out[j] = row[xs[j]], or 0 where xs[j] < 0.
  void (*nearestRowF32)(const float* row, const int32_t* xs, float* out, int32_t n);
  void (*nearestRowU16)(const uint16_t* row, const int32_t* xs, uint16_t* out, int32_t n);
  // Rigid-body segmentation (motion.cpp): adds rows [i0, i1) of the condensed distance-change matrix
  // over all frames; xs/ys/zs hold frame t's coordinates at t * n + j, prev (i1 - i0) * n scratch.
  void (*accumulateRows)(const double* xs, const double* ys, const double* zs, size_t frames, size_t n, size_t i0,
                         size_t i1, double smoothing, double* out, double* prev);
  // Box ray caster (raycast.cpp): depth, ids and (when rgb) colour of image rows [rowBegin, rowEnd).
  void (*renderRows)(RayFrame f, int32_t width, int32_t rowBegin, int32_t rowEnd, const double* columnRay,
                     const double* rel, const uint16_t* boxIds, int64_t count, const double* roomRel,
                     const uint16_t* roomIds, const uint8_t* palette, float* depth, uint16_t* ids, uint8_t* rgb);
  template <typename T>
  auto nearestRow() const {
    if constexpr (sizeof(T) == sizeof(float)) return nearestRowF32;
    else return nearestRowU16;
  }
};

// The kernels compiled for `level` (which must be one this build holds: every supported level).
const Kernels& kernelsAt(SimdLevel level);

// CpuPath::Scalar: the baseline kernels, the portable loops every level must match bit for bit;
// Auto: those of the active level (simdLevel(), which throws while SPATIAL_GEOM_SIMD is invalid).
inline const Kernels& kernelsFor(CpuPath path) {
  return kernelsAt(path == CpuPath::Scalar ? SimdLevel::Baseline : simdLevel());
}

}  // namespace simd
}  // namespace spatial
