// Bindings of voxel downsampling (spatial_geom/downsample.h): voxelDownsample. Convert and
// validate only; declared in lib/native.ts.
#include <napi.h>

#include <algorithm>

#include "async.h"
#include "convert.h"
#include "registry.h"
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

void registerDownsample(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<VoxelDownsample>(env, exports, "voxelDownsample");
}
SPATIAL_ADDON_MODULE(registerDownsample);

}  // namespace
