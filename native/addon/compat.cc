// Binding of the MultiSPA visibility rule (spatial_geom/compat.h): visibleSetsMultiSpa. Convert and
// validate only; declared in lib/native.ts.
#include <napi.h>

#include <cmath>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/compat.h"

namespace {

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

// visibleSetsMultiSpa(points: Float32Array, cameras (packed colour cameras), depths: Float32Array[],
//   depthSizes: Float64Array(2F) = [w0, h0, w1, h1, ...], depthScales?: Float64Array(F), 0 = none):
//   Uint32Array[]
Napi::Value VisibleSetsMultiSpa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "visibleSetsMultiSpa");
  const auto pts = addon::float32Array(env, info[0], "points");
  if (pts.size % 3) throwJs(env, ErrorCode::Shape, "points.length must be a multiple of 3 (got " + std::to_string(pts.size) + ")");
  const auto cams = addon::cameras(env, info[1]);
  const auto sizes = addon::float64Array(env, info[3], "depthSizes");
  if (!info[2].IsArray()) throwJs(env, ErrorCode::Type, "Expected an Array of Float32Array for depths but received " + addon::describe(info[2]));
  const auto arr = info[2].As<Napi::Array>();
  if (arr.Length() != cams.size() || sizes.size != 2 * cams.size())
    throwJs(env, ErrorCode::Shape, "depths and depthSizes must describe one depth map per camera (" + std::to_string(cams.size()) + ")");
  std::vector<spatial::DepthView> depths(cams.size());
  for (uint32_t f = 0; f < arr.Length(); ++f) {
    const auto d = addon::float32Array(env, arr.Get(f), "depths[" + std::to_string(f) + "]");
    const double w = sizes.data[2 * f], h = sizes.data[2 * f + 1];
    if (!(w >= 1 && h >= 1 && w == std::floor(w) && h == std::floor(h) && w * h == double(d.size)))
      throwJs(env, ErrorCode::Shape, "depths[" + std::to_string(f) + "].length must be width*height of depthSizes[" + std::to_string(f) + "]");
    depths[f] = spatial::DepthView{d.data, int32_t(w), int32_t(h)};
  }
  const double* depthScales = nullptr;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    const auto scales = addon::float64Array(env, info[4], "depthScales");
    if (scales.size != cams.size()) throwJs(env, ErrorCode::Shape, "depthScales must hold one value per camera (" + std::to_string(cams.size()) + ")");
    depthScales = scales.data;
  }
  auto sets = spatial::visibleSetsMultiSpa(pts.data, pts.size / 3, cams.data(), depths.data(), cams.size(), depthScales);
  return addon::indexSetsToJs(env, sets);
}

void registerCompat(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<VisibleSetsMultiSpa>(env, exports, "visibleSetsMultiSpa");
}
SPATIAL_ADDON_MODULE(registerCompat);

}  // namespace
