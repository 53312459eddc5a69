// Bindings of the oriented 3D box IoU (native/core/src/box_iou.cpp): convert and validate only.
#include <napi.h>

#include <string>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/box_iou.h"

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

namespace {

addon::Span<double> boxesArg(Napi::Env env, const Napi::Value& v, const std::string& what) {
  const auto s = addon::float64Array(env, v, what);
  if (s.size % spatial::kBoxValues != 0)
    throwJs(env, ErrorCode::Shape, what + ".length must be a multiple of 9 (x, y, z, dx, dy, dz, alpha, beta, gamma) (got " +
                                       std::to_string(s.size) + ")");
  return s;
}

// boxIou3d(a: Float64Array(9), b: Float64Array(9)): number
Napi::Value BoxIou3d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 2, "boxIou3d");
  const auto a = boxesArg(env, info[0], "a");
  const auto b = boxesArg(env, info[1], "b");
  if (a.size != 9) throwJs(env, ErrorCode::Shape, "a.length must be 9 (got " + std::to_string(a.size) + ")");
  if (b.size != 9) throwJs(env, ErrorCode::Shape, "b.length must be 9 (got " + std::to_string(b.size) + ")");
  return Napi::Number::New(env, spatial::boxIou3d(a.data, b.data));
}

// boxIou3dMatrix(a: Float64Array(9N), b: Float64Array(9M), out: Float64Array(N*M)): undefined
Napi::Value BoxIou3dMatrix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 3, "boxIou3dMatrix");
  const auto a = boxesArg(env, info[0], "a");
  const auto b = boxesArg(env, info[1], "b");
  const auto out = addon::float64Array(env, info[2], "out");
  const size_t n = a.size / 9, m = b.size / 9;
  if (out.size != n * m)
    throwJs(env, ErrorCode::Shape, "out.length must be N*M = " + std::to_string(n * m) + " (got " + std::to_string(out.size) + ")");
  spatial::boxIou3dMatrix(a.data, n, b.data, m, out.data);
  return env.Undefined();
}

void registerBoxIou(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<BoxIou3d>(env, exports, "boxIou3d");
  addon::exportFunction<BoxIou3dMatrix>(env, exports, "boxIou3dMatrix");
}

}  // namespace

SPATIAL_ADDON_MODULE(registerBoxIou);
