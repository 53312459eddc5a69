// The per-point math of projection and visibility, written once for host and device
// (Open3D's *Impl.h pattern): the CPU loops in projection.cpp and the CUDA kernels in
// native/cuda call these same inline functions.
//
// Operation order is fixed and matches the pure-TS reference (lib/reference/geometry.ts):
//   Xc = M * Xw + b   (M = R^T, b = -R^T t),   u = fx * Xc.x / Xc.z + cx,   v = fy * Xc.y / Xc.z + cy
// The build disables FMA contraction (-ffp-contract=off, nvcc --fmad=false) so CPU and CUDA round
// every operation the same way and agree bit for bit.
#pragma once

#include <cmath>

#include "spatial_geom/camera.h"

namespace spatial {

template <typename Real>
SPATIAL_HD void camFromWorldPoint(const CameraParams<Real>& c, Real x, Real y, Real z, Real& xc, Real& yc, Real& zc) {
  xc = c.m[0] * x + c.m[1] * y + c.m[2] * z + c.m[3];
  yc = c.m[4] * x + c.m[5] * y + c.m[6] * z + c.m[7];
  zc = c.m[8] * x + c.m[9] * y + c.m[10] * z + c.m[11];
}

// Pixel coordinates of a camera-frame point. Callers mask the result where zc <= 0.
template <typename Real>
SPATIAL_HD void pixelOf(const CameraParams<Real>& c, Real xc, Real yc, Real zc, Real& u, Real& v) {
  u = c.fx * xc / zc + c.cx;
  v = c.fy * yc / zc + c.cy;
}

// Projects one world point. Returns the camera-space depth z; u, v are NaN when z <= 0
// (behind the camera or on its plane), as the public contract states.
template <typename Real>
SPATIAL_HD Real projectPoint(const CameraParams<Real>& c, Real x, Real y, Real z, Real& u, Real& v) {
  Real xc, yc, zc;
  camFromWorldPoint(c, x, y, z, xc, yc, zc);
  pixelOf(c, xc, yc, zc, u, v);
  // NAN/INFINITY (<cmath>) rather than std::numeric_limits: its constexpr members are host-only for nvcc.
  const Real nan = static_cast<Real>(NAN);
  const bool front = zc > Real(0);
  u = front ? u : nan;
  v = front ? v : nan;
  return zc;
}

// A depth-map value is valid iff finite and > 0 (DESIGN.md section 2): NaN fails both comparisons,
// -inf the first, +inf the second. The one definition, for visibility and back-projection on the
// CPU and CUDA; the AVX-512 visibility kernel (kernels/projection.inc) tests the same two
// comparisons on vectors.
template <typename Real>
SPATIAL_HD bool validDepth(Real d) {
  return (d > Real(0)) & (d < static_cast<Real>(INFINITY));
}

// Visibility of one world point in one frame (DESIGN.md section 2):
//   z > near, nearest pixel (floor(u + 0.5), floor(v + 0.5)) inside the image, its depth d valid
//   (finite and > 0), and z <= d + tolerance.
// Branch-free: every comparison is evaluated and combined with '&' (8x faster than '&&' here),
// and the pixel index is clamped before conversion so NaN or huge coordinates never index memory.
template <typename Real>
SPATIAL_HD bool visibleIn(const CameraParams<Real>& c, const float* depth, Real x, Real y, Real z, Real nearPlane,
                          Real tolerance) {
  Real xc, yc, zc, u, v;
  camFromWorldPoint(c, x, y, z, xc, yc, zc);
  pixelOf(c, xc, yc, zc, u, v);
  const Real fj = std::floor(u + Real(0.5));
  const Real fi = std::floor(v + Real(0.5));
  const Real w = static_cast<Real>(c.width), h = static_cast<Real>(c.height);
  const bool inside = (fj >= Real(0)) & (fj < w) & (fi >= Real(0)) & (fi < h);
  // NaN fails '>= 0', so it clamps to 0; the read is then in bounds and discarded by `inside`.
  Real cj = fj >= Real(0) ? fj : Real(0);
  Real ci = fi >= Real(0) ? fi : Real(0);
  cj = cj < w ? cj : w - Real(1);
  ci = ci < h ? ci : h - Real(1);
  const int32_t idx = static_cast<int32_t>(ci) * c.width + static_cast<int32_t>(cj);
  const Real d = static_cast<Real>(depth[idx]);
  const bool valid = validDepth(d);
  return (zc > nearPlane) & inside & valid & (zc <= d + tolerance);
}

// Back-projects pixel (j, i) with metric depth d to the world (always in double: the output is
// rounded to float once, exactly as the reference does).
SPATIAL_HD void backprojectPixel(const Camera& cam, double j, double i, double d, double& X, double& Y, double& Z) {
  const double xc = (j - cam.k.cx) / cam.k.fx * d;
  const double yc = (i - cam.k.cy) / cam.k.fy * d;
  const double zc = d;
  const double* m = cam.worldFromCam;
  X = m[0] * xc + m[1] * yc + m[2] * zc + m[3];
  Y = m[4] * xc + m[5] * yc + m[6] * zc + m[7];
  Z = m[8] * xc + m[9] * yc + m[10] * zc + m[11];
}

}  // namespace spatial
