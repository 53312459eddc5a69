// CPU vs CUDA on random scenes with every edge case the kernels branch on: pixel borders, points
// behind or on the camera plane, depth ties at the tolerance, invalid depth (0, NaN, inf), non-finite
// points, frame counts across launch batches and image sizes that are not multiples of anything.
//
// Expected agreement and why:
//  - projection: bit for bit. Both sides evaluate the same expression tree (projection_impl.h) with
//    IEEE-rounded +, -, *, / and no FMA (-ffp-contract=off, nvcc --fmad=false), so every
//    intermediate rounds identically. Only NaN payloads may differ (x86 propagates an operand's NaN,
//    the GPU returns its canonical NaN), so NaN equals NaN whatever its bits.
//  - visibility masks and the overlap matrix: exactly equal (decisions from bit-identical values;
//    IoU from integer counts, one double division, one float rounding).
//  - back-projection: within float rounding (double IEEE ops, no FMA: expected exact).
//  - ray embedding: within 1e-6 (CUDA's double sin/cos are within 2 ulp of libm's, which reaches the
//    float output as at most one float ulp).
// Without a device (or without the CUDA kernels) the file prints one line,
// "CUDA tests skipped: <reason>", and checks only that the CPU fallback is in place.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "spatial_geom/spatial_geom.h"
#include "test_scene.h"
#include "test_util.h"

#ifdef SPATIAL_GEOM_HAVE_CUDA
#include "spatial_geom_cuda/cuda_ops.h"
#endif

using namespace spatial;
using spatial_test::Scene;
using spatial_test::makeScene;
using spatial_test::scenePoints;

namespace {

// Prints the skip line once for the whole file and tells the cases whether a device is there.
bool deviceReady() {
  static const bool ready = [] {
    const CudaStatus s = cudaStatus();
    if (!s.available) std::printf("CUDA tests skipped: %s\n", s.reason.c_str());
    return s.available;
  }();
  return ready;
}

}  // namespace

// Runs with or without a device: the CPU fallback must be what happens when there is none.
SPATIAL_TEST(testCudaFallback) {
  const CudaStatus s = cudaStatus();
#ifdef SPATIAL_GEOM_HAVE_CUDA
  CHECK(s.compiled);
#else
  CHECK(!s.compiled);
#endif
  if (s.available) {
    CHECK(!s.device.empty());
    return;
  }
  deviceReady();
  CHECK(!s.reason.empty());
  CHECK(activeBackend() == Backend::Cpu);
  CHECK(!offloadToCuda(CudaOp::Visibility, ~size_t(0)));
  CHECK(!offloadToCuda(CudaOp::Rays, ~size_t(0)));
  bool threw = false;
  try {
    setBackendPreference(BackendPreference::Cuda);
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::Shape && std::string(e.what()).find(s.reason) != std::string::npos;
  }
  CHECK(threw);
  CHECK(backendPreference() == BackendPreference::Auto);
#ifdef SPATIAL_GEOM_HAVE_CUDA
  // Calling the device directly fails with DeviceError (never a crash), which the dispatch turns
  // into a CPU run.
  bool deviceError = false;
  try {
    const float pt[3] = {0, 0, 1};
    const double packedCam[22] = {1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    const Camera cam = makeCamera(packedCam, "camera");
    float uv[2], depth[1];
    cuda::projectPoints<float>(pt, 1, &cam, 1, uv, depth);
  } catch (const cuda::DeviceError&) {
    deviceError = true;
  }
  CHECK(deviceError);
#endif
}

#ifdef SPATIAL_GEOM_HAVE_CUDA

namespace {

// Bitwise equality, except that any NaN equals any NaN (payloads differ between x86 and CUDA).
size_t floatMismatches(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  size_t bad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    uint32_t x, y;
    std::memcpy(&x, &a[i], 4);
    std::memcpy(&y, &b[i], 4);
    if (x != y && bad++ == 0) std::fprintf(stderr, "%s[%zu]: cpu %.9g cuda %.9g\n", what, i, a[i], b[i]);
  }
  return bad;
}


// The CPU reference: the core with the CUDA dispatch switched off.
struct CpuOnly {
  CpuOnly() { setBackendPreference(BackendPreference::Cpu); }
  ~CpuOnly() { setBackendPreference(BackendPreference::Auto); }
};

template <typename Real>
void compareProjection(const Scene& s) {
  const std::vector<Real> pts = scenePoints<Real>(s);
  const size_t n = pts.size() / 3, frames = s.cams.size();
  std::vector<float> uvCpu(2 * n * frames), zCpu(n * frames), uvGpu(uvCpu.size()), zGpu(zCpu.size());
  {
    CpuOnly cpu;
    projectPoints<Real>(pts.data(), n, s.cams.data(), frames, uvCpu.data(), zCpu.data());
  }
  cuda::PhaseTimes t;
  cuda::projectPoints<Real>(pts.data(), n, s.cams.data(), frames, uvGpu.data(), zGpu.data(), &t);
  CHECK(floatMismatches(uvCpu, uvGpu, "uv") == 0);
  CHECK(floatMismatches(zCpu, zGpu, "depth") == 0);
  CHECK(t.kernelMs > 0 && t.uploadMs >= 0 && t.downloadMs > 0);

  // Device-resident variant: same values.
  cuda::DeviceArray<Real> dPts(pts.data(), pts.size());
  cuda::DeviceArray<float> dUv(uvGpu.size()), dZ(zGpu.size());
  cuda::projectPointsOnDevice<Real>(dPts.get(), n, s.cams.data(), frames, dUv.get(), dZ.get());
  std::fill(uvGpu.begin(), uvGpu.end(), 0.f);
  dUv.download(uvGpu.data());
  dZ.download(zGpu.data());
  CHECK(floatMismatches(uvCpu, uvGpu, "uv (device)") == 0);
  CHECK(floatMismatches(zCpu, zGpu, "depth (device)") == 0);
}

template <typename Real>
void compareVisibility(const Scene& s) {
  const std::vector<Real> pts = scenePoints<Real>(s);
  const size_t n = pts.size() / 3, frames = s.cams.size(), words = maskWords(n);
  std::vector<uint64_t> cpu(frames * words), gpu(frames * words, ~uint64_t(0));
  {
    CpuOnly c;
    visibilityMasks<Real>(pts.data(), n, s.cams.data(), s.depths.data(), frames, s.opts, cpu.data());
  }
  cuda::visibilityMasks<Real>(pts.data(), n, s.cams.data(), s.depths.data(), frames, s.opts, gpu.data());
  CHECK(cpu == gpu);
  size_t visible = 0;
  for (size_t f = 0; f < frames; ++f) visible += maskCount(cpu.data() + f * words, words);
  // The scene is informative: neither (almost) nothing nor everything is visible.
  if (n >= 1000) CHECK(visible > n * frames / 50 && visible < n * frames / 2);

  // Dispatch through the core (Auto): the same masks, whichever device ran them.
  std::vector<uint64_t> dispatched(frames * words);
  visibilityMasks<Real>(pts.data(), n, s.cams.data(), s.depths.data(), frames, s.opts, dispatched.data());
  CHECK(dispatched == cpu);
  CHECK(cudaStatus().lastError.empty());

  // Device pipeline: masks and overlap matrix without leaving the device.
  cuda::DeviceArray<Real> dPts(pts.data(), pts.size());
  std::vector<cuda::DeviceArray<float>> dDepth;
  std::vector<DepthView> views;
  for (size_t f = 0; f < frames; ++f) {
    dDepth.emplace_back(s.depths[f].data, size_t(s.depths[f].width) * s.depths[f].height);
    views.push_back(DepthView{dDepth.back().get(), s.depths[f].width, s.depths[f].height});
  }
  cuda::DeviceArray<uint64_t> dMasks(frames * words);
  cuda::visibilityMasksOnDevice<Real>(dPts.get(), n, s.cams.data(), views.data(), frames, s.opts, dMasks.get());
  dMasks.download(gpu.data());
  CHECK(cpu == gpu);
  cuda::DeviceArray<float> dOverlap(frames * frames);
  cuda::overlapMatrixFromMasksOnDevice(dMasks.get(), frames, words, dOverlap.get());
  std::vector<float> fromMasks(frames * frames), cpuOverlap(frames * frames);
  dOverlap.download(fromMasks.data());
  std::vector<std::vector<uint32_t>> sets(frames);
  std::vector<IndexSet> setViews;
  for (size_t f = 0; f < frames; ++f) {
    sets[f].resize(maskCount(cpu.data() + f * words, words));
    maskToIndices(cpu.data() + f * words, words, sets[f].data());
    setViews.push_back({sets[f].data(), sets[f].size()});
  }
  overlapMatrix(setViews.data(), frames, cpuOverlap.data(), OverlapMethod::Merge);
  CHECK(floatMismatches(cpuOverlap, fromMasks, "overlap from masks") == 0);
}

}  // namespace

SPATIAL_TEST(testCudaProjection) {
  if (!deviceReady()) return;
  // 100003 points (not a multiple of 64 or of the block) x 37 frames (three launch batches).
  const Scene s = makeScene(100003, 37, 11);
  compareProjection<float>(s);
  compareProjection<double>(s);
}

SPATIAL_TEST(testCudaVisibility) {
  if (!deviceReady()) return;
  const Scene s = makeScene(100003, 41, 12);  // 4.1M point-frame pairs: above the dispatch threshold
  compareVisibility<float>(s);
  compareVisibility<double>(s);
  const Scene tiny = makeScene(5, 3, 13);  // fewer points than one mask word
  compareVisibility<float>(tiny);
}

SPATIAL_TEST(testCudaOverlapMatrix) {
  if (!deviceReady()) return;
  // Mixed densities (dense, sparse, empty), 45 sets: two tiles of 32, a partial chunk of words.
  std::mt19937 rng(7);
  for (size_t m : {size_t(1), size_t(2), size_t(45)}) {
    std::vector<std::vector<uint32_t>> sets(m);
    for (size_t s = 0; s < m; ++s) {
      const double density = s % 4 == 0 ? 0.5 : s % 4 == 1 ? 0.01 : s % 4 == 2 ? 0.9 : 0.0;
      std::bernoulli_distribution keep(density);
      for (uint32_t i = uint32_t(s * 997); i < 70001; ++i)
        if (keep(rng)) sets[s].push_back(i);
    }
    std::vector<IndexSet> views;
    for (auto& s : sets) views.push_back({s.data(), s.size()});
    std::vector<float> bitset(m * m), merge(m * m), gpu(m * m, -1.f);
    overlapMatrix(views.data(), m, bitset.data(), OverlapMethod::Bitset);
    overlapMatrix(views.data(), m, merge.data(), OverlapMethod::Merge);
    cuda::overlapMatrix(views.data(), m, gpu.data());
    CHECK(floatMismatches(bitset, gpu, "overlap") == 0);
    CHECK(floatMismatches(merge, gpu, "overlap") == 0);
  }
  // All sets empty: zero matrix.
  std::vector<IndexSet> empty(3, IndexSet{nullptr, 0});
  std::vector<float> out(9, -1.f);
  cuda::overlapMatrix(empty.data(), 3, out.data());
  CHECK(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.f; }));
}

SPATIAL_TEST(testCudaBackproject) {
  if (!deviceReady()) return;
  const Scene s = makeScene(8, 2, 14);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(0.3f, 6.f);
  for (auto [w, h] : {std::pair<int, int>{640, 480}, std::pair<int, int>{97, 31}}) {
    double packedCam[22] = {0.9 * w, 0.9 * w, w / 2.0, h / 2.0, double(w), double(h)};
    std::memcpy(packedCam + 6, s.cams[0].worldFromCam, 12 * sizeof(double));
    packedCam[18] = packedCam[19] = packedCam[20] = 0, packedCam[21] = 1;
    const Camera cam = makeCamera(packedCam, "camera");
    std::vector<float> depth(size_t(w) * h);
    for (size_t i = 0; i < depth.size(); ++i) depth[i] = i % 11 == 0 ? 0.f : i % 13 == 0 ? NAN : i % 17 == 0 ? INFINITY : d(rng);
    const DepthView dv{depth.data(), w, h};
    for (int32_t stride : {1, 3, 7}) {
      const size_t count = backprojectCount(dv, stride);
      std::vector<float> cpu(3 * count), gpu(3 * count, NAN);
      {
        CpuOnly c;
        backprojectDepth(dv, cam, stride, cpu.data());
      }
      cuda::backprojectDepth(dv, cam, stride, gpu.data());
      double worst = 0;
      for (size_t i = 0; i < cpu.size(); ++i)
        worst = std::max(worst, std::fabs(double(cpu[i]) - gpu[i]) / std::max(1.0, std::fabs(double(cpu[i]))));
      CHECK(worst <= 1.2e-7);  // one float ulp, relative (expected 0)
      cuda::DeviceArray<float> dDepth(depth.data(), depth.size()), dOut(3 * count + 3);
      cuda::DeviceArray<uint32_t> dCount(1);
      cuda::backprojectDepthOnDevice(DepthView{dDepth.get(), w, h}, cam, stride, dOut.get(), dCount.get());
      uint32_t deviceCount = 0;
      dCount.download(&deviceCount);
      CHECK(deviceCount == count);
    }
  }
}

SPATIAL_TEST(testCudaRayEmbedding) {
  if (!deviceReady()) return;
  const Intrinsics k{400, 380, 258.5, 250.25, 518, 518};
  struct Case {
    PatchGrid g;
    int32_t frequencies;
    bool focal;
  };
  for (const Case& c : {Case{patchGridFromSize(k, 14), 16, true}, Case{patchGridFromSize(k, 14), 8, false},
                        Case{patchGridFromCount(k, 5, 7), 32, true}}) {
    const size_t size = rayEmbeddingSize(c.g, c.frequencies, c.focal);
    std::vector<float> cpu(size), gpu(size, NAN);
    {
      CpuOnly cp;
      rayEmbedding(k, c.g, c.frequencies, c.focal, cpu.data());
    }
    cuda::rayEmbedding(k, c.g, c.frequencies, c.focal, gpu.data());
    double worst = 0;
    for (size_t i = 0; i < size; ++i) worst = std::max(worst, std::fabs(double(cpu[i]) - gpu[i]));
    CHECK(worst <= 1e-6);
    cuda::DeviceArray<float> dOut(size);
    cuda::rayEmbeddingOnDevice(k, c.g, c.frequencies, c.focal, dOut.get());
    std::vector<float> again(size);
    dOut.download(again.data());
    CHECK(again == gpu);
  }
}

#endif  // SPATIAL_GEOM_HAVE_CUDA
