// C++ tests of the box ray caster: hand-computed depths (z, not range), occlusion and instance ids,
// room faces, thread-count independence, colour shading, and input validation.
#include <cmath>
#include <cstring>
#include <vector>

#include "spatial_geom/camera.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/raycast.h"
#include "spatial_geom/raycast_impl.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

namespace {

// A camera at `eye` looking along world +x with world z up (OpenCV axes: x_cam = -y_world,
// y_cam = -z_world, z_cam = +x_world).
Camera lookAlongX(double ex, double ey, double ez, int w, int h, double f) {
  const double packed[22] = {f, f, (w - 1) / 2.0, (h - 1) / 2.0, double(w), double(h),
                             0, 0, 1, ex,
                             -1, 0, 0, ey,
                             0, -1, 0, ez,
                             0, 0, 0, 1};
  return makeCamera(packed, "camera");
}

struct Render {
  std::vector<float> depth;
  std::vector<uint16_t> ids;
  std::vector<uint8_t> rgb;
};

Render render(const BoxScene& s, const Camera& c, bool color) {
  const size_t n = size_t(c.k.width) * c.k.height;
  Render r{std::vector<float>(n), std::vector<uint16_t>(n), std::vector<uint8_t>(color ? 3 * n : 0)};
  raycastBoxes(s, c, r.depth.data(), r.ids.data(), color ? r.rgb.data() : nullptr);
  return r;
}

BoxScene roomScene(const double room[6], const uint16_t faceIds[6]) {
  BoxScene s;
  s.hasRoom = true;
  for (int k = 0; k < 6; ++k) {
    s.room[k] = room[k];
    s.roomIds[k] = faceIds[k];
  }
  return s;
}

}  // namespace

SPATIAL_TEST(testRaycastWallDepthAtPrincipalPoint) {
  // Room [0, 4] x [0, 3] x [0, 2.5]; camera at (1, 1.5, 1.25) looking along +x: the +x wall is 3 m
  // ahead. Odd image size, so the principal point (cx, cy) = (2, 2) is a pixel centre.
  const double room[6] = {0, 0, 0, 4, 3, 2.5};
  const uint16_t faces[6] = {3, 4, 5, 6, 1, 2};
  const BoxScene s = roomScene(room, faces);
  const Camera c = lookAlongX(1, 1.5, 1.25, 5, 5, 4);
  const Render r = render(s, c, false);
  CHECK(r.depth[2 * 5 + 2] == 3.0f);
  CHECK(r.ids[2 * 5 + 2] == 4);
  // Off-axis pixel (col 3, row 2): ray (0.25, 0, 1) in the camera hits the same wall plane at z = 3;
  // its length is 3 * sqrt(1 + 0.25^2) = 3.0923, which a range image would hold instead.
  CHECK(r.depth[2 * 5 + 3] == 3.0f);
  CHECK(r.depth[2 * 5 + 0] == 3.0f);
  // Pixel (col 2, row 4): ray (0, 0.5, 1) goes down 0.5 per metre forward, meeting the floor (z = 0)
  // 1.25 / 0.5 = 2.5 m ahead, before the wall: depth 2.5 on the floor (id 1).
  CHECK(r.depth[4 * 5 + 2] == 2.5f);
  CHECK(r.ids[4 * 5 + 2] == 1);
  // Pixel (col 2, row 0): up 0.5 per metre, ceiling 1.25 m above: 2.5 m ahead, id 2.
  CHECK(r.depth[0 * 5 + 2] == 2.5f);
  CHECK(r.ids[0 * 5 + 2] == 2);
}

SPATIAL_TEST(testRaycastBoxOccludesWall) {
  const double room[6] = {0, 0, 0, 4, 3, 2.5};
  const uint16_t faces[6] = {3, 4, 5, 6, 1, 2};
  BoxScene s = roomScene(room, faces);
  // A box whose -x face is at x = 2.2 (1.2 m ahead of the camera), centred on the optical axis.
  const double boxes[6] = {2.2, 1.0, 0.0, 2.6, 2.0, 1.5};
  const uint16_t ids[1] = {7};
  s.boxes = boxes;
  s.ids = ids;
  s.count = 1;
  const Camera c = lookAlongX(1, 1.5, 1.25, 5, 5, 4);
  const Render r = render(s, c, false);
  CHECK_NEAR(r.depth[2 * 5 + 2], 1.2, 1e-6);
  CHECK(r.ids[2 * 5 + 2] == 7);
  // Pixel (col 2, row 0): ray (0, -0.5, 1) rises 0.5 per metre: at x = 2.2 it is at z = 1.85, above
  // the box top (1.5); at x = 2.6 it is at z = 2.05: it misses the box and meets the ceiling.
  CHECK(r.ids[0 * 5 + 2] == 2);
  // Pixel (col 2, row 1): ray (0, -0.25, 1) rises 0.25 per metre: z = 1.55 at the box front (above
  // its top, 1.5) and rising, so it passes over the box to the +x wall 3 m ahead, at z = 2.0.
  CHECK(r.ids[1 * 5 + 2] == 4);
  CHECK(r.depth[1 * 5 + 2] == 3.0f);
}

SPATIAL_TEST(testRaycastCameraOutsideRoomSeesNothingBehind) {
  // No room, one box behind the camera: every pixel misses (depth 0, id 0, black).
  BoxScene s;
  const double boxes[6] = {-3, -1, -1, -2, 1, 1};
  const uint16_t ids[1] = {1};
  const uint8_t palette[6] = {0, 0, 0, 200, 100, 50};
  s.boxes = boxes;
  s.ids = ids;
  s.count = 1;
  s.palette = palette;
  s.paletteSize = 2;
  const Camera c = lookAlongX(0, 0, 0, 4, 3, 2);
  const Render r = render(s, c, true);
  bool allMiss = true;
  for (size_t p = 0; p < r.depth.size(); ++p) allMiss = allMiss && r.depth[p] == 0.f && r.ids[p] == 0 && r.rgb[3 * p] == 0;
  CHECK(allMiss);
}

SPATIAL_TEST(testRaycastThreadCountDoesNotChangeResults) {
  const double room[6] = {-1, -2, -0.5, 6, 4, 2.5};
  const uint16_t faces[6] = {1, 2, 3, 4, 5, 6};
  BoxScene s = roomScene(room, faces);
  const double boxes[18] = {2, -1, -0.5, 3, 0, 0.5, 3.5, 0.5, -0.5, 4, 1.5, 1.8, 1, 1, -0.5, 1.5, 1.3, 0.2};
  const uint16_t ids[3] = {7, 8, 9};
  std::vector<uint8_t> palette(3 * 10);
  for (size_t k = 0; k < palette.size(); ++k) palette[k] = uint8_t(37 * k + 11);
  s.boxes = boxes;
  s.ids = ids;
  s.count = 3;
  s.palette = palette.data();
  s.paletteSize = 10;
  const Camera c = lookAlongX(0, 0.2, 1.3, 64, 48, 50);
  const int threads = threadCount();
  const size_t threshold = parallelThreshold();
  setThreadCount(1);
  const Render one = render(s, c, true);
  setThreadCount(4);
  setParallelThreshold(0);
  const Render four = render(s, c, true);
  setThreadCount(threads);
  setParallelThreshold(threshold);
  CHECK(std::memcmp(one.depth.data(), four.depth.data(), one.depth.size() * sizeof(float)) == 0);
  CHECK(one.ids == four.ids);
  CHECK(one.rgb == four.rgb);
  // Every pixel inside the room hits something, and the colour is not flat.
  bool allHit = true;
  for (size_t p = 0; p < one.depth.size(); ++p) allHit = allHit && one.depth[p] > 0.f && one.ids[p] != 0;
  CHECK(allHit);
  int distinct = 0;
  std::vector<bool> seen(256, false);
  for (size_t p = 0; p < one.depth.size(); ++p)
    if (!seen[one.rgb[3 * p]]) seen[one.rgb[3 * p]] = true, ++distinct;
  CHECK(distinct > 10);
}

SPATIAL_TEST(testRaycastRowRendererMatchesSingleRay) {
  // The CPU renderer runs the box loop over a row of pixels (so it vectorises); castRay runs one
  // ray at a time (as a CUDA thread would). Same steps per pixel: the same bits.
  const double room[6] = {-1, -2, -0.5, 6, 4, 2.5};
  const uint16_t faces[6] = {1, 2, 3, 4, 5, 6};
  BoxScene s = roomScene(room, faces);
  const double boxes[24] = {2, -1, -0.5, 3, 0, 0.5, 3.5, 0.5, -0.5, 4, 1.5, 1.8, 1, 1, -0.5, 1.5, 1.3, 0.2,
                            2, -1, 0.5, 2.5, -0.5, 0.9};
  const uint16_t ids[4] = {7, 8, 9, 10};
  s.boxes = boxes;
  s.ids = ids;
  s.count = 4;
  // Looking along (0.8, 0, -0.6): towards +x and down at the boxes.
  const double pose[16] = {0, -0.6, 0.8, 0.3, -1, 0, 0, 0.2, 0, -0.8, -0.6, 1.1, 0, 0, 0, 1};
  const double packed[22] = {40, 40, 30.5, 20.5, 61, 43, pose[0], pose[1], pose[2], pose[3], pose[4], pose[5], pose[6],
                             pose[7], pose[8], pose[9], pose[10], pose[11], 0, 0, 0, 1};
  const Camera c = makeCamera(packed, "camera");
  const Render r = render(s, c, false);
  const RayFrame f = makeRayFrame(c);
  std::vector<double> rel(24), roomRel(6);
  for (int k = 0; k < 24; ++k) rel[k] = boxes[k] - f.o[k % 3];
  for (int k = 0; k < 6; ++k) roomRel[k] = room[k] - f.o[k % 3];
  int mismatches = 0, seen = 0;
  for (int i = 0; i < 43; ++i)
    for (int j = 0; j < 61; ++j) {
      const RayHit h = castRay(f, rayCoordinate(j, f.cx, f.fx), rayCoordinate(i, f.cy, f.fy), rel.data(), ids, 4,
                               roomRel.data(), faces);
      mismatches += static_cast<float>(h.t) != r.depth[i * 61 + j] || h.id != r.ids[i * 61 + j];
      seen += h.id >= 7;
    }
  CHECK(mismatches == 0);
  CHECK(seen > 0);
}

SPATIAL_TEST(testRaycastShading) {
  // The floor (+z facing) is lit by the key light more than the ceiling (ambient only).
  CHECK_NEAR(lambertShade(2, -1.0), 0.5 + 0.45 * 0.9 + 0.2 * 0.1, 1e-12);
  CHECK_NEAR(lambertShade(2, 1.0), 0.5, 1e-12);
  CHECK(visibleFace(0, 1.0) == 0 && visibleFace(0, -1.0) == 1 && visibleFace(2, -0.5) == 5);
  // cellIndex clamps instead of overflowing.
  CHECK(cellIndex(1e300, 20.0) == 1073741824);
  CHECK(cellIndex(-0.01, 20.0) == -1);
  CHECK(cellIndex(0.26, 4.0) == 1);
  const double h = cellHash(3, -4, 17);
  CHECK(h >= 0.0 && h < 1.0);
}

SPATIAL_TEST(testRaycastValidation) {
  const Camera c = lookAlongX(0, 0, 0, 2, 2, 1);
  float depth[4];
  uint16_t ids[4];
  uint8_t rgb[12];
  BoxScene s;
  const double bad[6] = {0, 0, 0, -1, 1, 1};
  const uint16_t one[1] = {1};
  s.boxes = bad;
  s.ids = one;
  s.count = 1;
  CHECK(throwsCode([&] { raycastBoxes(s, c, depth, ids, nullptr); }, ErrorCode::Shape));
  const double nan[6] = {0, 0, NAN, 1, 1, 1};
  s.boxes = nan;
  CHECK(throwsCode([&] { raycastBoxes(s, c, depth, ids, nullptr); }, ErrorCode::Shape));
  const double good[6] = {0, 0, 0, 1, 1, 1};
  s.boxes = good;
  // Colour without a palette entry for id 1.
  const uint8_t palette[3] = {1, 2, 3};
  s.palette = palette;
  s.paletteSize = 1;
  CHECK(throwsCode([&] { raycastBoxes(s, c, depth, ids, rgb); }, ErrorCode::Shape));
  raycastBoxes(s, c, depth, ids, nullptr);  // no colour: no palette needed
  CHECK(true);
  const double flatRoom[6] = {0, 0, 0, 1, 1, 0};
  const uint16_t faces[6] = {1, 1, 1, 1, 1, 1};
  BoxScene r = roomScene(flatRoom, faces);
  CHECK(throwsCode([&] { raycastBoxes(r, c, depth, ids, nullptr); }, ErrorCode::Shape));
}
