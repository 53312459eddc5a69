// Bindings of the camera-ray ops (spatial_geom/rays.h): rayGrid, rayEmbedding. Convert and validate
// only; declared in lib/native.ts.
#include <napi.h>

#include "async.h"
#include "convert.h"
#include "registry.h"

namespace {

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

spatial::Intrinsics intrinsicsArg(Napi::Env env, const Napi::Value& v) {
  const auto k = addon::float64Array(env, v, "intrinsics");
  if (k.size != 6) throwJs(env, ErrorCode::Shape, "intrinsics must hold 6 values fx, fy, cx, cy, width, height (got " + std::to_string(k.size) + ")");
  return spatial::makeIntrinsics(k.data, "intrinsics");
}

spatial::PatchGrid gridArg(const Napi::CallbackInfo& info, const spatial::Intrinsics& k, size_t at) {
  // (patchSize, 0, 0) or (0, rows, cols)
  const int64_t patch = addon::integer(info.Env(), info[at], 0, 1 << 20, "grid.patchSize");
  if (patch > 0) return spatial::patchGridFromSize(k, int32_t(patch));
  const int64_t rows = addon::integer(info.Env(), info[at + 1], 0, 1 << 20, "grid.rows");
  const int64_t cols = addon::integer(info.Env(), info[at + 2], 0, 1 << 20, "grid.cols");
  return spatial::patchGridFromCount(k, int32_t(rows), int32_t(cols));
}

// rayGrid(intrinsics: Float64Array(6), patchSize, rows, cols): Float32Array(rows*cols*2)
Napi::Value RayGrid(const Napi::CallbackInfo& info) {
  requireArgs(info, 4, "rayGrid");
  const auto k = intrinsicsArg(info.Env(), info[0]);
  const auto g = gridArg(info, k, 1);
  std::vector<float> out(size_t(g.rows) * g.cols * 2);
  spatial::rayGrid(k, g, out.data());
  return addon::adoptFloat32(info.Env(), std::move(out));
}

// rayEmbedding(intrinsics, patchSize, frequencies, includeFocal, out?): Float32Array
Napi::Value RayEmbedding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "rayEmbedding");
  const auto k = intrinsicsArg(env, info[0]);
  const auto g = gridArg(info, k, 1);  // patchSize only: rows/cols unused when patchSize > 0
  const int32_t freq = static_cast<int32_t>(addon::integer(env, info[2], 1, 32, "opts.frequencies"));
  if (!info[3].IsBoolean()) throwJs(env, ErrorCode::Type, "Expected a boolean for opts.includeFocal but received " + addon::describe(info[3]));
  const bool focal = info[3].As<Napi::Boolean>().Value();
  const size_t size = spatial::rayEmbeddingSize(g, freq, focal);
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    const auto out = addon::float32Array(env, info[4], "opts.out");
    if (out.size != size) throwJs(env, ErrorCode::Shape, "opts.out.length must be " + std::to_string(size) + " (got " + std::to_string(out.size) + ")");
    spatial::rayEmbedding(k, g, freq, focal, out.data);
    return info[4];
  }
  std::vector<float> out(size);
  spatial::rayEmbedding(k, g, freq, focal, out.data());
  return addon::adoptFloat32(env, std::move(out));
}

void registerRays(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<RayGrid>(env, exports, "rayGrid");
  addon::exportFunction<RayEmbedding>(env, exports, "rayEmbedding");
}
SPATIAL_ADDON_MODULE(registerRays);

}  // namespace
