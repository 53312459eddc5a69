// The hand-written SIMD kernels against the portable loops they replace, on random scenes with
// every edge case (test_scene.h). Expected agreement: exact. The SIMD visibility evaluates the same
// IEEE expression tree lane by lane (no FMA), so every decision matches; the overlap counts are
// integers. In a build without the SIMD paths (portable, x86-64-v2) both sides run the same loop
// and the cases still check the chunk and tail handling.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "spatial_geom/spatial_geom.h"
#include "test_scene.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::makeScene;
using spatial_test::Scene;
using spatial_test::scenePoints;

namespace {

// Runs fn with the given thread count and a zero parallel threshold (so tiles really split), then
// restores the defaults.
template <typename Fn>
void withThreads(int threads, Fn fn) {
  const size_t threshold = parallelThreshold();
  setThreadCount(threads);
  setParallelThreshold(0);
  fn();
  setThreadCount(0);
  setParallelThreshold(threshold);
}

struct CpuOnly {
  CpuOnly() { setBackendPreference(BackendPreference::Cpu); }
  ~CpuOnly() { setBackendPreference(BackendPreference::Auto); }
};

template <typename Real>
size_t visibilityMismatches(const Scene& s, const VisibilityOptions& opts) {
  const std::vector<Real> pts = scenePoints<Real>(s);
  const size_t n = pts.size() / 3, frames = s.cams.size(), words = maskWords(n);
  std::vector<uint64_t> scalar(frames * words, 0x5555), simd(frames * words, 0xAAAA);
  visibilityMasks<Real>(pts.data(), n, s.cams.data(), s.depths.data(), frames, opts, scalar.data(), CpuPath::Scalar);
  visibilityMasks<Real>(pts.data(), n, s.cams.data(), s.depths.data(), frames, opts, simd.data(), CpuPath::Auto);
  size_t bad = 0;
  for (size_t f = 0; f < frames; ++f)
    for (size_t w = 0; w < words; ++w) {
      const uint64_t diff = scalar[f * words + w] ^ simd[f * words + w];
      if (diff && bad == 0)
        std::fprintf(stderr, "visibility n=%zu frame %zu point %zu: scalar %d simd %d\n", n, f,
                     w * 64 + size_t(__builtin_ctzll(diff)), int(scalar[f * words + w] >> __builtin_ctzll(diff) & 1),
                     int(simd[f * words + w] >> __builtin_ctzll(diff) & 1));
      bad += size_t(__builtin_popcountll(diff));
    }
  return bad;
}

}  // namespace

SPATIAL_TEST(testSimdVisibilityMatchesScalar) {
  CpuOnly cpu;
  std::printf("SIMD path of this build: %s\n", simdPath());
  // Point counts around the 16-lane groups, the 64-point words, the 4096-point blocks and the
  // 16384-point tiles; frame counts around the 4-frame blocks.
  const size_t sizes[][2] = {{1, 1}, {5, 3}, {15, 2}, {16, 5}, {17, 4}, {63, 1}, {64, 7}, {65, 2}, {4095, 3}, {4097, 4},
                             {16383, 5}, {16384, 1}, {16401, 9}, {50021, 6}};
  uint32_t seed = 100;
  for (const auto& sz : sizes) {
    const Scene s = makeScene(sz[0], sz[1], seed++);
    for (double tol : {0.05, 0.0}) {
      VisibilityOptions opts = s.opts;
      opts.tolerance = tol;
      for (int threads : {1, 2}) {
        withThreads(threads, [&] {
          CHECK(visibilityMismatches<float>(s, opts) == 0);
          CHECK(visibilityMismatches<double>(s, opts) == 0);
        });
      }
    }
    // A near plane in front of and behind the camera (negative near lets z <= 0 through the near test).
    for (double nearPlane : {0.5, -1.0}) {
      VisibilityOptions opts = s.opts;
      opts.nearPlane = nearPlane;
      CHECK(visibilityMismatches<float>(s, opts) == 0);
    }
  }
  // The scene is informative: both decisions occur often.
  const Scene s = makeScene(20000, 8, 7);
  const std::vector<float> pts = scenePoints<float>(s);
  std::vector<uint64_t> masks(8 * maskWords(20000));
  visibilityMasks<float>(pts.data(), 20000, s.cams.data(), s.depths.data(), 8, s.opts, masks.data());
  const size_t visible = maskCount(masks.data(), masks.size());
  CHECK(visible > 20000 * 8 / 50 && visible < 20000 * 8 / 2);
}

SPATIAL_TEST(testSimdMaskToIndices) {
  std::mt19937_64 rng(5);
  for (size_t words : {size_t(0), size_t(1), size_t(3), size_t(257)}) {
    for (int density = 0; density < 4; ++density) {
      std::vector<uint64_t> mask(words);
      for (auto& w : mask) {
        w = rng();
        if (density == 0) w = 0;
        if (density == 1) w &= rng() & rng();
        if (density == 3) w = ~uint64_t(0);
      }
      std::vector<uint32_t> expected;
      for (size_t i = 0; i < 64 * words; ++i)
        if (mask[i / 64] >> (i % 64) & 1) expected.push_back(uint32_t(i));
      CHECK(maskCount(mask.data(), words) == expected.size());
      // Exactly count elements are written: a guard after them stays intact.
      std::vector<uint32_t> out(expected.size() + 1, 0xDEADBEEF);
      maskToIndices(mask.data(), words, out.data());
      CHECK(std::equal(expected.begin(), expected.end(), out.begin()));
      CHECK(out.back() == 0xDEADBEEF);
    }
  }
}
