// C++ tests of the Umeyama similarity alignment (align.h).
#include <cmath>
#include <random>
#include <vector>

#include "spatial_geom/align.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

SPATIAL_TEST(testAlignSim3RecoversTransform) {
  // dst = 2 * Rz(90 deg) * src + (1, 2, 3); Rz(90): (x, y, z) -> (-y, x, z).
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  const size_t n = 1000;
  std::vector<double> src(3 * n), dst(3 * n);
  for (size_t i = 0; i < n; ++i) {
    const double x = u(rng), y = u(rng), z = u(rng);
    src[3 * i] = x, src[3 * i + 1] = y, src[3 * i + 2] = z;
    dst[3 * i] = 2 * -y + 1, dst[3 * i + 1] = 2 * x + 2, dst[3 * i + 2] = 2 * z + 3;
  }
  src[0] = NAN;  // one pair dropped
  const Sim3 s = alignSim3(src.data(), true, dst.data(), true, n, true);
  CHECK(s.count == n - 1);
  CHECK_NEAR(s.scale, 2, 1e-12);
  const double R[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  for (int i = 0; i < 9; ++i) CHECK_NEAR(s.rotation[i], R[i], 1e-12);
  CHECK_NEAR(s.translation[0], 1, 1e-12);
  CHECK_NEAR(s.translation[1], 2, 1e-12);
  CHECK_NEAR(s.translation[2], 3, 1e-12);
  CHECK(s.rmse < 1e-12);
  // Rigid: scale fixed to 1, the rotation is still the right one.
  const Sim3 r = alignSim3(src.data(), true, dst.data(), true, n, false);
  CHECK(r.scale == 1);
  for (int i = 0; i < 9; ++i) CHECK_NEAR(r.rotation[i], R[i], 1e-12);
  CHECK(r.rmse > 0.1);
  // Mixed precision.
  std::vector<float> srcF(src.begin(), src.end());
  const Sim3 f = alignSim3(srcF.data(), false, dst.data(), true, n, true);
  CHECK_NEAR(f.scale, 2, 1e-6);
}

SPATIAL_TEST(testAlignSim3NeverReflects) {
  // dst is a mirror image of src: the answer is a proper rotation (det +1), never the reflection.
  const double src[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
  const double dst[] = {-1, 0, 0, 0, 1, 0, 0, 0, 1, -1, 1, 1};
  const Sim3 s = alignSim3(src, true, dst, true, 4, true);
  const double* m = s.rotation;
  const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  CHECK_NEAR(det, 1, 1e-12);
}

SPATIAL_TEST(testAlignSim3Errors) {
  const double two[] = {0, 0, 0, 1, 1, 1};
  CHECK(throwsCode([&] { alignSim3(two, true, two, true, 2, true); }, ErrorCode::Shape));
  const double same[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(throwsCode([&] { alignSim3(same, true, same, true, 3, true); }, ErrorCode::Shape));
}
