// CUDA projection, visibility masks and depth back-projection. The per-point math is the CPU's
// (projection_impl.h); these kernels only decide which thread runs which point and frame.
#include <algorithm>
#include <vector>

#include "cuda_util.cuh"
#include "spatial_geom/projection_impl.h"

namespace spatial {
namespace cuda {

using detail::blocksFor;
using detail::kBlock;
using detail::stream;

namespace {

// Cameras travel by value in the launch parameters (no allocation or copy per call): up to 16
// frames per launch keeps the parameter block under the 4 KiB every architecture accepts, and each
// thread reads its point once for all of them.
constexpr int kFramesPerLaunch = 16;

// Device memory a host-data call may hold for per-frame data (outputs, depth maps) at a time;
// longer calls run in chunks of frames.
constexpr size_t kChunkBytes = size_t(256) << 20;

template <typename Real>
struct FrameBatch {
  CameraParams<Real> cam[kFramesPerLaunch];
  const float* depth[kFramesPerLaunch];  // device pointers (visibility only)
  int count;
};

template <typename Real>
FrameBatch<Real> frameBatch(const Camera* cams, const DepthView* depths, size_t first, size_t frames) {
  FrameBatch<Real> b{};
  b.count = static_cast<int>(std::min<size_t>(kFramesPerLaunch, frames - first));
  for (int f = 0; f < b.count; ++f) {
    b.cam[f] = kernelParams<Real>(cams[first + f]);
    b.depth[f] = depths ? depths[first + f].data : nullptr;
  }
  return b;
}

// One thread per point; frames of the batch in turn. Output is frame-major, like the CPU's.
template <typename Real>
__global__ void projectKernel(const Real* __restrict__ pts, size_t n, const FrameBatch<Real> b,
                              float* __restrict__ uv, float* __restrict__ depth) {
  const size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const Real x = pts[3 * i], y = pts[3 * i + 1], z = pts[3 * i + 2];
  for (int f = 0; f < b.count; ++f) {
    Real u, v;
    const Real zc = projectPoint(b.cam[f], x, y, z, u, v);
    const size_t o = size_t(f) * n + i;
    uv[2 * o] = static_cast<float>(u);
    uv[2 * o + 1] = static_cast<float>(v);
    depth[o] = static_cast<float>(zc);
  }
}

// One warp per 64-point mask word: lane l tests points 64w + l and 64w + 32 + l, two ballots make
// the word (bit k = point 64w + k, the CPU's layout; bits past n stay 0).
template <typename Real>
__global__ void visibilityKernel(const Real* __restrict__ pts, size_t n, size_t words, const FrameBatch<Real> b,
                                 const Real nearPlane, const Real tolerance, uint64_t* __restrict__ masks) {
  const size_t word = (blockIdx.x * size_t(blockDim.x) + threadIdx.x) >> 5;
  const unsigned lane = threadIdx.x & 31;
  if (word >= words) return;  // uniform within the warp: blockDim.x is a multiple of 32
  const size_t p0 = word * 64 + lane, p1 = p0 + 32;
  const bool has0 = p0 < n, has1 = p1 < n;
  const Real x0 = has0 ? pts[3 * p0] : Real(0), y0 = has0 ? pts[3 * p0 + 1] : Real(0), z0 = has0 ? pts[3 * p0 + 2] : Real(0);
  const Real x1 = has1 ? pts[3 * p1] : Real(0), y1 = has1 ? pts[3 * p1 + 1] : Real(0), z1 = has1 ? pts[3 * p1 + 2] : Real(0);
  for (int f = 0; f < b.count; ++f) {
    const bool v0 = has0 & visibleIn(b.cam[f], b.depth[f], x0, y0, z0, nearPlane, tolerance);
    const bool v1 = has1 & visibleIn(b.cam[f], b.depth[f], x1, y1, z1, nearPlane, tolerance);
    const uint32_t lo = __ballot_sync(0xffffffffu, v0), hi = __ballot_sync(0xffffffffu, v1);
    if (lane == 0) masks[size_t(f) * words + word] = uint64_t(lo) | (uint64_t(hi) << 32);
  }
}

// Back-projection keeps the CPU's output order (row-major over the stride grid), so it runs in
// three steps: valid pixels per grid row, their exclusive prefix sum, then each row writes its
// points from its offset (a block-wide scan orders the points within the row).
__global__ void countRowsKernel(const float* __restrict__ depth, int32_t width, int32_t stride, int32_t cols,
                                uint32_t* __restrict__ rowCounts) {
  const float* row = depth + size_t(blockIdx.x) * stride * width;
  uint32_t count = 0;
  for (int32_t c = threadIdx.x; c < cols; c += blockDim.x) count += validDepth(row[size_t(c) * stride]);
  uint32_t total;
  detail::blockExclusiveScan(count, total);
  if (threadIdx.x == 0) rowCounts[blockIdx.x] = total;
}

__global__ void scanRowsKernel(uint32_t* __restrict__ rowOffsets, int32_t rows, uint32_t* __restrict__ count) {
  uint32_t carry = 0;
  for (int32_t base = 0; base < rows; base += blockDim.x) {
    const int32_t r = base + threadIdx.x;
    uint32_t total;
    const uint32_t before = detail::blockExclusiveScan(r < rows ? rowOffsets[r] : 0u, total);
    if (r < rows) rowOffsets[r] = carry + before;
    carry += total;
  }
  if (threadIdx.x == 0) *count = carry;
}

__global__ void writeRowsKernel(const float* __restrict__ depth, int32_t width, int32_t stride, int32_t cols,
                                const Camera cam, const uint32_t* __restrict__ rowOffsets, float* __restrict__ out) {
  const int32_t i = blockIdx.x * stride;
  const float* row = depth + size_t(i) * width;
  uint32_t k = rowOffsets[blockIdx.x];
  for (int32_t base = 0; base < cols; base += blockDim.x) {
    const int32_t c = base + threadIdx.x;
    const float d = c < cols ? row[size_t(c) * stride] : 0.f;
    const bool valid = validDepth(d);
    uint32_t total;
    const uint32_t pos = detail::blockExclusiveScan(valid, total);
    if (valid) {
      double X, Y, Z;
      backprojectPixel(cam, double(c * stride), double(i), double(d), X, Y, Z);
      float* o = out + 3 * size_t(k + pos);
      o[0] = static_cast<float>(X);
      o[1] = static_cast<float>(Y);
      o[2] = static_cast<float>(Z);
    }
    k += total;
  }
}

template <typename T>
T clampChunk(size_t perItem, size_t items) {
  return static_cast<T>(std::max<size_t>(1, std::min(items, kChunkBytes / std::max<size_t>(perItem, 1))));
}

}  // namespace

template <typename Real>
void projectPointsOnDevice(const Real* dPoints, size_t n, const Camera* cams, size_t frames, float* dUv,
                           float* dDepth) {
  if (n == 0) return;
  for (size_t f0 = 0; f0 < frames; f0 += kFramesPerLaunch) {
    const FrameBatch<Real> b = frameBatch<Real>(cams, nullptr, f0, frames);
    projectKernel<Real><<<blocksFor(n), kBlock, 0, stream()>>>(dPoints, n, b, dUv + 2 * f0 * n, dDepth + f0 * n);
    SPATIAL_CUDA_LAUNCHED(projectKernel);
  }
}

template <typename Real>
void visibilityMasksOnDevice(const Real* dPoints, size_t n, const Camera* cams, const DepthView* dDepths,
                             size_t frames, const VisibilityOptions& opts, uint64_t* dMasks) {
  const size_t words = maskWords(n);
  if (words == 0) return;
  const Real nearPlane = static_cast<Real>(opts.nearPlane), tolerance = static_cast<Real>(opts.tolerance);
  for (size_t f0 = 0; f0 < frames; f0 += kFramesPerLaunch) {
    const FrameBatch<Real> b = frameBatch<Real>(cams, dDepths, f0, frames);
    visibilityKernel<Real><<<blocksFor(words * 32), kBlock, 0, stream()>>>(dPoints, n, words, b, nearPlane, tolerance,
                                                                          dMasks + f0 * words);
    SPATIAL_CUDA_LAUNCHED(visibilityKernel);
  }
}

template <typename Real>
void projectPoints(const Real* points, size_t n, const Camera* cams, size_t frames, float* uv, float* depth,
                   PhaseTimes* times) {
  if (n == 0 || frames == 0) return;
  detail::PhaseClock clock(times);
  DeviceArray<Real> dPoints(3 * n);
  detail::upload(dPoints.get(), points, 3 * n * sizeof(Real));
  clock.lap(&PhaseTimes::uploadMs);
  const size_t chunk = clampChunk<size_t>(3 * n * sizeof(float), frames);
  DeviceArray<float> dUv(2 * n * chunk), dDepth(n * chunk);
  for (size_t f0 = 0; f0 < frames; f0 += chunk) {
    const size_t count = std::min(chunk, frames - f0);
    projectPointsOnDevice(dPoints.get(), n, cams + f0, count, dUv.get(), dDepth.get());
    clock.lap(&PhaseTimes::kernelMs);
    detail::download(uv + 2 * f0 * n, dUv.get(), 2 * n * count * sizeof(float));
    detail::download(depth + f0 * n, dDepth.get(), n * count * sizeof(float));
    clock.lap(&PhaseTimes::downloadMs);
  }
  detail::finish();
}

template <typename Real>
void visibilityMasks(const Real* points, size_t n, const Camera* cams, const DepthView* depths, size_t frames,
                     const VisibilityOptions& opts, uint64_t* masks, PhaseTimes* times) {
  const size_t words = maskWords(n);
  if (words == 0 || frames == 0) return;
  // Frames go in chunks whose depth maps fit kChunkBytes (at least one frame per chunk).
  std::vector<size_t> starts{0};
  size_t maxPixels = 0, maxFrames = 0;
  for (size_t f = 0, pixels = 0; f < frames; ++f) {
    const size_t px = size_t(depths[f].width) * depths[f].height;
    if (f > starts.back() && (pixels + px) * sizeof(float) > kChunkBytes) {
      starts.push_back(f);
      pixels = 0;
    }
    pixels += px;
    maxPixels = std::max(maxPixels, pixels);
    maxFrames = std::max(maxFrames, f + 1 - starts.back());
  }
  starts.push_back(frames);

  detail::PhaseClock clock(times);
  DeviceArray<Real> dPoints(3 * n);
  DeviceArray<float> dDepth(maxPixels);
  DeviceArray<uint64_t> dMasks(words * maxFrames);
  detail::upload(dPoints.get(), points, 3 * n * sizeof(Real));
  std::vector<DepthView> views;
  for (size_t c = 0; c + 1 < starts.size(); ++c) {
    const size_t f0 = starts[c], count = starts[c + 1] - f0;
    views.clear();
    float* dst = dDepth.get();
    for (size_t f = f0; f < f0 + count; ++f) {
      const size_t px = size_t(depths[f].width) * depths[f].height;
      detail::upload(dst, depths[f].data, px * sizeof(float));
      views.push_back(DepthView{dst, depths[f].width, depths[f].height});
      dst += px;
    }
    clock.lap(&PhaseTimes::uploadMs);
    visibilityMasksOnDevice(dPoints.get(), n, cams + f0, views.data(), count, opts, dMasks.get());
    clock.lap(&PhaseTimes::kernelMs);
    detail::download(masks + f0 * words, dMasks.get(), count * words * sizeof(uint64_t));
    clock.lap(&PhaseTimes::downloadMs);
  }
  detail::finish();
}

void backprojectDepthOnDevice(const DepthView& dDepth, const Camera& cam, int32_t stride, float* dOut,
                              uint32_t* dCount) {
  const int32_t rows = (dDepth.height + stride - 1) / stride, cols = (dDepth.width + stride - 1) / stride;
  DeviceArray<uint32_t> rowOffsets(rows);
  countRowsKernel<<<rows, kBlock, 0, stream()>>>(dDepth.data, dDepth.width, stride, cols, rowOffsets.get());
  SPATIAL_CUDA_LAUNCHED(countRowsKernel);
  scanRowsKernel<<<1, 1024, 0, stream()>>>(rowOffsets.get(), rows, dCount);
  SPATIAL_CUDA_LAUNCHED(scanRowsKernel);
  writeRowsKernel<<<rows, kBlock, 0, stream()>>>(dDepth.data, dDepth.width, stride, cols, cam, rowOffsets.get(), dOut);
  SPATIAL_CUDA_LAUNCHED(writeRowsKernel);
  detail::finish();  // rowOffsets is freed on return
}

void backprojectDepth(const DepthView& depth, const Camera& cam, int32_t stride, float* out, PhaseTimes* times) {
  const size_t pixels = size_t(depth.width) * depth.height;
  const size_t grid = size_t((depth.height + stride - 1) / stride) * ((depth.width + stride - 1) / stride);
  if (grid == 0) return;
  detail::PhaseClock clock(times);
  DeviceArray<float> dDepth(pixels), dOut(3 * grid);
  DeviceArray<uint32_t> dCount(1);
  detail::upload(dDepth.get(), depth.data, pixels * sizeof(float));
  clock.lap(&PhaseTimes::uploadMs);
  backprojectDepthOnDevice(DepthView{dDepth.get(), depth.width, depth.height}, cam, stride, dOut.get(), dCount.get());
  clock.lap(&PhaseTimes::kernelMs);
  uint32_t count = 0;
  detail::download(&count, dCount.get(), sizeof count);
  detail::finish();
  detail::download(out, dOut.get(), 3 * size_t(count) * sizeof(float));
  clock.lap(&PhaseTimes::downloadMs);
  detail::finish();
}

#define SPATIAL_CUDA_INSTANTIATE(Real)                                                                        \
  template void projectPointsOnDevice<Real>(const Real*, size_t, const Camera*, size_t, float*, float*);      \
  template void visibilityMasksOnDevice<Real>(const Real*, size_t, const Camera*, const DepthView*, size_t,   \
                                              const VisibilityOptions&, uint64_t*);                           \
  template void projectPoints<Real>(const Real*, size_t, const Camera*, size_t, float*, float*, PhaseTimes*); \
  template void visibilityMasks<Real>(const Real*, size_t, const Camera*, const DepthView*, size_t,           \
                                      const VisibilityOptions&, uint64_t*, PhaseTimes*);
SPATIAL_CUDA_INSTANTIATE(float)
SPATIAL_CUDA_INSTANTIATE(double)
#undef SPATIAL_CUDA_INSTANTIATE

}  // namespace cuda
}  // namespace spatial
