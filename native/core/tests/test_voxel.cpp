// C++ tests of space-aware frame sampling (voxel.h): numpy-compatible candidates and median,
// greedy coverage against hand-computed picks and a brute-force optimum, and the whole selection.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "spatial_geom/voxel.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

SPATIAL_TEST(testLinspaceCandidates) {
  // Values printed by numpy.linspace(0, n - 1, m, dtype=int).
  CHECK((linspaceCandidates(10, 4) == std::vector<uint32_t>{0, 3, 6, 9}));
  CHECK((linspaceCandidates(300, 7) == std::vector<uint32_t>{0, 49, 99, 149, 199, 249, 299}));
  CHECK((linspaceCandidates(7, 2) == std::vector<uint32_t>{0, 6}));
  CHECK((linspaceCandidates(2, 1) == std::vector<uint32_t>{0}));
  const auto c = linspaceCandidates(1000, 128);
  CHECK(c.size() == 128 && c[1] == 7 && c[8] == 62 && c[125] == 983 && c[127] == 999);
  const auto d = linspaceCandidates(129, 128);
  CHECK(d[126] == 126 && d[127] == 128);
  CHECK(linspaceCandidates(5, 0).empty());
}

SPATIAL_TEST(testMedianFloat32) {
  const float a[] = {0.5f, 3.f, NAN, 1.f};
  const float b[] = {2.f};
  const float* arrays[] = {a, b};
  const size_t counts[] = {4, 1};
  float m = -1;
  CHECK(medianFloat32(arrays, counts, 2, &m) && m == 1.5f);  // {0.5, 1, 2, 3}: (1 + 2) / 2
  const size_t odd[] = {3, 0};
  CHECK(medianFloat32(arrays, odd, 2, &m) && m == 1.75f);    // {0.5, 3} (NaN skipped): 1.75
  const float nan[] = {NAN, NAN};
  const float* only[] = {nan};
  const size_t two[] = {2};
  m = 7;
  CHECK(!medianFloat32(only, two, 1, &m) && m == 7);
  // Random data with negatives, zeros and ties against a sort.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(-50, 50);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> v(1 + trial * 37);
    for (float& x : v) x = pick(rng) * 0.25f;
    const float* p[] = {v.data()};
    const size_t n[] = {v.size()};
    std::vector<float> s = v;
    std::sort(s.begin(), s.end());
    const double lo = s[(s.size() - 1) / 2], hi = s[s.size() / 2];
    float got = 0;
    CHECK(medianFloat32(p, n, 1, &got) && got == static_cast<float>(hi - (hi - lo) * 0.5));
  }
}

SPATIAL_TEST(testMedianFloat32Large) {
  // Large inputs take the sampled-bracket path; heavy ties overflow the bracket and take the radix
  // path; both must give the exact order statistics.
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(1.5f, 0.3f);
  std::uniform_int_distribution<int> coarse(0, 3);
  for (int kind = 0; kind < 4; ++kind) {
    std::vector<std::vector<float>> frames(7, std::vector<float>(40000 + kind * 999));
    for (auto& fr : frames)
      for (size_t i = 0; i < fr.size(); ++i) {
        if (kind == 0) fr[i] = normal(rng);                                   // continuous
        else if (kind == 1) fr[i] = float(coarse(rng));                       // four values: ties
        else if (kind == 2) fr[i] = (i % 3 == 0) ? NAN : normal(rng);         // a third NaN
        else fr[i] = float(i % 1000) * (i % 2 ? 1.f : -1.f) + (i > 30000 ? 1e30f : 0.f);  // structured, wide range
      }
    std::vector<const float*> p;
    std::vector<size_t> n;
    std::vector<float> all;
    for (auto& fr : frames) {
      p.push_back(fr.data());
      n.push_back(fr.size());
      for (float x : fr)
        if (x == x) all.push_back(x);
    }
    std::sort(all.begin(), all.end());
    const double lo = all[(all.size() - 1) / 2], hi = all[all.size() / 2];
    float got = 0;
    CHECK(medianFloat32(p.data(), n.data(), p.size(), &got));
    CHECK(got == static_cast<float>(hi - (hi - lo) * 0.5));
  }
}

static std::vector<uint32_t> iota(size_t n) {
  std::vector<uint32_t> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = uint32_t(i);
  return t;
}

SPATIAL_TEST(testGreedyCoverageHandMade) {
  // Gains 3, 3, 4: frame 2 first; then frame 0 adds {0, 1, 2} (3) against frame 1's {2} (1); frame 1
  // then adds nothing and comes in as a fill pick.
  std::vector<std::vector<uint32_t>> sets = {{0, 1, 2}, {2, 3, 4}, {3, 4, 5, 6}};
  auto sel = greedyCoverage(sets, 7, iota(3), 3);
  CHECK((sel.order == std::vector<uint32_t>{2, 0, 1}));
  CHECK((sel.coverage == std::vector<uint64_t>{4, 7, 7}));
  CHECK(sel.greedyPicks == 2);
  // Ties go to the earlier frame; duplicates add nothing once one copy is chosen.
  std::vector<std::vector<uint32_t>> dup = {{0, 1}, {2, 3}, {0, 1}, {2, 3}};
  sel = greedyCoverage(dup, 4, iota(4), 4);
  CHECK((sel.order == std::vector<uint32_t>{0, 1, 3, 2}));  // fill: frame 3 is 2 away from frame 1, frame 2 only 1
  CHECK((sel.coverage == std::vector<uint64_t>{2, 4, 4, 4}) && sel.greedyPicks == 2);
  // Empty frames only: the fill takes the first, then the farthest, then the middle.
  std::vector<std::vector<uint32_t>> empty(5);
  sel = greedyCoverage(empty, 0, {0, 10, 20, 30, 40}, 3);
  CHECK((sel.order == std::vector<uint32_t>{0, 4, 2}) && sel.greedyPicks == 0);
  // k larger than the number of frames.
  sel = greedyCoverage(sets, 7, iota(3), 10);
  CHECK(sel.order.size() == 3);
}

SPATIAL_TEST(testGreedyCoverageBound) {
  // Greedy reaches at least (1 - 1/e) of the best k-subset's coverage (brute force on small cases).
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t m = 2 + rng() % 7, u = 1 + rng() % 16, k = 1 + rng() % m;
    std::vector<std::vector<uint32_t>> sets(m);
    for (auto& s : sets) {
      for (uint32_t id = 0; id < u; ++id)
        if (rng() % 3 == 0) s.push_back(id);
    }
    const auto sel = greedyCoverage(sets, u, iota(m), k);
    CHECK(sel.order.size() == k);
    size_t best = 0;
    for (uint32_t mask = 0; mask < (1u << m); ++mask) {
      if (size_t(__builtin_popcount(mask)) != k) continue;
      std::vector<uint8_t> cov(u, 0);
      for (size_t f = 0; f < m; ++f)
        if (mask >> f & 1)
          for (uint32_t id : sets[f]) cov[id] = 1;
      best = std::max<size_t>(best, std::count(cov.begin(), cov.end(), 1));
    }
    CHECK(double(sel.coverage.back()) >= (1 - 1 / std::exp(1.0)) * double(best) - 1e-12);
  }
}

SPATIAL_TEST(testVoxelCoverageSelect) {
  // Three frames on a unit voxel grid (explicit voxel size 1, origin = min of all points = 0).
  const float f0[] = {0.5f, 0.5f, 0.5f, 1.5f, 0.5f, 0.5f};                       // voxels (0,0,0), (1,0,0)
  const float f1[] = {1.5f, 0.5f, 0.5f, 2.5f, 0.5f, 0.5f, 3.5f, 0.5f, 0.5f};    // (1,0,0), (2,0,0), (3,0,0)
  const float f2[] = {0.2f, 0.2f, 0.2f, NAN, 0.f, 0.f};                          // (0,0,0); NaN ignored
  PointMapView maps[] = {{f0, 2, nullptr}, {f1, 3, nullptr}, {f2, 2, nullptr}};
  VoxelCoverageOptions o;
  o.voxelSize = 1;
  auto r = voxelCoverageSelect(maps, 3, 2, o);
  CHECK((r.order == std::vector<uint32_t>{1, 0}) && (r.frames == std::vector<uint32_t>{0, 1}));
  CHECK((r.coverage == std::vector<uint64_t>{3, 4}) && r.totalVoxels == 4 && r.keptPoints == 6);
  CHECK(r.voxelSize == 1 && std::isnan(r.confidenceThreshold));
  r = voxelCoverageSelect(maps, 3, 5, o);
  CHECK((r.frames == std::vector<uint32_t>{0, 1, 2}) && r.greedyPicks == 2);
  // Automatic voxel: box x in [0.2, 3.5], y and z in [0.2, 0.5] -> voxel = 0.3f / 20 in float32.
  o.voxelSize = 0;
  r = voxelCoverageSelect(maps, 3, 1, o);
  CHECK(r.voxelSize == double((0.5f - 0.2f) / 20.f));
  // Confidences: the median of {1, 2, 3, 5, 6, 7, 8} is 5, which keeps frame 1's points and f2's first.
  const float c0[] = {1, 2}, c1[] = {5, 6, 7}, c2[] = {8, 3};
  PointMapView conf[] = {{f0, 2, c0}, {f1, 3, c1}, {f2, 2, c2}};
  o.voxelSize = 1;
  o.useConfidence = true;
  r = voxelCoverageSelect(conf, 3, 3, o);
  CHECK(r.confidenceThreshold == 5 && r.keptPoints == 4);
  // Frame 1 keeps (0..2,0,0) relative to the new box min x = 0.2: keys floor((x - 0.2) / 1).
  CHECK(r.order[0] == 1 && r.greedyPicks == 2 && r.order[1] == 2 && r.order[2] == 0);
  // Candidates: 3 of 10 frames -> 0, 4, 9 (numpy linspace); k = 0 selects nothing.
  std::vector<PointMapView> ten(10, PointMapView{f0, 2, nullptr});
  o.useConfidence = false;
  o.candidates = 3;
  r = voxelCoverageSelect(ten.data(), 10, 3, o);
  CHECK((r.candidates == std::vector<uint32_t>{0, 4, 9}) && (r.frames == std::vector<uint32_t>{0, 4, 9}));
  CHECK((r.order == std::vector<uint32_t>{0, 9, 4}));  // greedy 0, then fill: 9 (distance 9), then 4
  r = voxelCoverageSelect(ten.data(), 10, 0, o);
  CHECK(r.frames.empty() && r.coverage.empty());
  r = voxelCoverageSelect(nullptr, 0, 4, o);
  CHECK(r.frames.empty() && r.candidates.empty());
}

SPATIAL_TEST(testVoxelCoverageDegenerate) {
  // A planar scene: the smallest extent is 0, so the voxel falls back to the smallest positive one / 20.
  const double plane[] = {0, 0, 0, 2, 0, 0, 0, 1, 0};
  PointMapView maps[] = {{plane, 3, nullptr}};
  VoxelCoverageOptions o;
  o.isDouble = true;
  auto r = voxelCoverageSelect(maps, 1, 1, o);
  CHECK(r.voxelSize == 1.0 / 20 && r.totalVoxels == 3);
  // One point: voxel 1.
  PointMapView one[] = {{plane, 1, nullptr}};
  r = voxelCoverageSelect(one, 1, 1, o);
  CHECK(r.voxelSize == 1 && r.totalVoxels == 1);
  // Too fine a grid and bad options are Shape errors.
  o.voxelSize = 1e-300;
  CHECK(throwsCode([&] { voxelCoverageSelect(maps, 1, 1, o); }, ErrorCode::Shape));
  o.voxelSize = -1;
  CHECK(throwsCode([&] { voxelCoverageSelect(maps, 1, 1, o); }, ErrorCode::Shape));
  o.voxelSize = 0;
  o.candidates = 0;
  CHECK(throwsCode([&] { voxelCoverageSelect(maps, 1, 1, o); }, ErrorCode::Shape));
  // A grid with more than 2^64 cells but fewer than 2^53 per axis uses triple keys: same answer.
  const double wide[] = {0, 0, 0, 1e6, 1e6, 1e6, 1e6, 0, 0};
  PointMapView w[] = {{wide, 2, nullptr}, {wide + 3, 2, nullptr}};
  o.candidates = 128;
  o.voxelSize = 1e-2;  // 1e8 cells per axis: 1e24 in all
  r = voxelCoverageSelect(w, 2, 2, o);
  CHECK(r.totalVoxels == 3 && (r.coverage == std::vector<uint64_t>{2, 3}) && (r.order == std::vector<uint32_t>{0, 1}));
}
