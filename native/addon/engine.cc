// Bindings of the data engine's native helpers: voxel downsampling and the MultiSPA visibility rule.
#include <napi.h>

#include <algorithm>
#include <cmath>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/compat.h"
#include "spatial_geom/downsample.h"

namespace {

using addon::throwJs;
using spatial::ErrorCode;

// voxelDownsample(points: Float32Array(3N), labels: Uint16Array(N) | undefined, voxelSize):
//   { points: Float32Array, labels: Uint16Array | undefined, counts: Uint32Array }
Napi::Value VoxelDownsample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  addon::requireArgs(info, 3, "voxelDownsample");
  const auto pts = addon::float32Array(env, info[0], "points");
  if (pts.size % 3) throwJs(env, ErrorCode::Shape, "points.length must be a multiple of 3 (got " + std::to_string(pts.size) + ")");
  const uint16_t* labels = nullptr;
  const bool hasLabels = !info[1].IsUndefined();
  std::vector<uint16_t> none;
  if (hasLabels) {
    if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array)
      throwJs(env, ErrorCode::Type, "Expected a Uint16Array for labels but received " + addon::describe(info[1]));
    const auto l = info[1].As<Napi::Uint16Array>();
    if (l.ElementLength() != pts.size / 3)
      throwJs(env, ErrorCode::Shape, "labels.length must equal the number of points " + std::to_string(pts.size / 3) + " (got " + std::to_string(l.ElementLength()) + ")");
    labels = l.ElementLength() ? l.Data() : none.data();
  }
  const double voxel = addon::finiteNumber(env, info[2], "opts.voxelSize");
  auto r = spatial::voxelDownsample(pts.data, pts.size / 3, hasLabels && pts.size ? labels : nullptr, voxel);
  Napi::Object out = Napi::Object::New(env);
  out.Set("points", addon::adoptFloat32(env, std::move(r.points)));
  out.Set("counts", addon::adoptUint32(env, std::move(r.counts)));
  if (hasLabels) {
    auto l = Napi::Uint16Array::New(env, r.labels.size());
    std::copy(r.labels.begin(), r.labels.end(), l.Data());
    out.Set("labels", l);
  }
  return out;
}

// visibleSetsMultiSpa(points: Float32Array, cameras (packed colour cameras), depths: Float32Array[],
//   depthSizes: Float64Array(2F) = [w0, h0, w1, h1, ...]): Uint32Array[]
Napi::Value VisibleSetsMultiSpa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  addon::requireArgs(info, 4, "visibleSetsMultiSpa");
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
  Napi::Array out = Napi::Array::New(env, sets.size());
  for (size_t f = 0; f < sets.size(); ++f) out.Set(uint32_t(f), addon::adoptUint32(env, std::move(sets[f])));
  return out;
}

void registerEngine(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<VoxelDownsample>(env, exports, "voxelDownsample");
  addon::exportFunction<VisibleSetsMultiSpa>(env, exports, "visibleSetsMultiSpa");
}
SPATIAL_ADDON_MODULE(registerEngine);

}  // namespace
