#include "spatial_geom/compat.h"

#include <algorithm>
#include <array>
#include <cfenv>
#include <cmath>
#include <utility>

#include "spatial_geom/parallel.h"

namespace spatial {

bool invertGeneral4x4(const double* m, double* out) {
  // LU with partial pivoting (LAPACK dgetf2: first largest |pivot|, column scaled by the pivot's
  // reciprocal), then the solve of LU X = P (dgetrs: unit lower, then upper, column by column).
  double a[16];
  int perm[4] = {0, 1, 2, 3};
  for (int i = 0; i < 16; ++i) a[i] = m[i];
  for (int k = 0; k < 4; ++k) {
    int p = k;
    for (int i = k + 1; i < 4; ++i)
      if (std::fabs(a[i * 4 + k]) > std::fabs(a[p * 4 + k])) p = i;
    if (a[p * 4 + k] == 0.0) return false;
    if (p != k) {
      for (int j = 0; j < 4; ++j) std::swap(a[k * 4 + j], a[p * 4 + j]);
      std::swap(perm[k], perm[p]);
    }
    const double r = 1.0 / a[k * 4 + k];
    for (int i = k + 1; i < 4; ++i) a[i * 4 + k] *= r;
    for (int i = k + 1; i < 4; ++i)
      for (int j = k + 1; j < 4; ++j) a[i * 4 + j] -= a[i * 4 + k] * a[k * 4 + j];
  }
  for (int c = 0; c < 4; ++c) {
    double b[4];
    for (int i = 0; i < 4; ++i) b[i] = perm[i] == c ? 1.0 : 0.0;
    for (int k = 0; k < 4; ++k)
      for (int i = k + 1; i < 4; ++i) b[i] -= b[k] * a[i * 4 + k];
    for (int k = 3; k >= 0; --k) {
      b[k] /= a[k * 4 + k];
      for (int i = 0; i < k; ++i) b[i] -= b[k] * a[i * 4 + k];
    }
    for (int i = 0; i < 4; ++i) out[i * 4 + c] = b[i];
  }
  return true;
}

std::vector<std::vector<uint32_t>> visibleSetsMultiSpa(const float* points, size_t n, const Camera* cams,
                                                       const DepthView* depths, size_t frames, const double* depthScales) {
  checkPointCount(n);
  for (size_t f = 0; f < frames; ++f)
    if (depths[f].data == nullptr || depths[f].width < 1 || depths[f].height < 1)
      throw Error(ErrorCode::Shape, "depths[" + std::to_string(f) + "] is empty");
  std::vector<std::vector<uint32_t>> sets(frames);
  std::vector<std::array<double, 16>> camFromWorld(frames);
  for (size_t f = 0; f < frames; ++f) {
    double worldFromCam[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (int i = 0; i < 12; ++i) worldFromCam[i] = cams[f].worldFromCam[i];
    if (!invertGeneral4x4(worldFromCam, camFromWorld[f].data()))
      throw Error(ErrorCode::Pose, "cameras[" + std::to_string(f) + "].pose is singular");
  }
  parallelChunks(frames, n * frames, [&](size_t f) {
    const Intrinsics& k = cams[f].k;
    const double* e = camFromWorld[f].data();
    const DepthView& d = depths[f];
    const double W = k.width, H = k.height;
    const double sx = double(d.width) / W, sy = double(d.height) / H;
    const double scale = depthScales ? depthScales[f] : 0.0;
    const double unit = scale > 0 ? 1.0 / scale : 0.0;
    auto& out = sets[f];
    for (size_t p = 0; p < n; ++p) {
      const double x = points[3 * p], y = points[3 * p + 1], z = points[3 * p + 2];
      const double xc = e[0] * x + e[1] * y + e[2] * z + e[3];
      const double yc = e[4] * x + e[5] * y + e[6] * z + e[7];
      const double zc = e[8] * x + e[9] * y + e[10] * z + e[11];
      if (!(zc > 0)) continue;
      const double u = (k.fx * xc + k.cx * zc) / zc, v = (k.fy * yc + k.cy * zc) / zc;
      if (!(u >= 0 && u < W && v >= 0 && v < H)) continue;
      // std::nearbyint rounds half to even under the default rounding mode, like numpy's round.
      double ud = std::nearbyint(u * sx), vd = std::nearbyint(v * sy);
      ud = std::min(std::max(ud, 0.0), double(d.width - 1));
      vd = std::min(std::max(vd, 0.0), double(d.height - 1));
      const double stored = d.data[size_t(vd) * d.width + size_t(ud)];
      const double D = scale > 0 ? std::nearbyint(stored * scale) * unit : stored;
      if (zc < D) out.push_back(uint32_t(p));  // D = 0 or NaN fails; z > 0 checked above
    }
  });
  return sets;
}

}  // namespace spatial
