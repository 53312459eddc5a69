// C++ tests of the geometry core, runnable without Node (ctest). Hand-computed values for each op,
// bitset == merge for the overlap matrix, a back-projection round trip, and input validation.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "spatial_geom/spatial_geom.h"
#include "test_util.h"

using namespace spatial;

using spatial_test::throwsCode;

static std::vector<double> packed(double fx, double fy, double cx, double cy, int w, int h, const double* pose = nullptr) {
  static const double identity[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  std::vector<double> v = {fx, fy, cx, cy, double(w), double(h)};
  v.insert(v.end(), pose ? pose : identity, (pose ? pose : identity) + 16);
  return v;
}

SPATIAL_TEST(testProjection) {
  // Camera at (1, 0, 0) looking along +z, rotated by 90 degrees about z: x_cam = world y.
  const double pose[16] = {0, -1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  auto p = packed(500, 400, 319.5, 239.5, 640, 480, pose);
  Camera cam = makeCamera(p.data(), "camera");
  // World point (1, 0.2, 2): Xc = R^T (Xw - t) = R^T (0, 0.2, 2) = (0.2, 0, 2).
  const float pts[6] = {1.f, 0.2f, 2.f, 0.f, 0.f, -1.f};
  float uv[4], depth[2];
  projectPoints<float>(pts, 2, &cam, 1, uv, depth);
  CHECK_NEAR(uv[0], 500 * 0.2 / 2 + 319.5, 1e-4);
  CHECK_NEAR(uv[1], 239.5, 1e-4);
  CHECK_NEAR(depth[0], 2, 1e-6);
  CHECK(std::isnan(uv[2]) && std::isnan(uv[3]) && depth[1] <= 0);
  const double ptsd[6] = {1, 0.2, 2, 0, 0, -1};
  projectPoints<double>(ptsd, 2, &cam, 1, uv, depth);
  CHECK_NEAR(uv[0], 369.5, 1e-9);
}

SPATIAL_TEST(testVisibility) {
  auto p = packed(100, 100, 1.5, 1.5, 4, 4);
  Camera cam = makeCamera(p.data(), "camera");
  std::vector<float> depth(16, 2.0f);
  depth[0] = 0.f;          // pixel (0, 0) invalid
  depth[1] = NAN;          // pixel (1, 0) invalid
  DepthView dv{depth.data(), 4, 4};
  // Points on the optical axis project to (1.5, 1.5): the nearest pixel is (2, 2) (floor(2.0)).
  const float pts[] = {
      0.f, 0.f, 2.0f,                  // on the surface: visible
      0.f, 0.f, 2.04f,                 // behind the surface, within tolerance: visible
      0.f, 0.f, 2.2f,                  // occluded
      0.f, 0.f, -1.f,                  // behind the camera
      -1.5f * 0.02f, -1.5f * 0.02f, 2.f / 100.f * 1.0f,  // projects to pixel (0,0)? z = 0.02
      100.f, 0.f, 1.f,                 // far outside the image
      NAN, 0.f, 1.f,                   // non-finite: never visible
  };
  VisibilityOptions opts;
  opts.tolerance = 0.05;
  auto sets = visibleSets<float>(pts, 7, &cam, &dv, 1, opts);
  CHECK(sets.size() == 1);
  CHECK(sets[0].size() == 2 && sets[0][0] == 0 && sets[0][1] == 1);
  // Pixel borders: u = 2.5 exactly belongs to pixel 3 (floor(u + 0.5)), u = -0.5 to pixel 0.
  std::vector<float> d2(16, 5.f);
  DepthView dv2{d2.data(), 4, 4};
  const double border[] = {(2.5 - 1.5) / 100.0 * 1.0, 0, 1, (-0.5 - 1.5) / 100.0, 0, 1, (3.5 - 1.5) / 100.0, 0, 1};
  auto s2 = visibleSets<double>(border, 3, &cam, &dv2, 1, opts);
  CHECK(s2[0].size() == 2 && s2[0][0] == 0 && s2[0][1] == 1);  // u = 3.5 is outside [-0.5, 3.5)
}

SPATIAL_TEST(testValidation) {
  auto bad = packed(-1, 100, 1, 1, 4, 4);
  CHECK(throwsCode([&] { makeCamera(bad.data(), "camera"); }, ErrorCode::Camera));
  auto badW = packed(100, 100, 1, 1, 0, 4);
  CHECK(throwsCode([&] { makeCamera(badW.data(), "camera"); }, ErrorCode::Camera));
  const double scaled[16] = {2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  auto nonRigid = packed(100, 100, 1, 1, 4, 4, scaled);
  CHECK(throwsCode([&] { makeCamera(nonRigid.data(), "camera"); }, ErrorCode::Pose));
  const double lastRow[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1};
  auto badRow = packed(100, 100, 1, 1, 4, 4, lastRow);
  CHECK(throwsCode([&] { makeCamera(badRow.data(), "camera"); }, ErrorCode::Pose));
  const double inf[16] = {1, 0, 0, INFINITY, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  auto infPose = packed(100, 100, 1, 1, 4, 4, inf);
  CHECK(throwsCode([&] { makeCamera(infPose.data(), "camera"); }, ErrorCode::Pose));
  auto ok = packed(100, 100, 1, 1, 4, 4);
  Camera cam = makeCamera(ok.data(), "camera");
  std::vector<float> depth(12, 1.f);
  DepthView wrong{depth.data(), 4, 3};
  const float pt[3] = {0, 0, 1};
  CHECK(throwsCode([&] { visibleSets<float>(pt, 1, &cam, &wrong, 1, VisibilityOptions{}); }, ErrorCode::Shape));
  const uint32_t unsorted[3] = {1, 3, 2};
  CHECK(throwsCode([&] { checkSortedSet({unsorted, 3}, "a"); }, ErrorCode::Format));
}

SPATIAL_TEST(testSets) {
  const uint32_t a[] = {1, 3, 5, 7, 9}, b[] = {3, 4, 5, 10};
  uint32_t out[4];
  CHECK(intersect({a, 5}, {b, 4}, out) == 2 && out[0] == 3 && out[1] == 5);
  CHECK_NEAR(overlap({a, 5}, {b, 4}), 2.0 / 7.0, 1e-15);
  CHECK(overlap({a, 0}, {b, 0}) == 0.0);
  // Galloping path: a tiny set against a long one.
  std::vector<uint32_t> big(10000);
  for (uint32_t i = 0; i < 10000; ++i) big[i] = 2 * i;
  const uint32_t small[] = {0, 5, 400, 19998, 20000};
  CHECK(intersectionSize({small, 5}, {big.data(), big.size()}) == 3);

  // Bitset and merge paths agree exactly on random sets of mixed density.
  std::mt19937 rng(7);
  std::vector<std::vector<uint32_t>> sets(23);
  for (size_t s = 0; s < sets.size(); ++s) {
    const double density = s % 3 == 0 ? 0.5 : (s % 3 == 1 ? 0.01 : 0.0);
    std::bernoulli_distribution keep(density);
    const uint32_t offset = uint32_t(s * 1000);
    for (uint32_t i = offset; i < 70000; ++i)
      if (keep(rng)) sets[s].push_back(i);
  }
  std::vector<IndexSet> views;
  for (auto& s : sets) views.push_back({s.data(), s.size()});
  const size_t m = views.size();
  std::vector<float> bit(m * m), merge(m * m);
  overlapMatrix(views.data(), m, bit.data(), OverlapMethod::Bitset);
  overlapMatrix(views.data(), m, merge.data(), OverlapMethod::Merge);
  CHECK(std::memcmp(bit.data(), merge.data(), bit.size() * sizeof(float)) == 0);
  for (size_t i = 0; i < m; ++i) {
    CHECK(bit[i * m + i] == (sets[i].empty() ? 0.f : 1.f));
    for (size_t j = 0; j < m; ++j) CHECK(bit[i * m + j] == float(overlap(views[i], views[j])) || i == j);
  }
}

SPATIAL_TEST(testDepthFromStored) {
  // Every uint16 value at the dataset scales: the double division rounded to float, 0 stays 0.
  std::vector<uint16_t> stored(65536);
  for (size_t k = 0; k < stored.size(); ++k) stored[k] = static_cast<uint16_t>(k);
  std::vector<float> out(stored.size());
  for (double scale : {1000.0, 5000.0, 1.0, 0.37, 4096.0}) {
    depthFromStored(stored.data(), stored.size(), scale, out.data());
    size_t wrong = 0;
    for (size_t k = 0; k < stored.size(); ++k) wrong += out[k] != static_cast<float>(double(k) / scale);
    CHECK(wrong == 0);
    CHECK(out[0] == 0.f);
  }
  depthFromStored(stored.data(), 1001, 1000.0, out.data());
  CHECK(out[1000] == 1.f);
  CHECK(out[1] == 0.001f);
  for (double bad : {0.0, -1.0, std::nan(""), static_cast<double>(INFINITY)})
    CHECK(throwsCode([&] { depthFromStored(stored.data(), 1, bad, out.data()); }, ErrorCode::Shape));
  depthFromStored(stored.data(), 0, 1000.0, nullptr);  // nothing to convert: no access
}

SPATIAL_TEST(testBackprojectRoundTrip) {
  const double c = std::cos(0.3), s = std::sin(0.3);
  const double pose[16] = {c, 0, s, 0.5, 0, 1, 0, -0.2, -s, 0, c, 1.5, 0, 0, 0, 1};
  auto p = packed(525, 520, 319.5, 239.5, 640, 480, pose);
  Camera cam = makeCamera(p.data(), "camera");
  std::vector<float> depth(640 * 480);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(0.3f, 6.f);
  for (auto& x : depth) x = d(rng);
  depth[5] = 0.f;
  DepthView dv{depth.data(), 640, 480};
  const size_t n = backprojectCount(dv, 3);
  std::vector<float> pts(3 * n), uv(2 * n), z(n);
  backprojectDepth(dv, cam, 3, pts.data());
  projectPoints<float>(pts.data(), n, &cam, 1, uv.data(), z.data());
  size_t k = 0;
  double worst = 0;
  for (int i = 0; i < 480; i += 3)
    for (int j = 0; j < 640; j += 3) {
      if (!(depth[size_t(i) * 640 + j] > 0)) continue;
      worst = std::max({worst, double(std::fabs(uv[2 * k] - j)), double(std::fabs(uv[2 * k + 1] - i))});
      ++k;
    }
  CHECK(k == n);
  CHECK(worst < 2e-3);  // float32 points a few metres from the origin: ~1e-4 px error
  // Every back-projected point is visible in its own depth map.
  auto sets = visibleSets<float>(pts.data(), n, &cam, &dv, 1, VisibilityOptions{});
  CHECK(sets[0].size() == n);
}

SPATIAL_TEST(testRays) {
  Intrinsics k{100, 50, 13.5, 6.5, 28, 14};
  PatchGrid g = patchGridFromSize(k, 14);
  CHECK(g.rows == 1 && g.cols == 2);
  std::vector<float> rays(4);
  rayGrid(k, g, rays.data());
  CHECK_NEAR(rays[0], (6.5 - 13.5) / 100, 1e-7);  // first patch centre u = 6.5
  CHECK_NEAR(rays[1], 0, 1e-7);
  CHECK_NEAR(rays[2], (20.5 - 13.5) / 100, 1e-7);
  const int F = 3;
  std::vector<float> emb(rayEmbeddingSize(g, F, true));
  rayEmbedding(k, g, F, true, emb.data());
  CHECK(emb.size() == 2 * 4 * 2 * F);
  const double x = -0.07;
  CHECK_NEAR(emb[0], std::sin(M_PI * x), 1e-7);
  CHECK_NEAR(emb[1], std::cos(M_PI * x), 1e-7);
  CHECK_NEAR(emb[2 * 2], std::sin(4 * M_PI * x), 1e-7);
  CHECK_NEAR(emb[(2 * 2 * F) + 0], std::sin(M_PI * 100.0 / 28), 1e-6);  // fx / W, first octave
  CHECK(throwsCode([&] { patchGridFromSize(k, 15); }, ErrorCode::Shape));
}

int main() {
  auto& c = spatial_test::counters();
  for (const auto& t : spatial_test::cases()) {
    const int before = c.failures;
    t.second();
    std::printf("%-28s %s\n", t.first.c_str(), c.failures == before ? "ok" : "FAILED");
  }
  std::printf("%d passed, %d failed\n", c.checks - c.failures, c.failures);
  return c.failures == 0 ? 0 : 1;
}
