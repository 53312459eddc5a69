// Random visibility scenes with every edge case the kernels branch on (shared by the CPU-vs-CUDA
// and SIMD-vs-scalar tests): points exactly on pixel borders and the image edge, on or behind the
// camera plane, depth ties at the tolerance, invalid depth (0, NaN, inf, negative) and non-finite
// coordinates; image sizes alternate between 64x48 and 97x31 (odd).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "spatial_geom/spatial_geom.h"

namespace spatial_test {

using namespace spatial;

struct Scene {
  std::vector<Camera> cams;
  std::vector<std::vector<float>> depthData;
  std::vector<DepthView> depths;
  std::vector<double> points;  // 3N; the float scene is this rounded
  VisibilityOptions opts;
};

// Rotation from a unit quaternion (w, x, y, z), row-major 3x3.
inline void rotation(double w, double x, double y, double z, double* r) {
  const double n = std::sqrt(w * w + x * x + y * y + z * z);
  w /= n, x /= n, y /= n, z /= n;
  const double m[9] = {1 - 2 * (y * y + z * z), 2 * (x * y - w * z),     2 * (x * z + w * y),
                       2 * (x * y + w * z),     1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                       2 * (x * z - w * y),     2 * (y * z + w * x),     1 - 2 * (x * x + y * y)};
  std::memcpy(r, m, sizeof m);
}

// Frames look at the origin from 4 m away; sizes alternate between 64x48 and 97x31 (odd).
inline Scene makeScene(size_t n, size_t frames, uint32_t seed) {
  Scene s;
  s.opts.tolerance = 0.05;
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t f = 0; f < frames; ++f) {
    double r[9];
    rotation(gauss(rng), gauss(rng), gauss(rng), gauss(rng), r);
    const int w = f % 2 ? 97 : 64, h = f % 2 ? 31 : 48;
    const double fx = 0.8 * w, fy = 0.8 * w, cx = (w - 1) / 2.0 + 0.25, cy = (h - 1) / 2.0 - 0.25;
    // Camera centre t = -4 * (optical axis) so the axis passes through the origin.
    double packedCam[22] = {fx, fy, cx, cy, double(w), double(h)};
    double* pose = packedCam + 6;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) pose[i * 4 + j] = r[i * 3 + j];
      pose[i * 4 + 3] = -4 * r[i * 3 + 2];
    }
    pose[12] = pose[13] = pose[14] = 0, pose[15] = 1;
    s.cams.push_back(makeCamera(packedCam, "camera"));
    std::vector<float> d(size_t(w) * h);
    for (auto& v : d) {
      const double u = unit(rng);
      v = u < 0.08 ? 0.f : u < 0.12 ? NAN : u < 0.13 ? INFINITY : u < 0.14 ? -1.f : float(3 + 2.5 * unit(rng));
    }
    s.depthData.push_back(std::move(d));
  }
  for (size_t f = 0; f < frames; ++f)
    s.depths.push_back(DepthView{s.depthData[f].data(), s.cams[f].k.width, s.cams[f].k.height});

  // Camera-frame point of frame f to world: Xw = R Xc + t.
  auto toWorld = [&](size_t f, double x, double y, double z, double* out) {
    const double* m = s.cams[f].worldFromCam;
    for (int i = 0; i < 3; ++i) out[i] = m[i * 4] * x + m[i * 4 + 1] * y + m[i * 4 + 2] * z + m[i * 4 + 3];
  };
  s.points.resize(3 * n);
  std::uniform_int_distribution<size_t> pickFrame(0, frames - 1);
  for (size_t p = 0; p < n; ++p) {
    double* out = &s.points[3 * p];
    const size_t f = pickFrame(rng);
    const Camera& c = s.cams[f];
    switch (p % 8) {
      case 0: {  // exactly on a pixel border (u = j + 0.5, v = i + 0.5) or the image edge
        const double z = 2.5 + 3 * unit(rng);
        const double u = std::floor(unit(rng) * (c.k.width + 1)) - 0.5, v = std::floor(unit(rng) * (c.k.height + 1)) - 0.5;
        toWorld(f, (u - c.k.cx) * z / c.k.fx, (v - c.k.cy) * z / c.k.fy, z, out);
        break;
      }
      case 1:  // on or near the camera plane, or behind it
        toWorld(f, gauss(rng), gauss(rng), p % 16 == 1 ? 0.0 : -unit(rng), out);
        break;
      case 2: {  // depth tie: the surface sits at z - tolerance, so z <= d + tol is decided by rounding
        const double z = 3 + 2 * unit(rng);
        const double u = unit(rng) * c.k.width - 0.5, v = unit(rng) * c.k.height - 0.5;
        toWorld(f, (u - c.k.cx) * z / c.k.fx, (v - c.k.cy) * z / c.k.fy, z, out);
        const long j = std::lround(std::floor(u + 0.5)), i = std::lround(std::floor(v + 0.5));
        if (j >= 0 && j < c.k.width && i >= 0 && i < c.k.height)
          s.depthData[f][size_t(i) * c.k.width + j] = float(z - s.opts.tolerance);
        break;
      }
      case 3:  // non-finite coordinates
        out[0] = p % 3 == 0 ? NAN : gauss(rng);
        out[1] = p % 3 == 1 ? INFINITY : gauss(rng);
        out[2] = p % 3 == 2 ? -INFINITY : gauss(rng);
        break;
      default:  // inside a cube around the origin: visible in many frames, occluded in others
        for (int k = 0; k < 3; ++k) out[k] = 3 * unit(rng) - 1.5;
    }
  }
  return s;
}

template <typename Real>
std::vector<Real> scenePoints(const Scene& s) {
  return std::vector<Real>(s.points.begin(), s.points.end());
}

}  // namespace spatial_test
