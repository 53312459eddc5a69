// C++ bench of the core (no Node): 1M points into 1/64 cameras, visibility, overlap matrix, rays.
//   build/native/spatial_core_bench [points] [threads]
// Prints one line per case: name, milliseconds (median of runs), and GB/s of the bytes touched.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "spatial_geom/spatial_geom.h"

using namespace spatial;

static double medianMs(int runs, const std::function<void()>& fn) {
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  if (threads > 0) setThreadCount(threads);
  setBackendPreference(BackendPreference::Cpu);  // the CPU core's figures, even where CUDA is available
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> U(-3.f, 3.f);
  std::vector<float> pts(3 * n);
  for (auto& x : pts) x = U(rng);
  const int F = 64;
  std::vector<Camera> cams(F);
  for (int f = 0; f < F; ++f) {
    const double a = 2 * M_PI * f / F, c = std::cos(a), s = std::sin(a);
    const double pose[16] = {c, 0, s, -4 * s, 0, 1, 0, 0, -s, 0, c, -4 * c, 0, 0, 0, 1};
    double packed[22] = {525, 525, 319.5, 239.5, 640, 480};
    std::memcpy(packed + 6, pose, sizeof pose);
    cams[f] = makeCamera(packed, "camera");
  }
  // One depth map per frame, as in real data and bench/scenes.mjs (a wavy surface 2.5-5 m away): 64
  // maps are 77 MB, so where the lookups hit in the cache hierarchy is part of what is measured
  // (with one map shared by all frames, the 1.2 MB map stayed in L2 and hid it).
  std::vector<float> depth(size_t(F) * 640 * 480);
  std::vector<DepthView> depths(F);
  for (int f = 0; f < F; ++f) {
    float* d = depth.data() + size_t(f) * 640 * 480;
    for (int i = 0; i < 480; ++i)
      for (int j = 0; j < 640; ++j) d[i * 640 + j] = float(3.75 + 1.25 * std::sin(j / 60.0 + f) * std::cos(i / 45.0));
    depths[f] = DepthView{d, 640, 480};
  }
  std::vector<float> uv(2 * n * F), z(n * F);
  std::printf("threads %d, points %zu\n", threadCount(), n);
  for (int frames : {1, 8, 64}) {
    const double ms = medianMs(7, [&] { projectPoints<float>(pts.data(), n, cams.data(), frames, uv.data(), z.data()); });
    const double bytes = 12.0 * n + 12.0 * n * frames;
    std::printf("project      %2d cams  %8.2f ms  %6.1f GB/s\n", frames, ms, bytes / ms / 1e6);
  }
  const double copyMs = medianMs(7, [&] { std::memcpy(uv.data(), z.data(), 12ull * n * 8 / 2); std::memcpy(z.data(), uv.data(), 12ull * n * 8 / 2); });
  std::printf("memcpy       (%zu MB) %8.2f ms  %6.1f GB/s\n", size_t(12ull * n * 8 / 1000000), copyMs, 12.0 * n * 8 / copyMs / 1e6);
  std::vector<std::vector<uint32_t>> sets;
  for (int frames : {1, 64}) {
    const double ms = medianMs(5, [&] { sets = visibleSets<float>(pts.data(), n, cams.data(), depths.data(), frames, VisibilityOptions{}); });
    std::printf("visibleSets  %2d cams  %8.2f ms\n", frames, ms);
  }
  // The SIMD kernels against the portable ones they must match (CpuPath::Scalar), same process.
  std::vector<uint64_t> masks(F * maskWords(n));
  const double visSimd = medianMs(5, [&] { visibilityMasks<float>(pts.data(), n, cams.data(), depths.data(), F, VisibilityOptions{}, masks.data()); });
  const double visScalar = medianMs(3, [&] { visibilityMasks<float>(pts.data(), n, cams.data(), depths.data(), F, VisibilityOptions{}, masks.data(), CpuPath::Scalar); });
  std::printf("visibilityMasks 64 cams: %s %8.2f ms, scalar %8.2f ms\n", simdLevelName(simdLevel()), visSimd, visScalar);
  std::vector<IndexSet> views;
  for (auto& s : sets) views.push_back({s.data(), s.size()});
  std::vector<float> m(views.size() * views.size());
  const double ovMs = medianMs(5, [&] { overlapMatrix(views.data(), views.size(), m.data()); });
  std::printf("overlapMatrix %zu sets %8.2f ms\n", views.size(), ovMs);
  const double ovChecked = medianMs(5, [&] { checkedOverlapMatrix(views.data(), views.size(), m.data(), "sets"); });
  const double ovScalar = medianMs(5, [&] { overlapMatrix(views.data(), views.size(), m.data(), OverlapMethod::Bitset, CpuPath::Scalar); });
  std::printf("overlapMatrix %zu sets: checked (order check fused) %8.2f ms, scalar path %8.2f ms\n", views.size(), ovChecked, ovScalar);
  Intrinsics k{400, 400, 258.5, 258.5, 518, 518};
  PatchGrid g = patchGridFromSize(k, 14);
  std::vector<float> emb(rayEmbeddingSize(g, 8, true));
  const double rayMs = medianMs(7, [&] { for (int f = 0; f < 64; ++f) rayEmbedding(k, g, 8, true, emb.data()); });
  std::printf("rayEmbedding 64 x 518^2/14 F=8 %8.2f ms\n", rayMs);
  return 0;
}
