// Bindings of visibility (spatial_geom/projection.h, spatial_geom/compat.h): visibleSets[Async] and
// the MultiSPA rule visibleSetsMultiSpa. Convert and validate only; declared in lib/native.ts.
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

spatial::VisibilityOptions visibilityOptions(const Napi::CallbackInfo& info, size_t nearArg, size_t tolArg) {
  spatial::VisibilityOptions o;
  o.nearPlane = addon::finiteNumber(info.Env(), info[nearArg], "opts.near");
  o.tolerance = addon::finiteNumber(info.Env(), info[tolArg], "opts.tolerance");
  spatial::checkVisibilityOptions(o);
  return o;
}

Napi::Array setsToJs(Napi::Env env, std::vector<std::vector<uint32_t>>& sets) {
  Napi::Array out = Napi::Array::New(env, sets.size());
  for (size_t f = 0; f < sets.size(); ++f) out.Set(uint32_t(f), addon::adoptUint32(env, std::move(sets[f])));
  return out;
}

struct VisibilityJob {
  addon::PointsArg pts;
  std::vector<spatial::Camera> cams;
  std::vector<spatial::DepthView> depths;
  spatial::VisibilityOptions opts;
  std::vector<std::vector<uint32_t>> result;

  void run() {
    result = pts.isDouble ? spatial::visibleSets(static_cast<const double*>(pts.data), pts.n, cams.data(), depths.data(), cams.size(), opts)
                          : spatial::visibleSets(static_cast<const float*>(pts.data), pts.n, cams.data(), depths.data(), cams.size(), opts);
  }
};

VisibilityJob visibilityJob(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  requireArgs(info, 5, fn);
  VisibilityJob job;
  job.pts = addon::points(env, info[0]);
  job.cams = addon::cameras(env, info[1]);
  job.depths = addon::depthMaps(env, info[2], job.cams);
  job.opts = visibilityOptions(info, 3, 4);
  return job;
}

// visibleSets(points, cameras, depths: Float32Array[], near, tolerance): Uint32Array[]
Napi::Value VisibleSets(const Napi::CallbackInfo& info) {
  VisibilityJob job = visibilityJob(info, "visibleSets");
  job.run();
  return setsToJs(info.Env(), job.result);
}

Napi::Value finishVisibility(Napi::Env env, VisibilityJob& job) { return setsToJs(env, job.result); }

Napi::Value VisibleSetsAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<VisibilityJob, finishVisibility>::start(info, "visibleSetsAsync", visibilityJob);
}

// visibleSetsMultiSpa(points: Float32Array, cameras (packed colour cameras), depths: Float32Array[],
//   depthSizes: Float64Array(2F) = [w0, h0, w1, h1, ...]): Uint32Array[]
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
  auto sets = spatial::visibleSetsMultiSpa(pts.data, pts.size / 3, cams.data(), depths.data(), cams.size());
  return setsToJs(env, sets);
}

void registerVisibility(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<VisibleSets>(env, exports, "visibleSets");
  addon::exportFunction<VisibleSetsAsync>(env, exports, "visibleSetsAsync");
  addon::exportFunction<VisibleSetsMultiSpa>(env, exports, "visibleSetsMultiSpa");
}
SPATIAL_ADDON_MODULE(registerVisibility);

}  // namespace
