// C++ tests of the MultiSPA compatibility rule (compat.h): the general 4x4 inverse (non-rigid poses,
// pivoting, singular input) and the visibility decisions it and the stored-depth comparison change.
#include <cmath>
#include <vector>

#include "spatial_geom/compat.h"
#include "test_util.h"

using namespace spatial;

namespace {

std::vector<double> packedCamera(double fx, double cx, int w, const double* pose) {
  std::vector<double> v = {fx, fx, cx, cx, double(w), double(w)};
  v.insert(v.end(), pose, pose + 16);
  return v;
}

}  // namespace

SPATIAL_TEST(testInvertGeneral4x4) {
  // A pose whose rotation is 1e-4 off orthonormal (scaled), rotated and translated: A * inv(A) = I.
  const double s = 1 + 1e-4, c = std::cos(0.3), n = std::sin(0.3);
  const double a[16] = {s * c, -s * n, 0, 0.5, s * n, s * c, 0, -1.25, 0, 0, s, 2, 0, 0, 0, 1};
  double inv[16];
  CHECK(invertGeneral4x4(a, inv));
  for (int r = 0; r < 4; ++r)
    for (int col = 0; col < 4; ++col) {
      double sum = 0;
      for (int k = 0; k < 4; ++k) sum += a[r * 4 + k] * inv[k * 4 + col];
      CHECK_NEAR(sum, r == col ? 1.0 : 0.0, 1e-15);
    }
  // The rigid inverse [R^T | -R^T t] is off by ~2e-4 here; the general one is not.
  CHECK_NEAR(inv[10], 1 / s, 1e-16);
  // Pivoting: a permutation matrix (zero leading pivot) inverts to its transpose exactly.
  const double p[16] = {0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
  CHECK(invertGeneral4x4(p, inv));
  for (int r = 0; r < 4; ++r)
    for (int col = 0; col < 4; ++col) CHECK(inv[r * 4 + col] == p[col * 4 + r]);
  const double singular[16] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  CHECK(!invertGeneral4x4(singular, inv));
}

SPATIAL_TEST(testVisibleSetsMultiSpaGeneralInverse) {
  // Pose R = s I (s = 1 + 1e-4, within the rigidity tolerance), t = 0: the reference's z_c is
  // z / s = 1.9998 for a point at z = 2, the rigid inverse's s z = 2.0002. With D = 2 m the point is
  // visible only under the general inverse.
  const double s = 1 + 1e-4;
  const double pose[16] = {s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1};
  const auto packed = packedCamera(1, 0, 1, pose);
  Camera cam = makeCamera(packed.data(), "camera");
  const float pts[3] = {0.f, 0.f, 2.f};
  const float depth[1] = {2.f};
  const DepthView d{depth, 1, 1};
  const auto sets = visibleSetsMultiSpa(pts, 1, &cam, &d, 1);
  CHECK(sets[0].size() == 1 && sets[0][0] == 0);
}

SPATIAL_TEST(testVisibleSetsMultiSpaStoredDepth) {
  // Stored 2367 mm is float32 2.36700010... m; the reference compares with 2367 * 0.001 = 2.367 in
  // double. A point at z_c = 2.36700008 lies between the two: visible against the float32 metres,
  // hidden against the stored value (depthScales = 1000), as in the reference.
  const float z = 2.367f;  // 2.3670001029968262
  const double t = 2e-8;   // camera 2e-8 m along +z: z_c = z - 2e-8
  const double pose[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, t, 0, 0, 0, 1};
  const auto packed = packedCamera(1, 0, 1, pose);
  Camera cam = makeCamera(packed.data(), "camera");
  const float pts[3] = {0.f, 0.f, z};
  const float depth[1] = {2.367f};
  const DepthView d{depth, 1, 1};
  CHECK(visibleSetsMultiSpa(pts, 1, &cam, &d, 1)[0].size() == 1);
  const double mm = 1000;
  CHECK(visibleSetsMultiSpa(pts, 1, &cam, &d, 1, &mm)[0].empty());
  const double none = 0;
  CHECK(visibleSetsMultiSpa(pts, 1, &cam, &d, 1, &none)[0].size() == 1);
  // An invalid stored depth (NaN, 0) stays invalid after the re-quantisation.
  const float bad[1] = {NAN};
  const DepthView dn{bad, 1, 1};
  CHECK(visibleSetsMultiSpa(pts, 1, &cam, &dn, 1, &mm)[0].empty());
}
