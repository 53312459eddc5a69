// Bindings of the index-set ops (spatial_geom/sets.h): intersect, overlap, overlapMatrix[Async].
// Convert and validate only; declared in lib/native.ts.
#include <napi.h>

#include <algorithm>

#include "async.h"
#include "convert.h"
#include "registry.h"

namespace {

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

// intersect(a, b): Uint32Array
Napi::Value Intersect(const Napi::CallbackInfo& info) {
  requireArgs(info, 2, "intersect");
  const auto a = addon::indexSet(info.Env(), info[0], "a");
  const auto b = addon::indexSet(info.Env(), info[1], "b");
  std::vector<uint32_t> out(std::min(a.size, b.size));
  out.resize(spatial::intersect(a, b, out.data()));
  return addon::adoptUint32(info.Env(), std::move(out));
}

// overlap(a, b): number (IoU)
Napi::Value Overlap(const Napi::CallbackInfo& info) {
  requireArgs(info, 2, "overlap");
  const auto a = addon::indexSet(info.Env(), info[0], "a");
  const auto b = addon::indexSet(info.Env(), info[1], "b");
  return Napi::Number::New(info.Env(), spatial::overlap(a, b));
}

struct OverlapJob {
  std::vector<spatial::IndexSet> sets;
  float* out;
  // Checks the sets' order while it reads them (a Format error names sets[i]; out is then untouched).
  void run() { spatial::checkedOverlapMatrix(sets.data(), sets.size(), out, "sets"); }
};

OverlapJob overlapJob(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  requireArgs(info, 2, fn);
  OverlapJob job;
  job.sets = addon::indexSets(env, info[0], "sets");
  const auto out = addon::float32Out(env, info[1], "out");
  const size_t m = job.sets.size();
  if (out.size != m * m)
    throwJs(env, ErrorCode::Shape, "out.length must be sets.length^2 = " + std::to_string(m * m) + " (got " + std::to_string(out.size) + ")");
  job.out = out.data;
  return job;
}

// overlapMatrix(sets, out: Float32Array(M*M)): undefined
Napi::Value OverlapMatrix(const Napi::CallbackInfo& info) {
  OverlapJob job = overlapJob(info, "overlapMatrix");
  job.run();
  return info.Env().Undefined();
}

Napi::Value finishOverlap(Napi::Env env, OverlapJob&) { return env.Undefined(); }

Napi::Value OverlapMatrixAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<OverlapJob, finishOverlap>::start(info, "overlapMatrixAsync", overlapJob);
}

void registerSets(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<Intersect>(env, exports, "intersect");
  addon::exportFunction<Overlap>(env, exports, "overlap");
  addon::exportFunction<OverlapMatrix>(env, exports, "overlapMatrix");
  addon::exportFunction<OverlapMatrixAsync>(env, exports, "overlapMatrixAsync");
}
SPATIAL_ADDON_MODULE(registerSets);

}  // namespace
