// Ray casting against axis-aligned boxes (the built-in synthetic scene), written once for host and
// device. Computed in double with a fixed operation order, mirrored by lib/reference/raycast.ts, so
// native and reference agree bit for bit.
#pragma once

#include <cmath>

#include "spatial_geom/camera.h"

namespace spatial {

// An axis-aligned box. `inside` marks the room: rays start inside it and hit its far side.
// faceIds: the instance id of each face, ordered -x, +x, -y, +y, -z, +z.
struct SceneBox {
  double min[3], max[3];
  uint16_t faceIds[6];
  bool inside;
};

struct RayHit {
  double t;   // distance along the ray direction (camera z for rays with camera-frame z = 1)
  int face;   // 0..5 as in SceneBox::faceIds, -1 when nothing was hit
  int box;
};

// Slab test of one box. Returns t (and the face) of the surface the ray meets: the entry for a solid
// box, the exit for the room. Misses give t = +inf.
SPATIAL_HD void intersectBox(const SceneBox& b, const double o[3], const double d[3], double& t, int& face) {
  double tEnter = -INFINITY, tExit = INFINITY;
  int enterAxis = -1, exitAxis = -1;
  t = INFINITY;
  face = -1;
  for (int a = 0; a < 3; ++a) {
    if (d[a] == 0) {
      if (o[a] < b.min[a] || o[a] > b.max[a]) return;
      continue;
    }
    const double t1 = (b.min[a] - o[a]) / d[a];
    const double t2 = (b.max[a] - o[a]) / d[a];
    const double tn = t1 < t2 ? t1 : t2, tf = t1 < t2 ? t2 : t1;
    if (tn > tEnter) { tEnter = tn; enterAxis = a; }
    if (tf < tExit) { tExit = tf; exitAxis = a; }
  }
  if (b.inside) {
    if (exitAxis >= 0 && tExit > 0 && tEnter <= tExit) {
      t = tExit;
      face = 2 * exitAxis + (d[exitAxis] > 0 ? 1 : 0);
    }
  } else if (enterAxis >= 0 && tEnter <= tExit && tEnter > 0) {
    t = tEnter;
    face = 2 * enterAxis + (d[enterAxis] > 0 ? 0 : 1);
  }
}

// World ray of pixel (j, i) (pixel centre): origin = camera centre, direction = R (x, y, 1).
SPATIAL_HD void pixelRay(const Camera& cam, int j, int i, double o[3], double d[3]) {
  const double x = (j - cam.k.cx) / cam.k.fx, y = (i - cam.k.cy) / cam.k.fy;
  const double* p = cam.worldFromCam;
  for (int r = 0; r < 3; ++r) {
    o[r] = p[r * 4 + 3];
    d[r] = p[r * 4] * x + p[r * 4 + 1] * y + p[r * 4 + 2];
  }
}

SPATIAL_HD RayHit castRay(const SceneBox* boxes, int count, const double o[3], const double d[3]) {
  RayHit best{INFINITY, -1, -1};
  for (int b = 0; b < count; ++b) {
    double t;
    int face;
    intersectBox(boxes[b], o, d, t, face);
    if (face >= 0 && t < best.t) best = RayHit{t, face, b};
  }
  return best;
}

// Lambertian shade of a hit with a fixed light, times a 25 cm checker texture on the face plane.
SPATIAL_HD double shade(const SceneBox& b, int face, const double p[3]) {
  const int axis = face / 2;
  const double outward = (face % 2) ? 1.0 : -1.0;
  const double normal = b.inside ? -outward : outward;  // the room's faces look inwards
  const double light[3] = {0.3, 0.5, 0.8};  // direction towards the light (not normalised: a brighter light)
  const double lambert = normal * light[axis] > 0 ? normal * light[axis] : 0.0;
  const int u = (axis + 1) % 3, v = (axis + 2) % 3;
  const double checker = ((static_cast<long long>(std::floor(p[u] / 0.25)) + static_cast<long long>(std::floor(p[v] / 0.25))) & 1) ? 0.92 : 1.0;
  return (0.35 + 0.65 * lambert) * checker;
}

}  // namespace spatial
