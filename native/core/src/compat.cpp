#include "spatial_geom/compat.h"

#include <cfenv>
#include <cmath>

#include "spatial_geom/parallel.h"
#include "spatial_geom/projection_impl.h"

namespace spatial {

std::vector<std::vector<uint32_t>> visibleSetsMultiSpa(const float* points, size_t n, const Camera* cams,
                                                       const DepthView* depths, size_t frames) {
  checkPointCount(n);
  for (size_t f = 0; f < frames; ++f)
    if (depths[f].data == nullptr || depths[f].width < 1 || depths[f].height < 1)
      throw Error(ErrorCode::Shape, "depths[" + std::to_string(f) + "] is empty");
  std::vector<std::vector<uint32_t>> sets(frames);
  parallelChunks(frames, n * frames, [&](size_t f) {
    const CameraParams<double> c = kernelParams<double>(cams[f]);
    const DepthView& d = depths[f];
    const double sx = double(d.width) / c.width, sy = double(d.height) / c.height;
    auto& out = sets[f];
    for (size_t p = 0; p < n; ++p) {
      double xc, yc, zc, u, v;
      camFromWorldPoint(c, double(points[3 * p]), double(points[3 * p + 1]), double(points[3 * p + 2]), xc, yc, zc);
      if (!(zc > 0)) continue;
      pixelOf(c, xc, yc, zc, u, v);
      if (!(u >= 0 && u < c.width && v >= 0 && v < c.height)) continue;
      // std::nearbyint rounds half to even under the default rounding mode, like numpy's round.
      double ud = std::nearbyint(u * sx), vd = std::nearbyint(v * sy);
      ud = std::min(std::max(ud, 0.0), double(d.width - 1));
      vd = std::min(std::max(vd, 0.0), double(d.height - 1));
      const double D = d.data[size_t(vd) * d.width + size_t(ud)];
      if (zc < D) out.push_back(uint32_t(p));  // D = 0 or NaN fails; z > 0 checked above
    }
  });
  return sets;
}

}  // namespace spatial
