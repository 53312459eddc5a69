#include "spatial_geom/projection.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "cuda_dispatch.h"
#include "simd_kernels.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/projection_impl.h"

namespace spatial {

namespace {
// Points per parallel chunk of the projection: a multiple of 64, and small enough (48 KB of float
// xyz) that a chunk's points stay in L2 while every frame reads them.
constexpr size_t kChunkPoints = 4096;
// Visibility works on tiles of 16384 points (192 KB of float xyz, L2) x 4 frames: the tile's points
// are read from L2 by its 4 frames, and the 4 depth maps (1.2 MB each at 640x480) the tile's lookups
// hit stay in L3 while every tile of the block reads them. Measured on 1M points x 64 frames,
// 640x480 (A/B in one process, 2 threads): point-major (one chunk against all 64 maps, 77 MB of
// depth) 231 ms, frame-major 128 ms, 4-frame blocks 98 ms (AVX-512 kernel; 1, 2 and 8 frames and
// 8k-32k points per tile were slower or equal).
constexpr size_t kVisChunkPoints = 16384;
constexpr size_t kVisFrameBlock = 4;

}  // namespace

void checkPointCount(size_t n, const char* what) {
  if (n > 0xFFFFFFFFull)
    throw Error(ErrorCode::Shape, std::string(what) + " must hold fewer than 2^32 points (got " + std::to_string(n) + ")");
}

void checkDepthMaps(const Camera* cams, const DepthView* depths, size_t frames, const char* what) {
  for (size_t f = 0; f < frames; ++f) {
    const auto& k = cams[f].k;
    if (depths[f].width != k.width || depths[f].height != k.height)
      throw Error(ErrorCode::Shape, std::string(what) + "[" + std::to_string(f) + "] is " +
                                        std::to_string(depths[f].width) + "x" + std::to_string(depths[f].height) +
                                        " but cameras[" + std::to_string(f) + "] expects " + std::to_string(k.width) +
                                        "x" + std::to_string(k.height));
    if (depths[f].data == nullptr)
      throw Error(ErrorCode::Type, std::string(what) + "[" + std::to_string(f) + "].data is missing");
  }
}

void checkVisibilityOptions(const VisibilityOptions& o) {
  if (!std::isfinite(o.tolerance) || o.tolerance < 0)
    throw Error(ErrorCode::Shape, "opts.tolerance must be a finite number >= 0 (got " + formatNumber(o.tolerance) + ")");
  if (!std::isfinite(o.nearPlane))
    throw Error(ErrorCode::Shape, "opts.near must be finite (got " + formatNumber(o.nearPlane) + ")");
}

template <typename Real>
void projectPoints(const Real* points, size_t n, const Camera* cams, size_t frames, float* uv, float* depth) {
  checkPointCount(n);
  SPATIAL_TRY_CUDA(Project, n * frames, projectPoints(points, n, cams, frames, uv, depth));
  const auto projectRange = simd::kernelsFor(CpuPath::Auto).points<Real>().projectRange;
  std::vector<CameraParams<Real>> params(frames);
  for (size_t f = 0; f < frames; ++f) params[f] = kernelParams<Real>(cams[f]);
  const size_t chunks = (n + kChunkPoints - 1) / kChunkPoints;
  parallelChunks(chunks, n * frames, [&](size_t chunk) {
    const size_t begin = chunk * kChunkPoints, end = std::min(n, begin + kChunkPoints);
    for (size_t f = 0; f < frames; ++f) projectRange(points, begin, end, params[f], uv + 2 * f * n, depth + f * n);
  });
}

template <typename Real>
void visibilityMasks(const Real* points, size_t n, const Camera* cams, const DepthView* depths, size_t frames,
                     const VisibilityOptions& opts, uint64_t* masks, CpuPath path) {
  checkPointCount(n);
  checkDepthMaps(cams, depths, frames);
  checkVisibilityOptions(opts);
  if (path == CpuPath::Auto)
    SPATIAL_TRY_CUDA(Visibility, n * frames, visibilityMasks(points, n, cams, depths, frames, opts, masks));
  const auto visibleMaskRange = simd::kernelsFor(path).points<Real>().visibleMaskRange;
  std::vector<CameraParams<Real>> params(frames);
  for (size_t f = 0; f < frames; ++f) params[f] = kernelParams<Real>(cams[f]);
  const size_t words = maskWords(n);
  const size_t chunks = (n + kVisChunkPoints - 1) / kVisChunkPoints;
  const size_t blocks = (frames + kVisFrameBlock - 1) / kVisFrameBlock;
  const Real nearPlane = static_cast<Real>(opts.nearPlane), tolerance = static_cast<Real>(opts.tolerance);
  // Tiles in frame-block-major order, so the threads work on the same block's depth maps.
  parallelChunks(blocks * chunks, n * frames, [&](size_t tile) {
    const size_t f0 = tile / chunks * kVisFrameBlock, f1 = std::min(frames, f0 + kVisFrameBlock);
    const size_t begin = tile % chunks * kVisChunkPoints, end = std::min(n, begin + kVisChunkPoints);
    for (size_t f = f0; f < f1; ++f)
      visibleMaskRange(points, begin, end, params[f], depths[f].data, nearPlane, tolerance, masks + f * words + begin / 64);
  });
}

size_t maskCount(const uint64_t* mask, size_t words) { return simd::kernelsFor(CpuPath::Auto).maskCount(mask, words); }

void maskToIndices(const uint64_t* mask, size_t words, uint32_t* out) {
  simd::kernelsFor(CpuPath::Auto).maskToIndices(mask, words, out);
}

template <typename Real>
std::vector<std::vector<uint32_t>> visibleSets(const Real* points, size_t n, const Camera* cams,
                                               const DepthView* depths, size_t frames, const VisibilityOptions& opts) {
  const size_t words = maskWords(n);
  std::vector<uint64_t> masks(frames * words);
  visibilityMasks(points, n, cams, depths, frames, opts, masks.data());
  std::vector<std::vector<uint32_t>> sets(frames);
  const simd::Kernels& k = simd::kernelsFor(CpuPath::Auto);
  parallelChunks(frames, n * frames / 8, [&](size_t f) {
    const uint64_t* m = masks.data() + f * words;
    sets[f].resize(k.maskCount(m, words));
    k.maskToIndices(m, words, sets[f].data());
  });
  return sets;
}

void checkDepthScale(double scale) {
  if (!(std::isfinite(scale) && scale > 0)) throw Error(ErrorCode::Shape, "scale must be a finite number > 0 (got " + std::to_string(scale) + ")");
}

void depthFromStored(const uint16_t* stored, size_t n, double scale, float* out) {
  checkDepthScale(scale);
  // A division, not a multiplication by 1 / scale: k * (1 / scale) can round differently.
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<double>(stored[i]) / scale);
}

void checkBackprojectArgs(const DepthView& depth, const Camera& cam, int32_t stride) {
  if (stride < 1) throw Error(ErrorCode::Shape, "opts.stride must be an integer >= 1 (got " + std::to_string(stride) + ")");
  checkDepthMaps(&cam, &depth, 1, "depth");
}

size_t backprojectCount(const DepthView& depth, int32_t stride) {
  size_t count = 0;
  for (int32_t i = 0; i < depth.height; i += stride) {
    const float* row = depth.data + static_cast<size_t>(i) * depth.width;
    // The bool widened through uint32_t: GCC's vectorised sum runs ~1.7x faster than adding it to
    // size_t directly (stride 1, 1920x1440, 0.46 vs 0.80 ms; the isfinite form it replaces: 0.60 ms).
    for (int32_t j = 0; j < depth.width; j += stride) count += static_cast<uint32_t>(validDepth(row[j]));
  }
  return count;
}

void backprojectDepth(const DepthView& depth, const Camera& cam, int32_t stride, float* out) {
  checkBackprojectArgs(depth, cam, stride);
  SPATIAL_TRY_CUDA(Backproject, size_t(depth.width) * depth.height / (size_t(stride) * stride),
                   backprojectDepth(depth, cam, stride, out));
  size_t k = 0;
  for (int32_t i = 0; i < depth.height; i += stride) {
    const float* row = depth.data + static_cast<size_t>(i) * depth.width;
    for (int32_t j = 0; j < depth.width; j += stride) {
      const float d = row[j];
      if (!validDepth(d)) continue;
      double X, Y, Z;
      backprojectPixel(cam, j, i, d, X, Y, Z);
      out[3 * k] = static_cast<float>(X);
      out[3 * k + 1] = static_cast<float>(Y);
      out[3 * k + 2] = static_cast<float>(Z);
      ++k;
    }
  }
}

#define SPATIAL_INSTANTIATE(Real)                                                                              \
  template void projectPoints<Real>(const Real*, size_t, const Camera*, size_t, float*, float*);                \
  template void visibilityMasks<Real>(const Real*, size_t, const Camera*, const DepthView*, size_t,             \
                                      const VisibilityOptions&, uint64_t*, CpuPath);                            \
  template std::vector<std::vector<uint32_t>> visibleSets<Real>(const Real*, size_t, const Camera*,             \
                                                                const DepthView*, size_t, const VisibilityOptions&);
SPATIAL_INSTANTIATE(float)
SPATIAL_INSTANTIATE(double)
#undef SPATIAL_INSTANTIATE

}  // namespace spatial
