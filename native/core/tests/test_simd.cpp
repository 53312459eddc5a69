// The kernels of every instruction-set level this CPU offers (baseline, avx2, avx512) against the
// baseline's portable loops (CpuPath::Scalar), on random scenes with every edge case
// (test_scene.h). Expected agreement: exact. The SIMD visibility evaluates the same IEEE expression
// tree lane by lane (no FMA), so every decision matches; the overlap counts are integers. At the
// baseline level both sides run the same loop and the cases still check the chunk and tail handling.
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "spatial_geom/raycast.h"
#include "spatial_geom/resample.h"
#include "spatial_geom/spatial_geom.h"
#include "spatial_geom/voxel.h"
#include "test_scene.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::makeScene;
using spatial_test::Scene;
using spatial_test::scenePoints;
using spatial_test::throwsCode;

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

// Runs fn once at each level this CPU offers, then restores the level that was active.
template <typename Fn>
void atEveryLevel(Fn fn) {
  const SimdLevel before = simdLevel();
  for (SimdLevel level : supportedSimdLevels()) {
    setSimdLevel(level);
    fn(level);
  }
  setSimdLevel(before);
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

SPATIAL_TEST(testSimdLevels) {
  const auto& levels = supportedSimdLevels();
  std::printf("SIMD levels of this CPU:");
  for (SimdLevel l : levels) std::printf(" %s", simdLevelName(l));
  std::printf(" (active: %s)\n", simdLevelName(simdLevel()));
  CHECK(!levels.empty() && levels.front() == SimdLevel::Baseline);
  CHECK(std::is_sorted(levels.begin(), levels.end()));
  for (SimdLevel l : {SimdLevel::Baseline, SimdLevel::Avx2, SimdLevel::Avx512})
    CHECK(parseSimdLevel(simdLevelName(l), "x") == l);
  std::string msg;
  try {
    parseSimdLevel("sse9", "opts.simd");
  } catch (const Error& e) {
    msg = e.what();
    CHECK(e.code() == ErrorCode::Shape);
  }
  CHECK(msg.find("opts.simd must be 'baseline', 'avx2' or 'avx512' (got 'sse9'); this CPU offers baseline") == 0);
  if (levels.back() != SimdLevel::Avx512) {  // a level above the CPU's is refused, naming both
    const SimdLevel before = simdLevel();
    CHECK(throwsCode([] { setSimdLevel(SimdLevel::Avx512, "opts.simd"); }, ErrorCode::Shape));
    CHECK(simdLevel() == before);
  }
  atEveryLevel([](SimdLevel l) { CHECK(simdLevel() == l); });
}

SPATIAL_TEST(testSimdVisibilityMatchesScalar) {
  CpuOnly cpu;
  atEveryLevel([](SimdLevel level) {
    std::printf("visibility at %s\n", simdLevelName(level));
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
  });
}

SPATIAL_TEST(testSimdMaskToIndices) {
  atEveryLevel([](SimdLevel) {
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
  });
}

namespace {

// Sets over [0, universe) of mixed densities (dense, sparse, empty, full runs), some starting late.
std::vector<std::vector<uint32_t>> randomSets(size_t m, uint32_t universe, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<uint32_t>> sets(m);
  for (size_t s = 0; s < m; ++s) {
    const double density = s % 5 == 0 ? 0.5 : s % 5 == 1 ? 0.02 : s % 5 == 2 ? 0.95 : s % 5 == 3 ? 0.0 : 0.2;
    std::bernoulli_distribution keep(density);
    const uint32_t from = s % 3 == 1 ? universe / 3 : 0, to = s % 4 == 2 ? universe / 2 : universe;
    for (uint32_t i = from; i < to; ++i)
      if (keep(rng)) sets[s].push_back(i);
  }
  return sets;
}

std::vector<IndexSet> views(const std::vector<std::vector<uint32_t>>& sets) {
  std::vector<IndexSet> v;
  for (const auto& s : sets) v.push_back({s.data(), s.size()});
  return v;
}

// The message checkSortedSets gives, or "" when the sets are sorted.
std::string sortedError(const std::vector<IndexSet>& v) {
  try {
    checkSortedSets(v.data(), v.size(), "sets");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

SPATIAL_TEST(testSimdOverlapMatchesScalarAndMerge) {
  CpuOnly cpu;
  atEveryLevel([](SimdLevel) {
    // Universes around the 64-point words and the 32768-point tiles; set counts odd and even (the
    // kernel pairs rows two at a time).
    const size_t cases[][2] = {{1, 100}, {2, 64}, {3, 65}, {4, 32768}, {7, 32769}, {8, 70001}, {17, 200003}};
    uint32_t seed = 1;
    for (const auto& c : cases) {
      const auto sets = randomSets(c[0], uint32_t(c[1]), seed++);
      const auto v = views(sets);
      const size_t m = v.size();
      std::vector<float> merge(m * m), scalar(m * m), simd(m * m), checked(m * m);
      overlapMatrix(v.data(), m, merge.data(), OverlapMethod::Merge);
      for (int threads : {1, 2}) {
        withThreads(threads, [&] {
          overlapMatrix(v.data(), m, scalar.data(), OverlapMethod::Bitset, CpuPath::Scalar);
          overlapMatrix(v.data(), m, simd.data(), OverlapMethod::Bitset, CpuPath::Auto);
          checkedOverlapMatrix(v.data(), m, checked.data(), "sets");
        });
        CHECK(scalar == merge);
        CHECK(simd == merge);
        CHECK(checked == merge);
      }
    }
  });
}

SPATIAL_TEST(testCheckedOverlapMatrixRejectsUnsorted) {
  CpuOnly cpu;
  atEveryLevel([](SimdLevel) {
    const auto good = randomSets(6, 140000, 9);  // dense enough for the bitset method, 5 tiles
    CHECK(chooseOverlapMethod(views(good).data(), 6) == OverlapMethod::Bitset);
    struct Break {
      size_t set;
      size_t at;  // position of the element made <= its predecessor (0: make the set's first the largest)
      bool equal;
      bool spike = false;  // instead, make element `at` larger than every other (its successor breaks)
    };
    const size_t big = good[0].size();
    // At the start, inside a 16-lane group, at group and tile-ish positions, at the end, and a set
    // whose first element exceeds all others (every later element is then "below" it).
    const Break cases[] = {{0, 1, false},   {0, 1, true},        {2, 15, false},      {2, 16, true},
                           {4, 17, false},  {0, big / 2, false}, {0, big / 2, true},  {0, big - 1, false},
                           {5, 4096, true}, {2, 0, false},
                           // A spike early in the list: with several runs of tiles, the run that reads it
                           // stops there and the next starts by binary search far beyond, so the
                           // elements between are read by no run (caught by the runs' hand-over check).
                           {1, 10, false, true}, {4, 3, false, true}};
    for (const Break& b : cases) {
      auto sets = good;
      auto& s = sets[b.set];
      if (b.spike)
        s[b.at] = 0xFFFFFF00u;
      else if (b.at == 0)
        s[0] = 0xFFFFFFF0u;
      else
        s[b.at] = b.equal ? s[b.at - 1] : s[b.at - 1] - 1;
      // A second, later violation (the error names the first set only); none with a spike, so that
      // nothing else gives the spike away.
      if (!b.spike) sets[5][sets[5].size() / 3] = sets[5][sets[5].size() / 3 - 1];
      const auto v = views(sets);
      const std::string expected = sortedError(v);
      CHECK(expected.find("sets[" + std::to_string(b.set) + "] must be strictly ascending") == 0 ||
            (b.set == 5 && expected.find("sets[5]") == 0));
      for (int threads : {1, 2}) {
        std::vector<float> out(36, -7.f);
        std::string got;
        withThreads(threads, [&] {
          try {
            checkedOverlapMatrix(v.data(), v.size(), out.data(), "sets");
          } catch (const Error& e) {
            got = e.what();
            CHECK(e.code() == ErrorCode::Format);
          }
        });
        CHECK(got == expected);
        CHECK(std::all_of(out.begin(), out.end(), [](float x) { return x == -7.f; }));  // out untouched
      }
    }
    // Sparse sets take the merge path: checked first there too.
    std::vector<std::vector<uint32_t>> sparse = {{1, 5000000}, {7, 7}};
    std::vector<float> out(4, -7.f);
    CHECK(throwsCode([&] { checkedOverlapMatrix(views(sparse).data(), 2, out.data(), "sets"); }, ErrorCode::Format));
    CHECK(out[0] == -7.f);
  });
}

SPATIAL_TEST(testSortedCheckFindsFirstViolation) {
  atEveryLevel([](SimdLevel) {
    std::vector<uint32_t> base(20000);
    for (size_t i = 0; i < base.size(); ++i) base[i] = uint32_t(3 * i + 1);
    CHECK(!throwsCode([&] { checkSortedSet({base.data(), base.size()}, "s"); }, ErrorCode::Format));
    for (size_t at : {size_t(1), size_t(15), size_t(16), size_t(17), size_t(4095), size_t(4096), size_t(4097), size_t(19999)}) {
      auto v = base;
      v[at] = v[at - 1];
      v[at + 1 < v.size() ? at + 1 : at] = 0;  // a second violation right after (or the same)
      std::string msg;
      try {
        checkSortedSet({v.data(), v.size()}, "s");
      } catch (const Error& e) {
        msg = e.what();
      }
      CHECK(msg == "s must be strictly ascending (element " + std::to_string(at) + " is " + std::to_string(v[at]) + " after " +
                       std::to_string(v[at - 1]) + ")");
    }
  });
}

namespace {

// Everything the resampling, voxel-coverage, motion and ray-casting kernels compute, at the active level.
struct RowAndVoxelOutputs {
  std::vector<uint8_t> image[3];
  std::vector<float> depth;
  std::vector<uint16_t> ids;
  float median = 0;
  std::vector<uint32_t> order[2];
  std::vector<uint64_t> coverage[2];
  std::vector<double> distanceChange;
  std::vector<float> rayDepth;
  std::vector<uint16_t> rayIds;
  std::vector<uint8_t> rayRgb;
  bool operator==(const RowAndVoxelOutputs& o) const {
    for (int c = 0; c < 3; ++c)
      if (image[c] != o.image[c]) return false;
    // Depth holds NaN and inf on purpose: compare bits.
    if (depth.size() != o.depth.size() || std::memcmp(depth.data(), o.depth.data(), 4 * depth.size()) != 0) return false;
    return ids == o.ids && median == o.median && order[0] == o.order[0] && order[1] == o.order[1] &&
           coverage[0] == o.coverage[0] && coverage[1] == o.coverage[1] &&
           std::memcmp(distanceChange.data(), o.distanceChange.data(), 8 * distanceChange.size()) == 0 &&
           std::memcmp(rayDepth.data(), o.rayDepth.data(), 4 * rayDepth.size()) == 0 && rayIds == o.rayIds &&
           rayRgb == o.rayRgb;
  }
};

RowAndVoxelOutputs rowAndVoxelOutputs() {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  RowAndVoxelOutputs r;
  // Resampling: a 0.7x downscale with a shift (fill at the borders) of a 97x61 source.
  const int32_t sw = 97, sh = 61;
  ResampleGeometry g{sw, sh, 83, 47, {1.0 / 0.7, -3.25}, {1.0 / 0.7, 2.5}};
  const int channels[3] = {1, 3, 4};
  const uint8_t fill[4] = {7, 8, 9, 10};
  for (int c = 0; c < 3; ++c) {
    std::vector<uint8_t> src(size_t(sw) * sh * channels[c]);
    for (auto& b : src) b = uint8_t(byte(rng));
    r.image[c].resize(size_t(g.dstWidth) * g.dstHeight * channels[c]);
    resampleImage(src.data(), channels[c], r.image[c].data(), g, fill);
  }
  std::vector<float> depth(size_t(sw) * sh);
  std::vector<uint16_t> ids(depth.size());
  for (size_t i = 0; i < depth.size(); ++i) {
    depth[i] = i % 13 == 0 ? NAN : i % 17 == 0 ? INFINITY : 5 * unit(rng);
    ids[i] = uint16_t(rng());
  }
  r.depth.resize(size_t(g.dstWidth) * g.dstHeight);
  r.ids.resize(r.depth.size());
  resampleDepth(depth.data(), r.depth.data(), g);
  resampleIds(ids.data(), r.ids.data(), g);
  // Voxel coverage over 9 frames of 5003 points (some non-finite), float and double, with confidences.
  std::vector<std::vector<float>> pf(9), conf(9);
  std::vector<std::vector<double>> pd(9);
  for (size_t f = 0; f < 9; ++f)
    for (size_t i = 0; i < 5003; ++i) {
      for (int a = 0; a < 3; ++a) {
        float v = 4 * unit(rng) + 0.3f * float(f);
        if (i % 101 == 0 && a == 1) v = i % 202 ? NAN : -INFINITY;
        pf[f].push_back(v);
        pd[f].push_back(double(v) + 1e-9 * double(i));
      }
      conf[f].push_back(i % 97 == 0 ? NAN : unit(rng));
    }
  std::vector<const float*> confPtr;
  std::vector<size_t> counts;
  for (size_t f = 0; f < 9; ++f) confPtr.push_back(conf[f].data()), counts.push_back(conf[f].size());
  CHECK(medianFloat32(confPtr.data(), counts.data(), 9, &r.median));
  for (int d = 0; d < 2; ++d) {
    std::vector<PointMapView> maps;
    for (size_t f = 0; f < 9; ++f) maps.push_back({d ? static_cast<const void*>(pd[f].data()) : pf[f].data(), 5003, conf[f].data()});
    VoxelCoverageOptions opts;
    opts.candidates = 9;
    opts.isDouble = d == 1;
    opts.useConfidence = d == 0;
    const VoxelCoverageResult res = voxelCoverageSelect(maps.data(), maps.size(), 5, opts);
    r.order[d] = res.order;
    r.coverage[d] = res.coverage;
  }
  // Rigid-body distance change: 77 tracks (odd, around the 16-row blocks) over 9 frames, one NaN.
  std::vector<float> tracks(3 * 9 * 77);
  for (auto& v : tracks) v = 2 * unit(rng);
  tracks[3 * 77 * 4 + 5] = NAN;
  r.distanceChange.resize(77 * 76 / 2);
  trackDistanceChange(tracks.data(), 9, 77, 0.01, r.distanceChange.data());
  // Ray casting: 7 boxes in a room, seen from inside, 61x37 (odd widths), with colour.
  std::vector<double> boxes;
  std::vector<uint16_t> boxIds;
  for (int b = 0; b < 7; ++b) {
    const double x = 3 * unit(rng) - 1.5, y = 3 * unit(rng) - 1.5, z = 2 + 2 * unit(rng), e = 0.2 + 0.5 * unit(rng);
    for (double v : {x, y, z, x + e, y + e, z + e}) boxes.push_back(v);
    boxIds.push_back(uint16_t(10 + b));
  }
  std::vector<uint8_t> palette(3 * 32);
  for (auto& b : palette) b = uint8_t(byte(rng));
  BoxScene scene;
  scene.boxes = boxes.data();
  scene.ids = boxIds.data();
  scene.count = 7;
  scene.hasRoom = true;
  const double room[6] = {-4, -3, -1, 4, 3, 6};
  for (int k = 0; k < 6; ++k) scene.room[k] = room[k], scene.roomIds[k] = uint16_t(1 + k);
  scene.palette = palette.data();
  scene.paletteSize = 32;
  const double packed[22] = {30, 30, 30, 18, 61, 37, 0.96, -0.28, 0, 0.1, 0.28, 0.96, 0, -0.2, 0, 0, 1, 0.3, 0, 0, 0, 1};
  const Camera cam = makeCamera(packed, "camera");
  r.rayDepth.resize(61 * 37);
  r.rayIds.resize(61 * 37);
  r.rayRgb.resize(3 * 61 * 37);
  raycastBoxes(scene, cam, r.rayDepth.data(), r.rayIds.data(), r.rayRgb.data());
  return r;
}

}  // namespace

SPATIAL_TEST(testSimdRowKernelsMatchBaseline) {
  const SimdLevel before = simdLevel();
  setSimdLevel(SimdLevel::Baseline);
  const RowAndVoxelOutputs baseline = rowAndVoxelOutputs();
  setSimdLevel(before);
  CHECK(baseline.coverage[0].size() == 5 && baseline.coverage[0].back() > 0);
  CHECK(std::count_if(baseline.rayIds.begin(), baseline.rayIds.end(), [](uint16_t id) { return id >= 10; }) > 50);  // boxes seen
  atEveryLevel([&](SimdLevel) { CHECK(rowAndVoxelOutputs() == baseline); });
}
