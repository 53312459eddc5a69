// C++ tests of the oriented 3D box IoU against closed forms (axis-aligned overlaps, a 45-degree
// octagon, nested and touching boxes) and of the ZXY Euler composition order.
#include <cmath>
#include <vector>

#include "spatial_geom/box_iou.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

namespace {
const double kPi = 3.14159265358979323846;
double iou(std::vector<double> a, std::vector<double> b) { return boxIou3d(a.data(), b.data()); }
}  // namespace

SPATIAL_TEST(testBoxRotationOrder) {
  // R = Rz(a) Rx(b) Ry(g), written out by hand.
  const double a = 0.3, b = -0.7, g = 1.1;
  double r[9];
  boxRotationZXY(a, b, g, r);
  const double ca = std::cos(a), sa = std::sin(a), cb = std::cos(b), sb = std::sin(b), cg = std::cos(g), sg = std::sin(g);
  const double expected[9] = {ca * cg - sa * sb * sg, -sa * cb, ca * sg + sa * sb * cg,
                              sa * cg + ca * sb * sg, ca * cb,  sa * sg - ca * sb * cg,
                              -cb * sg,               sb,       cb * cg};
  for (int i = 0; i < 9; ++i) CHECK_NEAR(r[i], expected[i], 1e-15);
  // Rz(90) Rx(90) maps local x -> world y, local y -> world z, local z -> world x.
  boxRotationZXY(kPi / 2, kPi / 2, 0, r);
  CHECK_NEAR(r[3 * 1 + 0], 1, 1e-15);  // column 0 = (0, 1, 0)
  CHECK_NEAR(r[3 * 2 + 1], 1, 1e-15);  // column 1 = (0, 0, 1)
  CHECK_NEAR(r[3 * 0 + 2], 1, 1e-15);  // column 2 = (1, 0, 0)
}

SPATIAL_TEST(testBoxCorners) {
  const double box[9] = {1, 2, 3, 2, 4, 6, kPi / 2, 0, 0};
  double c[24];
  boxCorners(box, c);
  // Corner 0 has local offset (-1, -2, -3); Rz(90) maps it to (2, -1, -3).
  CHECK_NEAR(c[0], 1 + 2, 1e-12);
  CHECK_NEAR(c[1], 2 - 1, 1e-12);
  CHECK_NEAR(c[2], 3 - 3, 1e-12);
}

SPATIAL_TEST(testBoxIouClosedForms) {
  // Axis-aligned: product of the overlaps. [0,2]x[0,2]x[0,2] vs [1,3]x[0.5,2.5]x[-1,1.5].
  {
    const double inter = 1 * 1.5 * 1.5, va = 8, vb = 2 * 2 * 2.5;
    CHECK_NEAR(iou({1, 1, 1, 2, 2, 2, 0, 0, 0}, {2, 1.5, 0.25, 2, 2, 2.5, 0, 0, 0}), inter / (va + vb - inter), 1e-12);
  }
  // Identical (also rotated): 1.
  CHECK_NEAR(iou({0.3, -1, 2, 1, 2, 3, 0.4, 0.2, -0.9}, {0.3, -1, 2, 1, 2, 3, 0.4, 0.2, -0.9}), 1, 1e-12);
  // Nested: small / large.
  CHECK_NEAR(iou({0, 0, 0, 4, 4, 4, 0, 0, 0}, {0.5, -0.5, 0.2, 1, 2, 1.5, 0.7, 0, 0}), 3.0 / 64, 1e-12);
  // Disjoint and touching faces: 0.
  CHECK(iou({0, 0, 0, 1, 1, 1, 0, 0, 0}, {5, 0, 0, 1, 1, 1, 0, 0, 0}) == 0);
  CHECK_NEAR(iou({0, 0, 0, 1, 1, 1, 0, 0, 0}, {1, 0.2, 0.1, 1, 1, 1, 0, 0, 0}), 0, 1e-12);
  // Two 2x2x2 cubes, one turned 45 degrees about z: the xy overlap is a regular octagon of inradius
  // 1, area 8 (sqrt2 - 1); I = 16 (sqrt2 - 1) and IoU = 1 / sqrt2.
  CHECK_NEAR(iou({0, 0, 0, 2, 2, 2, 0, 0, 0}, {0, 0, 0, 2, 2, 2, kPi / 4, 0, 0}), 1 / std::sqrt(2.0), 1e-12);
  // Same, the turned box shifted by 1 along x and 0.25 along z (z extent 1 each): area 2 sqrt2 - 1
  // (worked out in test/engine/scoring/box-iou.test.ts), height overlap 0.75.
  {
    const double inter = (2 * std::sqrt(2.0) - 1) * 0.75;
    CHECK_NEAR(iou({0, 0, 0, 2, 2, 1, 0, 0, 0}, {1, 0, 0.25, 2, 2, 1, kPi / 4, 0, 0}), inter / (8 - inter), 1e-12);
  }
  // Composition order: dims (1, 2, 3) under Rz(90) Rx(90) has world extents (3, 1, 2); the other
  // order Rx(90) Rz(90) would give (2, 3, 1).
  CHECK_NEAR(iou({0, 0, 0, 1, 2, 3, kPi / 2, kPi / 2, 0}, {0, 0, 0, 3, 1, 2, 0, 0, 0}), 1, 1e-12);
  CHECK(iou({0, 0, 0, 1, 2, 3, kPi / 2, kPi / 2, 0}, {0, 0, 0, 2, 3, 1, 0, 0, 0}) < 0.5);
  // A flat box has no volume: IoU 0 (and 0, not NaN, for two flat boxes).
  CHECK(iou({0, 0, 0, 1, 1, 0, 0, 0, 0}, {0, 0, 0, 1, 1, 1, 0, 0, 0}) == 0);
  CHECK(iou({0, 0, 0, 1, 1, 0, 0, 0, 0}, {0, 0, 0, 1, 1, 0, 0, 0, 0}) == 0);
}

SPATIAL_TEST(testBoxIouMatrixAndValidation) {
  const double a[18] = {0, 0, 0, 2, 2, 2, 0, 0, 0, 10, 0, 0, 1, 1, 1, 0, 0, 0};
  const double b[9] = {1, 0, 0, 2, 2, 2, 0, 0, 0};
  double out[2] = {-1, -1};
  boxIou3dMatrix(a, 2, b, 1, out);
  CHECK_NEAR(out[0], 4.0 / 12, 1e-12);
  CHECK(out[1] == 0);
  const double bad[9] = {0, 0, 0, 1, -1, 1, 0, 0, 0};
  CHECK(throwsCode([&] { boxIou3d(bad, b); }, ErrorCode::Shape));
  const double nan[9] = {0, 0, NAN, 1, 1, 1, 0, 0, 0};
  CHECK(throwsCode([&] { boxIou3dMatrix(b, 1, nan, 1, out); }, ErrorCode::Shape));
}
