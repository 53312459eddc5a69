// Bindings of the resampling kernels (native/core/include/spatial_geom/resample.h): validate and
// convert the TypedArrays, then call the core. Declared for TypeScript in lib/native.ts.
//
//   resampleImage(src: Uint8Array, srcWidth, srcHeight, channels, dst: Uint8Array, dstWidth, dstHeight,
//                 map: Float64Array(4) [scaleX, offsetX, scaleY, offsetY], fill: Uint8Array(channels)): undefined
//   resampleDepth(src: Float32Array, srcWidth, srcHeight, dst: Float32Array, dstWidth, dstHeight, map): undefined
//   resampleIds(src: Uint16Array, srcWidth, srcHeight, dst: Uint16Array, dstWidth, dstHeight, map): undefined
#include <napi.h>

#include <cstdint>
#include <string>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/resample.h"

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

namespace {


int32_t side(const Napi::CallbackInfo& info, size_t at, const char* what) {
  return static_cast<int32_t>(addon::integer(info.Env(), info[at], 1, spatial::kMaxImageSide, what));
}

// Reads (srcW, srcH) at `at`, (dstW, dstH) at `dstAt` and the map at `mapAt`, validated by the core.
spatial::ResampleGeometry geometry(const Napi::CallbackInfo& info, size_t at, size_t dstAt, size_t mapAt) {
  Napi::Env env = info.Env();
  spatial::ResampleGeometry g{};
  g.srcWidth = side(info, at, "source width");
  g.srcHeight = side(info, at + 1, "source height");
  g.dstWidth = side(info, dstAt, "destination width");
  g.dstHeight = side(info, dstAt + 1, "destination height");
  const auto m = addon::float64Array(env, info[mapAt], "map");
  if (m.size != 4) throwJs(env, ErrorCode::Shape, "map must hold 4 values scaleX, offsetX, scaleY, offsetY (got " + std::to_string(m.size) + ")");
  g.x = spatial::AxisMap{m.data[0], m.data[1]};
  g.y = spatial::AxisMap{m.data[2], m.data[3]};
  spatial::checkResampleGeometry(g);
  return g;
}

template <typename T>
void checkBuffers(Napi::Env env, const addon::Span<T>& src, const addon::Span<T>& dst, size_t srcLen, size_t dstLen) {
  if (src.size != srcLen)
    throwJs(env, ErrorCode::Shape, "src.length must be " + std::to_string(srcLen) + " (got " + std::to_string(src.size) + ")");
  if (dst.size != dstLen)
    throwJs(env, ErrorCode::Shape, "dst.length must be " + std::to_string(dstLen) + " (got " + std::to_string(dst.size) + ")");
  // The kernels read src while writing dst (restrict pointers): overlapping views would corrupt both.
  const auto* s = reinterpret_cast<const uint8_t*>(src.data);
  const auto* d = reinterpret_cast<const uint8_t*>(dst.data);
  if (s < d + dstLen * sizeof(T) && d < s + srcLen * sizeof(T))
    throwJs(env, ErrorCode::Shape, "dst must not share memory with src");
}

Napi::Value ResampleImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 9, "resampleImage");
  const auto src = addon::uint8Array(env, info[0], "src");
  const int32_t channels = static_cast<int32_t>(addon::integer(env, info[3], 1, 4, "channels"));
  if (channels == 2) throwJs(env, ErrorCode::Shape, "channels must be 1, 3 or 4 (got 2)");
  const auto dst = addon::uint8Array(env, info[4], "dst");
  const auto g = geometry(info, 1, 5, 7);
  const auto fill = addon::uint8Array(env, info[8], "fill");
  if (fill.size != size_t(channels))
    throwJs(env, ErrorCode::Shape, "fill.length must equal channels = " + std::to_string(channels) + " (got " + std::to_string(fill.size) + ")");
  checkBuffers(env, src, dst, size_t(g.srcWidth) * g.srcHeight * channels, size_t(g.dstWidth) * g.dstHeight * channels);
  spatial::resampleImage(src.data, channels, dst.data, g, fill.data);
  return env.Undefined();
}

Napi::Value ResampleDepth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 7, "resampleDepth");
  const auto src = addon::float32Array(env, info[0], "src");
  const auto dst = addon::float32Array(env, info[3], "dst");
  const auto g = geometry(info, 1, 4, 6);
  checkBuffers(env, src, dst, size_t(g.srcWidth) * g.srcHeight, size_t(g.dstWidth) * g.dstHeight);
  spatial::resampleDepth(src.data, dst.data, g);
  return env.Undefined();
}

Napi::Value ResampleIds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 7, "resampleIds");
  const auto src = addon::uint16Array(env, info[0], "src");
  const auto dst = addon::uint16Array(env, info[3], "dst");
  const auto g = geometry(info, 1, 4, 6);
  checkBuffers(env, src, dst, size_t(g.srcWidth) * g.srcHeight, size_t(g.dstWidth) * g.dstHeight);
  spatial::resampleIds(src.data, dst.data, g);
  return env.Undefined();
}

void registerResample(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<ResampleImage>(env, exports, "resampleImage");
  addon::exportFunction<ResampleDepth>(env, exports, "resampleDepth");
  addon::exportFunction<ResampleIds>(env, exports, "resampleIds");
}
SPATIAL_ADDON_MODULE(registerResample);

}  // namespace
