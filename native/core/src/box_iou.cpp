#include "spatial_geom/box_iou.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "spatial_geom/parallel.h"

// The pure-TS twin (lib/reference/box_iou.ts) performs the same floating-point operations in the same
// order (no FMA contraction here: -ffp-contract=off), so both backends agree to rounding noise.

namespace spatial {

namespace {

struct V3 {
  double x, y, z;
};

inline V3 sub(V3 a, V3 b) { return V3{a.x - b.x, a.y - b.y, a.z - b.z}; }
inline double dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline V3 cross(V3 a, V3 b) { return V3{a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }

// Capacities: a box face (4 vertices) gains at most one vertex per clip (6 clips), a cap has at
// most one vertex per face, and a clipped box has at most 6 + 6 faces.
constexpr int kMaxPolyVerts = 32;
constexpr int kMaxFaces = 16;
constexpr int kMaxCapPoints = kMaxFaces * kMaxPolyVerts;

struct Poly {
  int n = 0;
  V3 p[kMaxPolyVerts];
};

struct Polyhedron {
  int nf = 0;
  Poly f[kMaxFaces];
};

// Corner index c = i + 2j + 4k; each face lists its corners in cyclic order.
constexpr int kFaces[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4}, {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};

struct BoxFrame {
  double rot[9];
  V3 centre;
  double half[3];
  double volume;
};

BoxFrame boxFrame(const double* box) {
  BoxFrame f;
  boxRotationZXY(box[6], box[7], box[8], f.rot);
  f.centre = V3{box[0], box[1], box[2]};
  f.half[0] = 0.5 * box[3];
  f.half[1] = 0.5 * box[4];
  f.half[2] = 0.5 * box[5];
  f.volume = box[3] * box[4] * box[5];
  return f;
}

inline V3 axis(const BoxFrame& f, int k) { return V3{f.rot[k], f.rot[3 + k], f.rot[6 + k]}; }

// Corners relative to `origin` (IoU is translation invariant; this keeps coordinates small).
void cornersRelative(const BoxFrame& f, V3 origin, V3* out) {
  const V3 c = sub(f.centre, origin);
  for (int idx = 0; idx < 8; ++idx) {
    const double l0 = (idx & 1) ? f.half[0] : -f.half[0];
    const double l1 = (idx & 2) ? f.half[1] : -f.half[1];
    const double l2 = (idx & 4) ? f.half[2] : -f.half[2];
    out[idx] = V3{f.rot[0] * l0 + f.rot[1] * l1 + f.rot[2] * l2 + c.x, f.rot[3] * l0 + f.rot[4] * l1 + f.rot[5] * l2 + c.y,
                  f.rot[6] * l0 + f.rot[7] * l1 + f.rot[8] * l2 + c.z};
  }
}

// 2-D convex hull (Andrew's monotone chain) of the cap points projected on the plane with unit
// normal n; writes the hull's 3-D points in order. Ties are broken by input index so the order is
// the same as the TypeScript twin's.
struct CapPoint {
  double s, t;
  int index;
};

inline double cross2(const CapPoint& o, const CapPoint& a, const CapPoint& b) {
  return (a.s - o.s) * (b.t - o.t) - (a.t - o.t) * (b.s - o.s);
}

void capHull(const V3* pts, int count, V3 n, Poly& out) {
  out.n = 0;
  if (count < 3) return;
  const V3 helper = std::fabs(n.x) < 0.9 ? V3{1, 0, 0} : V3{0, 1, 0};
  V3 u = cross(n, helper);
  const double len = std::sqrt(dot(u, u));
  u = V3{u.x / len, u.y / len, u.z / len};
  const V3 v = cross(n, u);
  CapPoint cp[kMaxCapPoints];
  for (int i = 0; i < count; ++i) cp[i] = CapPoint{dot(u, pts[i]), dot(v, pts[i]), i};
  std::sort(cp, cp + count, [](const CapPoint& a, const CapPoint& b) {
    if (a.s != b.s) return a.s < b.s;
    if (a.t != b.t) return a.t < b.t;
    return a.index < b.index;
  });
  CapPoint hull[2 * kMaxCapPoints];
  int h = 0;
  for (int i = 0; i < count; ++i) {
    while (h >= 2 && cross2(hull[h - 2], hull[h - 1], cp[i]) <= 0) --h;
    hull[h++] = cp[i];
  }
  const int lower = h + 1;
  for (int i = count - 2; i >= 0; --i) {
    while (h >= lower && cross2(hull[h - 2], hull[h - 1], cp[i]) <= 0) --h;
    hull[h++] = cp[i];
  }
  const int m = h - 1;  // the last point repeats the first
  if (m < 3 || m > kMaxPolyVerts) return;
  for (int i = 0; i < m; ++i) out.p[i] = pts[hull[i].index];
  out.n = m;
}

// Clips the polyhedron by the half-space dot(n, p) <= d (points within eps of the plane count as
// on it). Faces left with no vertex strictly inside lie in the plane and are replaced by the cap.
void clipPolyhedron(Polyhedron& poly, V3 n, double d, double eps) {
  V3 cap[kMaxCapPoints];
  int capCount = 0;
  int nf = 0;
  for (int fi = 0; fi < poly.nf; ++fi) {
    const Poly& in = poly.f[fi];
    Poly out;
    bool anyInterior = false;
    V3 prev = in.p[in.n - 1];
    double dp = dot(n, prev) - d;
    for (int i = 0; i < in.n; ++i) {
      const V3 cur = in.p[i];
      const double dc = dot(n, cur) - d;
      const bool curIn = dc <= eps, prevIn = dp <= eps;
      // An edge crosses the plane only between a point strictly inside and one outside; an
      // on-plane endpoint is already a vertex of the result.
      if ((prevIn && !curIn && dp < -eps) || (!prevIn && curIn && dc < -eps)) {
        const double t = dp / (dp - dc);
        const V3 x{prev.x + t * (cur.x - prev.x), prev.y + t * (cur.y - prev.y), prev.z + t * (cur.z - prev.z)};
        if (out.n < kMaxPolyVerts) out.p[out.n++] = x;
        if (capCount < kMaxCapPoints) cap[capCount++] = x;
      }
      if (curIn) {
        if (out.n < kMaxPolyVerts) out.p[out.n++] = cur;
        if (dc >= -eps) {
          if (capCount < kMaxCapPoints) cap[capCount++] = cur;
        } else {
          anyInterior = true;
        }
      }
      prev = cur;
      dp = dc;
    }
    if (out.n >= 3 && anyInterior) poly.f[nf++] = out;
  }
  poly.nf = nf;
  if (nf < kMaxFaces) {
    capHull(cap, capCount, n, poly.f[nf]);
    if (poly.f[nf].n >= 3) poly.nf = nf + 1;
  }
}

// Volume of a convex polyhedron: tetrahedra from the vertex centroid to a fan of each face.
double polyhedronVolume(const Polyhedron& poly) {
  V3 c{0, 0, 0};
  int count = 0;
  for (int fi = 0; fi < poly.nf; ++fi)
    for (int i = 0; i < poly.f[fi].n; ++i) {
      c.x += poly.f[fi].p[i].x;
      c.y += poly.f[fi].p[i].y;
      c.z += poly.f[fi].p[i].z;
      ++count;
    }
  if (count == 0) return 0;
  c = V3{c.x / count, c.y / count, c.z / count};
  double sixV = 0;
  for (int fi = 0; fi < poly.nf; ++fi) {
    const Poly& f = poly.f[fi];
    const V3 a = sub(f.p[0], c);
    for (int i = 1; i + 1 < f.n; ++i) {
      const V3 b = sub(f.p[i], c), e = sub(f.p[i + 1], c);
      sixV += std::fabs(dot(a, cross(b, e)));
    }
  }
  return sixV / 6;
}

double intersectionVolume(const BoxFrame& fa, const BoxFrame& fb) {
  const V3 offset = sub(fb.centre, fa.centre);
  // Bounding spheres apart: no overlap (exactly, not approximately).
  const double ra = std::sqrt(fa.half[0] * fa.half[0] + fa.half[1] * fa.half[1] + fa.half[2] * fa.half[2]);
  const double rb = std::sqrt(fb.half[0] * fb.half[0] + fb.half[1] * fb.half[1] + fb.half[2] * fb.half[2]);
  if (dot(offset, offset) > (ra + rb) * (ra + rb)) return 0;
  if (fa.volume == 0 || fb.volume == 0) return 0;
  const double scale = std::max({2 * fa.half[0], 2 * fa.half[1], 2 * fa.half[2], 2 * fb.half[0], 2 * fb.half[1], 2 * fb.half[2],
                                 std::fabs(offset.x), std::fabs(offset.y), std::fabs(offset.z)});
  const double eps = 1e-12 * scale;

  V3 corners[8];
  cornersRelative(fa, fa.centre, corners);
  Polyhedron poly;
  poly.nf = 6;
  for (int fi = 0; fi < 6; ++fi) {
    poly.f[fi].n = 4;
    for (int i = 0; i < 4; ++i) poly.f[fi].p[i] = corners[kFaces[fi][i]];
  }
  for (int k = 0; k < 3; ++k) {
    const V3 ax = axis(fb, k);
    const double o = dot(ax, offset);
    clipPolyhedron(poly, ax, o + fb.half[k], eps);
    if (poly.nf < 4) return 0;
    clipPolyhedron(poly, V3{-ax.x, -ax.y, -ax.z}, fb.half[k] - o, eps);
    if (poly.nf < 4) return 0;
  }
  return polyhedronVolume(poly);
}

double iouFromFrames(const BoxFrame& fa, const BoxFrame& fb) {
  double inter = intersectionVolume(fa, fb);
  inter = std::min(inter, std::min(fa.volume, fb.volume));
  const double uni = fa.volume + fb.volume - inter;
  return uni > 0 ? inter / uni : 0;
}

}  // namespace

void boxRotationZXY(double alpha, double beta, double gamma, double* out) {
  const double ca = std::cos(alpha), sa = std::sin(alpha);
  const double cb = std::cos(beta), sb = std::sin(beta);
  const double cg = std::cos(gamma), sg = std::sin(gamma);
  const double rz[9] = {ca, -sa, 0, sa, ca, 0, 0, 0, 1};
  const double rx[9] = {1, 0, 0, 0, cb, -sb, 0, sb, cb};
  const double ry[9] = {cg, 0, sg, 0, 1, 0, -sg, 0, cg};
  double zx[9];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) zx[r * 3 + c] = rz[r * 3] * rx[c] + rz[r * 3 + 1] * rx[3 + c] + rz[r * 3 + 2] * rx[6 + c];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out[r * 3 + c] = zx[r * 3] * ry[c] + zx[r * 3 + 1] * ry[3 + c] + zx[r * 3 + 2] * ry[6 + c];
}

void boxCorners(const double* box, double* out) {
  const BoxFrame f = boxFrame(box);
  V3 c[8];
  cornersRelative(f, V3{0, 0, 0}, c);
  for (int i = 0; i < 8; ++i) {
    out[3 * i] = c[i].x;
    out[3 * i + 1] = c[i].y;
    out[3 * i + 2] = c[i].z;
  }
}

void checkBoxes(const double* boxes, size_t n, const char* name) {
  static const char* const kNames[9] = {"x", "y", "z", "dx", "dy", "dz", "alpha", "beta", "gamma"};
  for (size_t i = 0; i < n; ++i)
    for (int k = 0; k < 9; ++k) {
      const double v = boxes[i * kBoxValues + k];
      if (!std::isfinite(v) || (k >= 3 && k < 6 && v < 0))
        throw Error(ErrorCode::Shape, std::string(name) + "[" + std::to_string(i) + "]." + kNames[k] +
                                          (k >= 3 && k < 6 ? " must be finite and >= 0" : " must be finite") + " (got " +
                                          std::to_string(v) + ")");
    }
}

double boxIntersectionVolume(const double* a, const double* b) { return intersectionVolume(boxFrame(a), boxFrame(b)); }

double boxIou3d(const double* a, const double* b) {
  checkBoxes(a, 1, "a");
  checkBoxes(b, 1, "b");
  return iouFromFrames(boxFrame(a), boxFrame(b));
}

void boxIou3dMatrix(const double* a, size_t n, const double* b, size_t m, double* out) {
  checkBoxes(a, n, "a");
  checkBoxes(b, m, "b");
  if (n == 0 || m == 0) return;
  std::vector<BoxFrame> fb(m);
  for (size_t j = 0; j < m; ++j) fb[j] = boxFrame(b + j * kBoxValues);
  // One IoU costs about as much as ~1000 point projections: weight the work accordingly.
  parallelChunks(n, n * m * 1000, [&](size_t i) {
    const BoxFrame fa = boxFrame(a + i * kBoxValues);
    for (size_t j = 0; j < m; ++j) out[i * m + j] = iouFromFrames(fa, fb[j]);
  });
}

}  // namespace spatial
