// Bindings of the backend controls (spatial_geom/backend.h, parallel.h, simd_level.h): info,
// configure. Convert and validate only; declared in lib/native.ts.
#include <napi.h>

#include <string>

#include "async.h"
#include "convert.h"
#include "registry.h"

namespace {

using addon::throwJs;
using spatial::ErrorCode;

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto cuda = spatial::cudaStatus();
  // Throws (ERR_SPATIAL_SHAPE) while SPATIAL_GEOM_SIMD holds an invalid request (loading the addon
  // already failed with that error; this covers a caller that kept the failed module somehow).
  const spatial::SimdLevel level = spatial::simdLevel();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", SPATIAL_GEOM_VERSION);
  o.Set("backend", spatial::activeBackend() == spatial::Backend::Cuda ? "cuda" : "cpu");
  o.Set("threads", spatial::threadCount());
  o.Set("parallelThreshold", double(spatial::parallelThreshold()));
  o.Set("simd", spatial::simdLevelName(level));
  const auto& levels = spatial::supportedSimdLevels();
  Napi::Array simdLevels = Napi::Array::New(env, levels.size());
  for (size_t i = 0; i < levels.size(); ++i) simdLevels.Set(uint32_t(i), spatial::simdLevelName(levels[i]));
  o.Set("simdLevels", simdLevels);
  Napi::Object c = Napi::Object::New(env);
  c.Set("compiled", cuda.compiled);
  c.Set("available", cuda.available);
  if (cuda.available) c.Set("device", cuda.device);
  else c.Set("reason", cuda.reason);
  o.Set("cuda", c);
  return o;
}

// configure(threads: number | undefined, backend: 'auto' | 'cpu' | 'cuda' | undefined, threshold?,
//           simd?: 'baseline' | 'avx2' | 'avx512')
Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // The SIMD level first: a bad one (unknown, or above this CPU's) then changes nothing.
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    if (!info[3].IsString())
      throwJs(env, ErrorCode::Type, "Expected 'baseline', 'avx2' or 'avx512' for opts.simd but received " + addon::describe(info[3]));
    const std::string name = info[3].As<Napi::String>().Utf8Value();
    spatial::setSimdLevel(spatial::parseSimdLevel(name, "opts.simd"), "opts.simd");
  }
  if (info.Length() > 0 && !info[0].IsUndefined())
    spatial::setThreadCount(static_cast<int>(addon::integer(env, info[0], 0, 1024, "opts.threads")));
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsString()) throwJs(env, ErrorCode::Type, "Expected 'auto', 'cpu' or 'cuda' for opts.backend but received " + addon::describe(info[1]));
    const std::string b = info[1].As<Napi::String>().Utf8Value();
    if (b == "auto") spatial::setBackendPreference(spatial::BackendPreference::Auto);
    else if (b == "cpu") spatial::setBackendPreference(spatial::BackendPreference::Cpu);
    else if (b == "cuda") spatial::setBackendPreference(spatial::BackendPreference::Cuda);
    else throwJs(env, ErrorCode::Shape, "opts.backend must be 'auto', 'cpu' or 'cuda' (got '" + b + "')");
  }
  if (info.Length() > 2 && !info[2].IsUndefined())
    spatial::setParallelThreshold(static_cast<size_t>(addon::integer(env, info[2], 0, int64_t(1) << 50, "opts.parallelThreshold")));
  return Info(info);
}

void registerBackend(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<Info>(env, exports, "info");
  addon::exportFunction<Configure>(env, exports, "configure");
}
SPATIAL_ADDON_MODULE(registerBackend);

}  // namespace
