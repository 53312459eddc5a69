// C++ tests of the resampling kernels: hand-computed bilinear and nearest values, the border rules
// (clamp within the half-pixel border, fill outside), identity and integer maps as exact copies,
// and input validation.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "spatial_geom/parallel.h"
#include "spatial_geom/resample.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

namespace {
ResampleGeometry geom(int sw, int sh, int dw, int dh, AxisMap x, AxisMap y) { return ResampleGeometry{sw, sh, dw, dh, x, y}; }
// Inverse map of a resize from n to m pixels: u = (n/m) * (u' + 0.5) - 0.5.
AxisMap resizeMap(int n, int m) {
  const double r = double(n) / m;
  return AxisMap{r, 0.5 * r - 0.5};
}
}  // namespace

SPATIAL_TEST(testResampleUpscale2x2Grey) {
  // 2x2 grey [0 100; 200 40] upscaled to 4x4. Destination column 1 samples u = 0.5*1 - 0.25 = 0.25.
  const uint8_t src[4] = {0, 100, 200, 40};
  uint8_t dst[16];
  const uint8_t fill = 7;
  resampleImage(src, 1, dst, geom(2, 2, 4, 4, resizeMap(2, 4), resizeMap(2, 4)), &fill);
  // Corner pixels: u = -0.25 clamps to 0 -> exact source values; nothing is outside.
  CHECK(dst[0] == 0 && dst[3] == 100 && dst[12] == 200 && dst[15] == 40);
  // (row 0, col 1): u = 0.25 -> 0.75*0 + 0.25*100 = 25.
  CHECK(dst[1] == 25);
  // (row 0, col 2): u = 0.75 -> 75.
  CHECK(dst[2] == 75);
  // (row 1, col 1): u = v = 0.25: top = 25, bottom = 0.75*200 + 0.25*40 = 160, 0.75*25 + 0.25*160 = 58.75 -> 59.
  CHECK(dst[5] == 59);
  // (row 2, col 0): v = 0.75, u clamps to 0: 0.25*0 + 0.75*200 = 150.
  CHECK(dst[8] == 150);
}

SPATIAL_TEST(testResampleIdentityAndIntegerShiftAreCopies) {
  std::vector<uint8_t> src(5 * 3 * 3);
  for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 37 + 11);
  std::vector<uint8_t> dst(src.size());
  const uint8_t fill[3] = {1, 2, 3};
  resampleImage(src.data(), 3, dst.data(), geom(5, 3, 5, 3, {1, 0}, {1, 0}), fill);
  CHECK(dst == src);
  // Shift content right by 2 and down by 1 (source = destination - 2, - 1).
  resampleImage(src.data(), 3, dst.data(), geom(5, 3, 5, 3, {1, -2}, {1, -1}), fill);
  bool ok = true;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j)
      for (int c = 0; c < 3; ++c) {
        const uint8_t expected = (i >= 1 && j >= 2) ? src[((i - 1) * 5 + (j - 2)) * 3 + c] : fill[c];
        ok = ok && dst[(i * 5 + j) * 3 + c] == expected;
      }
  CHECK(ok);
}

SPATIAL_TEST(testResampleHalfPixelBorder) {
  // One row of 3 grey pixels, shifted by fractional amounts: positions in [-0.5, 0) clamp to pixel
  // 0, positions below -0.5 are fill.
  const uint8_t src[3] = {10, 20, 30};
  uint8_t dst[3];
  const uint8_t fill = 255;
  resampleImage(src, 1, dst, geom(3, 1, 3, 1, {1, -0.4}, {1, 0}), &fill);  // u = j - 0.4
  CHECK(dst[0] == 10);                                                      // u = -0.4 -> clamp
  CHECK(dst[1] == 16);                                                      // u = 0.6: 0.4*10 + 0.6*20
  CHECK(dst[2] == 26);                                                      // u = 1.6: 0.4*20 + 0.6*30
  resampleImage(src, 1, dst, geom(3, 1, 3, 1, {1, -0.6}, {1, 0}), &fill);  // u = j - 0.6
  CHECK(dst[0] == 255);                                                     // u = -0.6: outside
  resampleImage(src, 1, dst, geom(3, 1, 3, 1, {1, 0.45}, {1, 0}), &fill);  // u = j + 0.45
  CHECK(dst[2] == 30);                                                      // u = 2.45 < 2.5: clamp to 2
  resampleImage(src, 1, dst, geom(3, 1, 3, 1, {1, 0.5}, {1, 0}), &fill);   // u = j + 0.5
  CHECK(dst[2] == 255);                                                     // u = 2.5: outside
}

SPATIAL_TEST(testResampleDepthNearest) {
  // Depth 2x2 [1 NaN; 0 4] upscaled to 4x4: nearest, never blended, invalid stays invalid.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float src[4] = {1.f, nan, 0.f, 4.f};
  float dst[16];
  resampleDepth(src, dst, geom(2, 2, 4, 4, resizeMap(2, 4), resizeMap(2, 4)));
  // Column j' samples u = 0.5 j' - 0.25: nearest floor(u + 0.5) = 0, 0, 1, 1.
  CHECK(dst[0] == 1.f && dst[1] == 1.f && std::isnan(dst[2]) && std::isnan(dst[3]));
  CHECK(dst[5] == 1.f && dst[8] == 0.f && dst[15] == 4.f && dst[10] == 4.f);
  // A pad by one pixel on every side: the border is 0 (no measurement).
  float padded[16];
  resampleDepth(src, padded, geom(2, 2, 4, 4, {1, -1}, {1, -1}));
  CHECK(padded[0] == 0.f && padded[3] == 0.f && padded[12] == 0.f && padded[5] == 1.f && std::isnan(padded[6]) &&
        padded[10] == 4.f);
}

SPATIAL_TEST(testResampleIdsNearestTies) {
  // Downscale 4 -> 2: u = 2 j' + 0.5, an exact tie between pixels 2j' and 2j'+1; ties go right.
  const uint16_t src[4] = {1, 2, 3, 4};
  uint16_t dst[2];
  resampleIds(src, dst, geom(4, 1, 2, 1, resizeMap(4, 2), {1, 0}));
  CHECK(dst[0] == 2 && dst[1] == 4);
}

SPATIAL_TEST(testResampleLargeImageThreadsAgree) {
  // Above the thread threshold the output must equal a serial run (row blocks are independent).
  const int sw = 1100, sh = 700, dw = 1537, dh = 911;
  std::vector<uint8_t> src(size_t(sw) * sh * 4);
  for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t((i * 2654435761u) >> 24);
  std::vector<uint8_t> a(size_t(dw) * dh * 4), b(a.size());
  const uint8_t fill[4] = {0, 0, 0, 0};
  const auto g = geom(sw, sh, dw, dh, resizeMap(sw, dw), {0.77, -3.3});
  resampleImage(src.data(), 4, a.data(), g, fill);
  const size_t saved = parallelThreshold();
  setParallelThreshold(~size_t(0));
  resampleImage(src.data(), 4, b.data(), g, fill);
  setParallelThreshold(saved);
  CHECK(a == b);
}

SPATIAL_TEST(testResampleValidation) {
  uint8_t px[4] = {0, 0, 0, 0};
  float d[4] = {0, 0, 0, 0};
  uint16_t ids[4] = {0, 0, 0, 0};
  CHECK(throwsCode([&] { resampleImage(px, 2, px, geom(2, 2, 2, 2, {1, 0}, {1, 0}), px); }, ErrorCode::Shape));
  CHECK(throwsCode([&] { resampleImage(px, 1, px, geom(0, 2, 2, 2, {1, 0}, {1, 0}), px); }, ErrorCode::Shape));
  CHECK(throwsCode([&] { resampleDepth(d, d, geom(2, 2, 2, -1, {1, 0}, {1, 0})); }, ErrorCode::Shape));
  CHECK(throwsCode([&] { resampleDepth(d, d, geom(2, 2, 2, 2, {std::nan(""), 0}, {1, 0})); }, ErrorCode::Shape));
  CHECK(throwsCode([&] { resampleIds(ids, ids, geom(2, 2, 2, 2, {1, 0}, {1, INFINITY})); }, ErrorCode::Shape));
  CHECK(throwsCode([&] { resampleIds(ids, ids, geom(1 << 20, 1 << 20, 2, 2, {1, 0}, {1, 0})); }, ErrorCode::Shape));
}
