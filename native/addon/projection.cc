// Bindings of projection, visibility and depth back-projection (spatial_geom/projection.h):
// projectPoints, visibleSets[Async], visibleSetsStoredAsync, depthFromStored, correspondences, backprojectDepth. Convert and validate only;
// declared in lib/native.ts.
#include <napi.h>

#include <algorithm>
#include <memory>
#include <type_traits>

#include "async.h"
#include "convert.h"
#include "registry.h"

namespace {

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

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

spatial::VisibilityOptions visibilityOptions(const Napi::CallbackInfo& info, size_t nearArg, size_t tolArg) {
  spatial::VisibilityOptions o;
  o.nearPlane = addon::finiteNumber(info.Env(), info[nearArg], "opts.near");
  o.tolerance = addon::finiteNumber(info.Env(), info[tolArg], "opts.tolerance");
  spatial::checkVisibilityOptions(o);
  return o;
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
  return addon::indexSetsToJs(info.Env(), job.result);
}

Napi::Value finishVisibility(Napi::Env env, VisibilityJob& job) { return addon::indexSetsToJs(env, job.result); }

Napi::Value VisibleSetsAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<VisibilityJob, finishVisibility>::start(info, "visibleSetsAsync", visibilityJob);
}

// Visibility from stored 16-bit depth samples and their scale (units per metre): the job converts
// them to metres with spatial::depthFromStored on the thread pool, then runs the same kernel, so
// the sets equal visibleSets' on readDepthPng's float maps and no per-pixel loop runs in JS.
struct StoredVisibilityJob {
  addon::PointsArg pts;
  std::vector<spatial::Camera> cams;
  std::vector<addon::Span<uint16_t>> stored;
  double scale = 1;
  spatial::VisibilityOptions opts;
  std::vector<std::vector<uint32_t>> result;

  // One frame at a time through one reused metres buffer: a fresh float map per frame (32 x 1.2 MB
  // a batch at 640x480) cost more in page faults and zero-filling than the conversion and the
  // kernel together (perf: memset + kernel page faults were ~50 % of the visibility stage).
  // Visibility is per frame, so the sets are those of one call over the batch.
  void run() {
    size_t largest = 0;
    for (const auto& s : stored) largest = std::max(largest, s.size);
    std::unique_ptr<float[]> metres(new float[largest]);  // every sample is written before it is read
    result.clear();
    result.reserve(stored.size());
    for (size_t f = 0; f < stored.size(); ++f) {
      spatial::depthFromStored(stored[f].data, stored[f].size, scale, metres.get());
      const spatial::DepthView depth{metres.get(), cams[f].k.width, cams[f].k.height};
      auto sets = pts.isDouble ? spatial::visibleSets(static_cast<const double*>(pts.data), pts.n, &cams[f], &depth, 1, opts)
                               : spatial::visibleSets(static_cast<const float*>(pts.data), pts.n, &cams[f], &depth, 1, opts);
      result.push_back(std::move(sets[0]));
    }
  }
};

StoredVisibilityJob storedVisibilityJob(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  requireArgs(info, 6, fn);
  StoredVisibilityJob job;
  job.pts = addon::points(env, info[0]);
  job.cams = addon::cameras(env, info[1]);
  if (!info[2].IsArray()) throwJs(env, ErrorCode::Type, "Expected an Array of Uint16Array for depths but received " + addon::describe(info[2]));
  const auto arr = info[2].As<Napi::Array>();
  if (arr.Length() != job.cams.size())
    throwJs(env, ErrorCode::Shape, "depths.length must equal cameras.length (" + std::to_string(job.cams.size()) + "), got " + std::to_string(arr.Length()));
  for (uint32_t f = 0; f < arr.Length(); ++f) {
    const std::string what = "depths[" + std::to_string(f) + "]";
    const auto d = addon::uint16Array(env, arr.Get(f), what);
    const size_t expected = size_t(job.cams[f].k.width) * job.cams[f].k.height;
    if (d.size != expected)
      throwJs(env, ErrorCode::Shape, what + ".length must be width*height = " + std::to_string(expected) + " of cameras[" + std::to_string(f) + "] (got " + std::to_string(d.size) + ")");
    job.stored.push_back(d);
  }
  job.scale = addon::finiteNumber(env, info[3], "scale");
  spatial::checkDepthScale(job.scale);
  job.opts = visibilityOptions(info, 4, 5);
  return job;
}

Napi::Value finishStoredVisibility(Napi::Env env, StoredVisibilityJob& job) { return addon::indexSetsToJs(env, job.result); }

// visibleSetsStoredAsync(points, cameras, depths: Uint16Array[], scale, near, tolerance): Promise<Uint32Array[]>
Napi::Value VisibleSetsStoredAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<StoredVisibilityJob, finishStoredVisibility>::start(info, "visibleSetsStoredAsync", storedVisibilityJob);
}

// depthFromStored(stored: Uint16Array, scale, out: Float32Array(stored.length)): undefined
Napi::Value DepthFromStored(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 3, "depthFromStored");
  const auto stored = addon::uint16Array(env, info[0], "stored");
  const double scale = addon::finiteNumber(env, info[1], "scale");
  const auto out = addon::float32Array(env, info[2], "out");
  if (out.size != stored.size) throwJs(env, ErrorCode::Shape, "out.length must equal stored.length = " + std::to_string(stored.size) + " (got " + std::to_string(out.size) + ")");
  spatial::depthFromStored(stored.data, stored.size, scale, out.data);
  return env.Undefined();
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
  const auto depth = addon::depthMap(env, info[0], cams[0], "depth.data", "camera");
  const int32_t stride = static_cast<int32_t>(addon::integer(env, info[2], 1, 1 << 20, "opts.stride"));
  spatial::checkBackprojectArgs(depth, cams[0], stride);
  std::vector<float> out(3 * spatial::backprojectCount(depth, stride));
  spatial::backprojectDepth(depth, cams[0], stride, out.data());
  return addon::adoptFloat32(env, std::move(out));
}

void registerProjection(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<ProjectPoints>(env, exports, "projectPoints");
  addon::exportFunction<VisibleSets>(env, exports, "visibleSets");
  addon::exportFunction<VisibleSetsAsync>(env, exports, "visibleSetsAsync");
  addon::exportFunction<VisibleSetsStoredAsync>(env, exports, "visibleSetsStoredAsync");
  addon::exportFunction<DepthFromStored>(env, exports, "depthFromStored");
  addon::exportFunction<Correspondences>(env, exports, "correspondences");
  addon::exportFunction<BackprojectDepth>(env, exports, "backprojectDepth");
}
SPATIAL_ADDON_MODULE(registerProjection);

}  // namespace
