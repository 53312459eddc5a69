// Bindings of space-aware frame sampling (voxel.h) and Sim(3) alignment (align.h). Validation and
// conversion only; the raw interface is declared in lib/native.ts.
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/align.h"
#include "spatial_geom/voxel.h"

namespace {

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

struct SelectJob {
  std::vector<spatial::PointMapView> maps;
  size_t k = 0;
  spatial::VoxelCoverageOptions opts;
  spatial::VoxelCoverageResult result;
  void run() { result = spatial::voxelCoverageSelect(maps.data(), maps.size(), k, opts); }
};

SelectJob selectJob(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  requireArgs(info, 5, fn);
  SelectJob job;
  if (!info[0].IsArray())
    throwJs(env, ErrorCode::Type, "Expected an Array of Float32Array or Float64Array for pointMaps but received " + addon::describe(info[0]));
  const auto maps = info[0].As<Napi::Array>();
  job.maps.resize(maps.Length());
  for (uint32_t f = 0; f < maps.Length(); ++f) {
    const std::string what = "pointMaps[" + std::to_string(f) + "]";
    const auto p = addon::points(env, maps.Get(f), what);
    if (f == 0) job.opts.isDouble = p.isDouble;
    else if (p.isDouble != job.opts.isDouble)
      throwJs(env, ErrorCode::Type, "Expected every point map to share pointMaps[0]'s element type (" +
                                        std::string(job.opts.isDouble ? "Float64Array" : "Float32Array") + ") but " + what + " is a " +
                                        (p.isDouble ? "Float64Array" : "Float32Array"));
    job.maps[f] = spatial::PointMapView{p.data, p.n, nullptr};
  }
  if (!info[1].IsUndefined()) {
    if (!info[1].IsArray())
      throwJs(env, ErrorCode::Type, "Expected an Array of Float32Array for opts.confidences but received " + addon::describe(info[1]));
    const auto conf = info[1].As<Napi::Array>();
    if (conf.Length() != maps.Length())
      throwJs(env, ErrorCode::Shape, "opts.confidences.length must equal pointMaps.length (" + std::to_string(maps.Length()) + "), got " +
                                         std::to_string(conf.Length()));
    for (uint32_t f = 0; f < conf.Length(); ++f) {
      const std::string what = "opts.confidences[" + std::to_string(f) + "]";
      const auto c = addon::float32Array(env, conf.Get(f), what);
      if (c.size != job.maps[f].n)
        throwJs(env, ErrorCode::Shape, what + ".length must equal the number of points of pointMaps[" + std::to_string(f) + "] (" +
                                           std::to_string(job.maps[f].n) + "), got " + std::to_string(c.size));
      job.maps[f].confidence = c.data;
    }
    job.opts.useConfidence = true;
  }
  job.k = static_cast<size_t>(addon::integer(env, info[2], 0, 0xffffffffll, "k"));
  job.opts.candidates = static_cast<size_t>(addon::integer(env, info[3], 1, 0xffffffffll, "opts.candidates"));
  job.opts.voxelSize = addon::finiteNumber(env, info[4], "opts.voxelSize");
  if (job.opts.voxelSize < 0)
    throwJs(env, ErrorCode::Shape, "opts.voxelSize must be a finite number > 0 (got " + addon::describe(info[4]) + ")");
  return job;
}

Napi::Float64Array float64Of(Napi::Env env, const std::vector<uint64_t>& v) {
  auto out = Napi::Float64Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
  return out;
}

Napi::Value selectionToJs(Napi::Env env, SelectJob& job) {
  auto& r = job.result;
  Napi::Object o = Napi::Object::New(env);
  o.Set("frames", addon::adoptUint32(env, std::move(r.frames)));
  o.Set("order", addon::adoptUint32(env, std::move(r.order)));
  o.Set("coverage", float64Of(env, r.coverage));
  o.Set("greedyPicks", Napi::Number::New(env, double(r.greedyPicks)));
  o.Set("voxelSize", Napi::Number::New(env, r.voxelSize));
  o.Set("totalVoxels", Napi::Number::New(env, double(r.totalVoxels)));
  o.Set("keptPoints", Napi::Number::New(env, double(r.keptPoints)));
  o.Set("confidenceThreshold", Napi::Number::New(env, r.confidenceThreshold));
  o.Set("candidates", addon::adoptUint32(env, std::move(r.candidates)));
  return o;
}

// voxelCoverageSelect(pointMaps, confidences | undefined, k, candidates, voxelSize (0 = auto))
Napi::Value VoxelCoverageSelect(const Napi::CallbackInfo& info) {
  SelectJob job = selectJob(info, "voxelCoverageSelect");
  job.run();
  return selectionToJs(info.Env(), job);
}

Napi::Value VoxelCoverageSelectAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<SelectJob, selectionToJs>::start(info, "voxelCoverageSelectAsync", selectJob);
}

// alignSim3(src, dst, withScale): { scale, rotation: Float64Array(9), translation: Float64Array(3), rmse, count }
Napi::Value AlignSim3(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 3, "alignSim3");
  const auto src = addon::points(env, info[0], "src");
  const auto dst = addon::points(env, info[1], "dst");
  if (dst.n != src.n)
    throwJs(env, ErrorCode::Shape, "dst.length must equal src.length (" + std::to_string(3 * src.n) + "), got " + std::to_string(3 * dst.n));
  if (!info[2].IsBoolean()) throwJs(env, ErrorCode::Type, "Expected a boolean for opts.withScale but received " + addon::describe(info[2]));
  const spatial::Sim3 s = spatial::alignSim3(src.data, src.isDouble, dst.data, dst.isDouble, src.n, info[2].As<Napi::Boolean>().Value());
  Napi::Object o = Napi::Object::New(env);
  auto rotation = Napi::Float64Array::New(env, 9);
  auto translation = Napi::Float64Array::New(env, 3);
  std::memcpy(rotation.Data(), s.rotation, sizeof s.rotation);
  std::memcpy(translation.Data(), s.translation, sizeof s.translation);
  o.Set("scale", s.scale);
  o.Set("rotation", rotation);
  o.Set("translation", translation);
  o.Set("rmse", s.rmse);
  o.Set("count", double(s.count));
  return o;
}

void registerSampling(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<VoxelCoverageSelect>(env, exports, "voxelCoverageSelect");
  addon::exportFunction<VoxelCoverageSelectAsync>(env, exports, "voxelCoverageSelectAsync");
  addon::exportFunction<AlignSim3>(env, exports, "alignSim3");
}
SPATIAL_ADDON_MODULE(registerSampling);

}  // namespace
