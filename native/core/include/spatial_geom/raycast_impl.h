// The per-pixel math of the box ray caster, written once for host and device (Open3D's *Impl.h
// pattern): the CPU loop in raycast.cpp calls these inline functions and a CUDA kernel can too.
//
// Operation order is fixed and mirrored step for step by the pure-TS twin (lib/reference/raycast.ts),
// all in double precision with FMA contraction off, so both give the same bits:
//   ray direction (world) d = R * ((j - cx) / fx, (i - cy) / fy, 1)   (R = rotation of worldFromCam)
//   (the column and row terms computed once per column and row: the same values)
//   boxes are pre-shifted by the ray origin o (rel = box - o, once per frame)
//   slab test per axis: inv = 1 / d (d == 0 replaced by 1e-300 so no 0 * inf NaN can appear),
//   t1 = lo * inv, t2 = hi * inv, tEnter = max over axes of min(t1, t2), tExit = min of max(t1, t2).
// Because the camera-frame direction has z = 1, the ray parameter t of a hit IS the camera-space
// depth z of the hit point (not its distance along the ray).
#pragma once

#include <cmath>
#include <cstdint>

#include "spatial_geom/camera.h"
#include "spatial_geom/common.h"

namespace spatial {

// A camera prepared for ray casting: rotation (row-major worldFromCam R), origin, intrinsics.
struct RayFrame {
  double r[9];
  double o[3];
  double fx, fy, cx, cy;
};

// The ray-casting view of a validated camera (host side).
inline RayFrame makeRayFrame(const Camera& cam) {
  RayFrame f;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) f.r[3 * r + c] = cam.worldFromCam[4 * r + c];
    f.o[r] = cam.worldFromCam[4 * r + 3];
  }
  f.fx = cam.k.fx;
  f.fy = cam.k.fy;
  f.cx = cam.k.cx;
  f.cy = cam.k.cy;
  return f;
}

// The nearest surface along one pixel's ray. t = 0 means no hit (the pixel sees nothing).
struct RayHit {
  double t;        // camera-space depth of the hit (metres), 0 when nothing was hit
  uint16_t id;     // instance id of the surface, 0 when nothing was hit
  int32_t axis;    // axis of the face hit (0 x, 1 y, 2 z), -1 when nothing was hit
  double dir[3];   // world ray direction (camera z component 1)
};

// Ties are broken towards the first index: ternaries, never std::min/max or fmin (which differ from
// the reference's choice on signed zeros), so both implementations pick the same value.
SPATIAL_HD double minOf(double a, double b) { return b < a ? b : a; }
SPATIAL_HD double maxOf(double a, double b) { return b > a ? b : a; }
SPATIAL_HD double safeInverse(double d) { return 1.0 / (d == 0.0 ? 1e-300 : d); }

// Camera-frame ray coordinate of pixel column j (x) or row i (y); a renderer computes them once
// per column and row, which gives the same values as computing them per pixel.
SPATIAL_HD double rayCoordinate(double pixel, double c, double f) { return (pixel - c) / f; }

// World direction of the camera-frame ray (xc, yc, 1).
SPATIAL_HD void worldRayDirection(const RayFrame& f, double xc, double yc, double* d) {
  d[0] = f.r[0] * xc + f.r[1] * yc + f.r[2];
  d[1] = f.r[3] * xc + f.r[4] * yc + f.r[5];
  d[2] = f.r[6] * xc + f.r[7] * yc + f.r[8];
}

// Slab test of a box given relative to the ray origin (rel: lo x y z, hi x y z): entry and exit
// parameters, branch-free (the hot loop runs this for every pixel and box).
SPATIAL_HD void slabRange(const double* rel, const double* inv, double& tEnter, double& tExit) {
  const double x1 = rel[0] * inv[0], x2 = rel[3] * inv[0];
  const double y1 = rel[1] * inv[1], y2 = rel[4] * inv[1];
  const double z1 = rel[2] * inv[2], z2 = rel[5] * inv[2];
  tEnter = maxOf(maxOf(minOf(x1, x2), minOf(y1, y2)), minOf(z1, z2));
  tExit = minOf(minOf(maxOf(x1, x2), maxOf(y1, y2)), maxOf(z1, z2));
}

// The axis on which a ray enters (or, with `exit`, leaves) a box: the first axis whose slab bound
// equals the entry (exit) parameter. Run once per pixel, for the winning box only.
SPATIAL_HD int32_t slabAxis(const double* rel, const double* inv, bool exit) {
  double tEnter, tExit;
  slabRange(rel, inv, tEnter, tExit);
  const double target = exit ? tExit : tEnter;
  for (int32_t a = 0; a < 2; ++a) {
    const double t1 = rel[a] * inv[a], t2 = rel[3 + a] * inv[a];
    if ((exit ? maxOf(t1, t2) : minOf(t1, t2)) == target) return a;
  }
  return 2;
}

// The hit record once the nearest box (`bestBox`, -1 for none) or the room exit (`roomHit`) at
// parameter `best` is known: the face axis and the instance id.
SPATIAL_HD RayHit resolveHit(const double* dir, const double* inv, double best, int64_t bestBox, bool roomHit,
                             const double* rel, const uint16_t* ids, const double* roomRel, const uint16_t* roomIds) {
  RayHit hit;
  hit.dir[0] = dir[0];
  hit.dir[1] = dir[1];
  hit.dir[2] = dir[2];
  if (bestBox >= 0) {
    hit.t = best;
    hit.id = ids[bestBox];
    hit.axis = slabAxis(rel + 6 * bestBox, inv, false);
  } else if (roomHit) {
    hit.t = best;
    hit.axis = slabAxis(roomRel, inv, true);
    hit.id = roomIds[2 * hit.axis + (dir[hit.axis] > 0.0 ? 1 : 0)];
  } else {
    hit.t = 0.0;
    hit.id = 0;
    hit.axis = -1;
  }
  return hit;
}

// Casts the camera-frame ray (xc, yc, 1) against `count` solid boxes (relative to the origin, 6
// values each) and, when `roomRel` is not null, the inside of an enclosing room box whose six
// faces carry `roomIds` (-x, +x, -y, +y, -z, +z). Solid boxes are closed: a ray grazing an edge hits
// it. A solid box is hit only when entered in front of the camera (t > 0), the room on exit.
// The nearest hit wins; on an exact tie the room, then the box listed first, is kept.
// (One ray at a time, as a CUDA thread would run it; the CPU renderer runs the same steps a row of
// pixels at a time so the box loop vectorises, and gives the same bits.)
SPATIAL_HD RayHit castRay(const RayFrame& f, double xc, double yc, const double* rel, const uint16_t* ids, int64_t count,
                          const double* roomRel, const uint16_t* roomIds) {
  double dir[3];
  worldRayDirection(f, xc, yc, dir);
  const double inv[3] = {safeInverse(dir[0]), safeInverse(dir[1]), safeInverse(dir[2])};
  double best = INFINITY;
  bool roomHit = false;
  if (roomRel) {
    double tEnter, tExit;
    slabRange(roomRel, inv, tEnter, tExit);
    roomHit = (tEnter <= tExit) & (tExit > 0.0);
    best = roomHit ? tExit : best;
  }
  int64_t bestBox = -1;
  for (int64_t b = 0; b < count; ++b) {
    double tEnter, tExit;
    slabRange(rel + 6 * b, inv, tEnter, tExit);
    const bool closer = (tEnter <= tExit) & (tEnter > 0.0) & (tEnter < best);
    best = closer ? tEnter : best;
    bestBox = closer ? b : bestBox;
  }
  return resolveHit(dir, inv, best, bestBox, roomHit, rel, ids, roomRel, roomIds);
}

// --- Shading of the colour image: base colour x Lambert (two fixed lights + ambient) x texture.

// The face index (0..5: -x, +x, -y, +y, -z, +z) of the face whose outward normal faces the camera.
SPATIAL_HD int32_t visibleFace(int32_t axis, double dirComponent) { return 2 * axis + (dirComponent > 0.0 ? 0 : 1); }

// Lambert factor of the face on `axis` seen along a ray with the given direction component: the
// normal faces the camera, n = -sign(d) e_axis. Key light (0.35, 0.15, 0.9) from above (weight
// 0.45), fill light (-0.25, -0.7, 0.1) (weight 0.2), ambient 0.5: each of the six face
// orientations gets its own brightness.
SPATIAL_HD double lambertShade(int32_t axis, double dirComponent) {
  const double s = dirComponent > 0.0 ? -1.0 : 1.0;
  const double key = axis == 0 ? 0.35 : axis == 1 ? 0.15 : 0.9;
  const double fill = axis == 0 ? -0.25 : axis == 1 ? -0.7 : 0.1;
  return 0.5 + 0.45 * maxOf(0.0, s * key) + 0.2 * maxOf(0.0, s * fill);
}

// A 32-bit integer hash of a texture cell (lowbias32 finaliser), in [0, 1).
SPATIAL_HD double cellHash(int32_t a, int32_t b, uint32_t salt) {
  uint32_t h = static_cast<uint32_t>(a) * 0x8da6b343u ^ static_cast<uint32_t>(b) * 0xd8163841u ^ salt * 0xcb1ab31fu;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return static_cast<double>(h) / 4294967296.0;
}

// Texture cell index of coordinate x for `perMetre` cells per metre, clamped so huge coordinates
// never overflow the integer conversion.
SPATIAL_HD int32_t cellIndex(double x, double perMetre) {
  double c = std::floor(x * perMetre);
  c = c < -1073741824.0 ? -1073741824.0 : c;
  c = c > 1073741824.0 ? 1073741824.0 : c;
  return static_cast<int32_t>(c);
}

// Writes the RGB of a hit: palette colour of the instance x Lambert x a two-scale cell texture
// (25 cm cells +-10 %, 5 cm cells +-6 %) on the face's in-plane world coordinates, so images carry
// trackable detail. Misses are black.
SPATIAL_HD void shadeHit(const RayFrame& f, const RayHit& hit, const uint8_t* palette, uint8_t* rgb) {
  if (hit.axis < 0) {
    rgb[0] = rgb[1] = rgb[2] = 0;
    return;
  }
  const double p[3] = {f.o[0] + hit.t * hit.dir[0], f.o[1] + hit.t * hit.dir[1], f.o[2] + hit.t * hit.dir[2]};
  const int32_t a1 = hit.axis == 0 ? 1 : 0;
  const int32_t a2 = hit.axis == 2 ? 1 : 2;
  const uint32_t salt = static_cast<uint32_t>(hit.id) * 8u + static_cast<uint32_t>(visibleFace(hit.axis, hit.dir[hit.axis]));
  const double coarse = cellHash(cellIndex(p[a1], 4.0), cellIndex(p[a2], 4.0), salt);
  const double fine = cellHash(cellIndex(p[a1], 20.0), cellIndex(p[a2], 20.0), salt ^ 0x9e3779b9u);
  const double k = lambertShade(hit.axis, hit.dir[hit.axis]) * (0.9 + 0.1 * coarse) * (0.94 + 0.06 * fine);
  for (int c = 0; c < 3; ++c) {
    const double v = std::floor(static_cast<double>(palette[3 * hit.id + c]) * k + 0.5);
    rgb[c] = static_cast<uint8_t>(v > 255.0 ? 255.0 : v);
  }
}

}  // namespace spatial
