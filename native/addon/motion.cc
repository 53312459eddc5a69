// Bindings of the rigid-body segmentation kernels (native/core/src/motion.cpp): convert and
// validate only. Shapes: tracks T x N x 3 (frame-major), condensed distances N(N-1)/2.
#include <napi.h>

#include <string>
#include <vector>

#include "async.h"
#include "convert.h"
#include "registry.h"

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

namespace {

struct TracksArg {
  addon::PointsArg pts;
  size_t frames, n;
};

// tracks (Float32Array | Float64Array of 3*T*N) and frames T >= 1.
TracksArg tracksArg(Napi::Env env, const Napi::CallbackInfo& info) {
  TracksArg a{addon::points(env, info[0], "tracks"), 0, 0};
  a.frames = static_cast<size_t>(addon::integer(env, info[1], 1, 1 << 30, "frames"));
  if (a.pts.n % a.frames != 0)
    throwJs(env, ErrorCode::Shape, "tracks.length must be 3 * frames * N (got " + std::to_string(3 * a.pts.n) + " for " +
                                       std::to_string(a.frames) + " frames)");
  a.n = a.pts.n / a.frames;
  return a;
}

size_t pairCount(size_t n) { return n < 2 ? 0 : n * (n - 1) / 2; }

void distanceChange(const TracksArg& t, double smoothing, double* out) {
  if (t.pts.isDouble) spatial::trackDistanceChange(static_cast<const double*>(t.pts.data), t.frames, t.n, smoothing, out);
  else spatial::trackDistanceChange(static_cast<const float*>(t.pts.data), t.frames, t.n, smoothing, out);
}

// trackDistanceChange(tracks, frames, smoothing, out: Float64Array(N(N-1)/2)): undefined
Napi::Value TrackDistanceChange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "trackDistanceChange");
  const auto t = tracksArg(env, info);
  const double smoothing = addon::finiteNumber(env, info[2], "smoothing");
  const auto out = addon::float64Array(env, info[3], "out");
  if (out.size != pairCount(t.n))
    throwJs(env, ErrorCode::Shape, "out.length must be N(N-1)/2 = " + std::to_string(pairCount(t.n)) + " (got " + std::to_string(out.size) + ")");
  distanceChange(t, smoothing, out.data);
  return env.Undefined();
}

// averageLinkageCut(condensed: Float64Array, n, cut, labels: Int32Array(n)): number of clusters.
// Works on a copy: the caller's distances are left as they were.
Napi::Value AverageLinkageCut(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 4, "averageLinkageCut");
  const auto d = addon::float64Array(env, info[0], "condensed");
  const auto n = static_cast<size_t>(addon::integer(env, info[1], 0, 1 << 30, "n"));
  const double cut = addon::finiteNumber(env, info[2], "cut");
  const auto labels = addon::int32Array(env, info[3], "labels");
  if (d.size != pairCount(n))
    throwJs(env, ErrorCode::Shape, "condensed.length must be n(n-1)/2 = " + std::to_string(pairCount(n)) + " (got " + std::to_string(d.size) + ")");
  if (labels.size != n) throwJs(env, ErrorCode::Shape, "labels.length must be n = " + std::to_string(n) + " (got " + std::to_string(labels.size) + ")");
  std::vector<double> scratch(d.data, d.data + d.size);
  return Napi::Number::New(env, static_cast<double>(spatial::averageLinkageCut(scratch.data(), n, cut, labels.data)));
}

// Both steps with the N(N-1)/2 matrix held only inside the call.
struct SegmentationJob {
  TracksArg tracks;
  double smoothing, cut;
  int32_t* labels;
  size_t clusters = 0;
  void run() {
    std::vector<double> d(pairCount(tracks.n));
    distanceChange(tracks, smoothing, d.data());
    clusters = spatial::averageLinkageCut(d.data(), tracks.n, cut, labels);
  }
};

SegmentationJob segmentationJob(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  requireArgs(info, 5, fn);
  SegmentationJob job{tracksArg(env, info), addon::finiteNumber(env, info[2], "smoothing"), addon::finiteNumber(env, info[3], "cut"), nullptr};
  const auto labels = addon::int32Out(env, info[4], "labels");
  if (labels.size != job.tracks.n)
    throwJs(env, ErrorCode::Shape, "labels.length must be N = " + std::to_string(job.tracks.n) + " (got " + std::to_string(labels.size) + ")");
  job.labels = labels.data;
  return job;
}

Napi::Value finishSegmentation(Napi::Env env, SegmentationJob& job) { return Napi::Number::New(env, static_cast<double>(job.clusters)); }

// rigidSegmentation(tracks, frames, smoothing, cut, labels: Int32Array(N)): number of clusters
Napi::Value RigidSegmentation(const Napi::CallbackInfo& info) {
  auto job = segmentationJob(info, "rigidSegmentation");
  job.run();
  return finishSegmentation(info.Env(), job);
}

// rigidSegmentationAsync(...same): Promise<number>
Napi::Value RigidSegmentationAsync(const Napi::CallbackInfo& info) {
  return addon::PromiseWorker<SegmentationJob, finishSegmentation>::start(info, "rigidSegmentationAsync", segmentationJob);
}

void registerMotion(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<TrackDistanceChange>(env, exports, "trackDistanceChange");
  addon::exportFunction<AverageLinkageCut>(env, exports, "averageLinkageCut");
  addon::exportFunction<RigidSegmentation>(env, exports, "rigidSegmentation");
  addon::exportFunction<RigidSegmentationAsync>(env, exports, "rigidSegmentationAsync");
}

}  // namespace

SPATIAL_ADDON_MODULE(registerMotion);
