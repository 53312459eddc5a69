// node-addon-api bindings of the geometry core. Each function converts and validates its
// arguments (convert.h), calls the core, and returns TypedArrays that own the core's output.
// The raw interface is declared for TypeScript in lib/native.ts.
#include <napi.h>

#include <memory>

#include "async.h"
#include "convert.h"
#include "registry.h"

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

namespace {

spatial::DepthView depthMap(Napi::Env env, const Napi::Value& v, const spatial::Camera& cam, const std::string& what,
                            const std::string& camWhat) {
  const auto d = addon::float32Array(env, v, what);
  const size_t expected = size_t(cam.k.width) * cam.k.height;
  if (d.size != expected)
    throwJs(env, ErrorCode::Shape, what + ".length must be width*height = " + std::to_string(expected) + " of " + camWhat +
                                       " (got " + std::to_string(d.size) + ")");
  return spatial::DepthView{d.data, cam.k.width, cam.k.height};
}

std::vector<spatial::DepthView> depthMaps(Napi::Env env, const Napi::Value& v, const std::vector<spatial::Camera>& cams) {
  if (!v.IsArray()) throwJs(env, ErrorCode::Type, "Expected an Array of Float32Array for depths but received " + addon::describe(v));
  const auto arr = v.As<Napi::Array>();
  if (arr.Length() != cams.size())
    throwJs(env, ErrorCode::Shape, "depths.length must equal cameras.length (" + std::to_string(cams.size()) + "), got " +
                                       std::to_string(arr.Length()));
  std::vector<spatial::DepthView> out(cams.size());
  for (uint32_t f = 0; f < arr.Length(); ++f)
    out[f] = depthMap(env, arr.Get(f), cams[f], "depths[" + std::to_string(f) + "]", "cameras[" + std::to_string(f) + "]");
  return out;
}

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

// projectPoints(points, cameras, uv: Float32Array(2FN), depth: Float32Array(FN)): undefined
Napi::Value ProjectPoints(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "projectPoints");
  const auto pts = addon::points(env, info[0]);
  const auto cams = addon::cameras(env, info[1]);
  const auto uv = addon::float32Array(env, info[2], "out.uv");
  const auto depth = addon::float32Array(env, info[3], "out.depth");
  const size_t fn = pts.n * cams.size();
  if (uv.size != 2 * fn) throwJs(env, ErrorCode::Shape, "out.uv.length must be 2*frames*N = " + std::to_string(2 * fn) + " (got " + std::to_string(uv.size) + ")");
  if (depth.size != fn) throwJs(env, ErrorCode::Shape, "out.depth.length must be frames*N = " + std::to_string(fn) + " (got " + std::to_string(depth.size) + ")");
  if (fn == 0) return env.Undefined();
  if (pts.isDouble)
    spatial::projectPoints(static_cast<const double*>(pts.data), pts.n, cams.data(), cams.size(), uv.data, depth.data);
  else
    spatial::projectPoints(static_cast<const float*>(pts.data), pts.n, cams.data(), cams.size(), uv.data, depth.data);
  return env.Undefined();
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
  job.depths = depthMaps(env, info[2], job.cams);
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

// correspondences(points, cameras (2 packed), setA, setB): { index, uvA, uvB, depthA, depthB }
Napi::Value Correspondences(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "correspondences");
  const auto pts = addon::points(env, info[0]);
  const auto cams = addon::cameras(env, info[1]);
  if (cams.size() != 2) throwJs(env, ErrorCode::Shape, "cameras must hold exactly 2 packed cameras (got " + std::to_string(cams.size()) + ")");
  const auto a = addon::indexSet(env, info[2], "setA");
  const auto b = addon::indexSet(env, info[3], "setB");
  for (const auto& [s, name] : {std::make_pair(a, "setA"), std::make_pair(b, "setB")})
    if (s.size && s.data[s.size - 1] >= pts.n)
      throwJs(env, ErrorCode::Shape, std::string(name) + " holds index " + std::to_string(s.data[s.size - 1]) +
                                         " but points has only " + std::to_string(pts.n) + " points");
  std::vector<uint32_t> index(std::min(a.size, b.size));
  index.resize(spatial::intersect(a, b, index.data()));
  const size_t k = index.size();
  std::vector<float> uv(4 * k), depth(2 * k);
  if (k) {
    auto gatherAndProject = [&](auto* src) {
      using Real = std::remove_const_t<std::remove_pointer_t<decltype(src)>>;
      std::vector<Real> sub(3 * k);
      for (size_t i = 0; i < k; ++i)
        for (int c = 0; c < 3; ++c) sub[3 * i + c] = src[3 * size_t(index[i]) + c];
      spatial::projectPoints(sub.data(), k, cams.data(), 2, uv.data(), depth.data());
    };
    if (pts.isDouble) gatherAndProject(static_cast<const double*>(pts.data));
    else gatherAndProject(static_cast<const float*>(pts.data));
  }
  Napi::Object out = Napi::Object::New(env);
  auto uvAll = addon::adoptFloat32(env, std::move(uv));
  auto depthAll = addon::adoptFloat32(env, std::move(depth));
  out.Set("index", addon::adoptUint32(env, std::move(index)));
  out.Set("uvA", Napi::Float32Array::New(env, 2 * k, uvAll.ArrayBuffer(), 0));
  out.Set("uvB", Napi::Float32Array::New(env, 2 * k, uvAll.ArrayBuffer(), 2 * k * sizeof(float)));
  out.Set("depthA", Napi::Float32Array::New(env, k, depthAll.ArrayBuffer(), 0));
  out.Set("depthB", Napi::Float32Array::New(env, k, depthAll.ArrayBuffer(), k * sizeof(float)));
  return out;
}

// backprojectDepth(depth: Float32Array(W*H), camera (1 packed), stride): Float32Array(3K)
Napi::Value BackprojectDepth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 3, "backprojectDepth");
  const auto cams = addon::cameras(env, info[1], "camera");
  if (cams.size() != 1) throwJs(env, ErrorCode::Shape, "camera must hold exactly 1 packed camera (got " + std::to_string(cams.size()) + ")");
  const auto depth = depthMap(env, info[0], cams[0], "depth.data", "camera");
  const int32_t stride = static_cast<int32_t>(addon::integer(env, info[2], 1, 1 << 20, "opts.stride"));
  spatial::checkBackprojectArgs(depth, cams[0], stride);
  std::vector<float> out(3 * spatial::backprojectCount(depth, stride));
  spatial::backprojectDepth(depth, cams[0], stride, out.data());
  return addon::adoptFloat32(env, std::move(out));
}

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

void registerGeometry(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<ProjectPoints>(env, exports, "projectPoints");
  addon::exportFunction<VisibleSets>(env, exports, "visibleSets");
  addon::exportFunction<VisibleSetsAsync>(env, exports, "visibleSetsAsync");
  addon::exportFunction<Intersect>(env, exports, "intersect");
  addon::exportFunction<Overlap>(env, exports, "overlap");
  addon::exportFunction<OverlapMatrix>(env, exports, "overlapMatrix");
  addon::exportFunction<OverlapMatrixAsync>(env, exports, "overlapMatrixAsync");
  addon::exportFunction<Correspondences>(env, exports, "correspondences");
  addon::exportFunction<BackprojectDepth>(env, exports, "backprojectDepth");
  addon::exportFunction<RayGrid>(env, exports, "rayGrid");
  addon::exportFunction<RayEmbedding>(env, exports, "rayEmbedding");
  addon::exportFunction<Info>(env, exports, "info");
  addon::exportFunction<Configure>(env, exports, "configure");
}
SPATIAL_ADDON_MODULE(registerGeometry);

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Pick the SIMD level now (CPUID, env SPATIAL_GEOM_SIMD): a request the CPU cannot honour makes
  // require() itself fail with the coded error (ERR_SPATIAL_SHAPE), which lib/native.ts passes on.
  try {
    spatial::simdLevel();
  } catch (const spatial::Error& e) {
    addon::throwJs(env, e.code(), e.what());
  }
  for (auto registrar : addon::registrars()) registrar(env, exports);
  return exports;
}

NODE_API_MODULE(spatial_geom, Init)
