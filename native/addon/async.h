// Helpers shared by the binding files: error translation and promise-returning workers.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "convert.h"

namespace addon {

// Wraps a binding so core errors (thrown before any memory is touched) become JS errors with a code.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return Fn(info);
  } catch (const spatial::Error& e) {
    throwJs(info.Env(), e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throwJs(info.Env(), spatial::ErrorCode::Shape, "out of memory: the inputs are too large for this machine");
  }
}

template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<guarded<Fn>>(env, name));
}

inline void requireArgs(const Napi::CallbackInfo& info, size_t n, const char* fn) {
  if (info.Length() < n)
    throwJs(info.Env(), spatial::ErrorCode::Type,
            std::string(fn) + " expects " + std::to_string(n) + " arguments (got " + std::to_string(info.Length()) + ")");
}

// Runs job.run() on libuv's thread pool and settles a promise with Finish(env, job). The JS
// arguments stay referenced (not collected) until the promise settles.
template <typename Job, Napi::Value (*Finish)(Napi::Env, Job&)>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, Job&& job, const Napi::CallbackInfo& info)
      : Napi::AsyncWorker(env), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {
    for (size_t i = 0; i < info.Length(); ++i)
      if (info[i].IsObject()) keep_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  // Queues the job and returns its promise (the worker deletes itself when done).
  static Napi::Value start(Napi::Env env, Job&& job, const Napi::CallbackInfo& info) {
    auto* worker = new PromiseWorker(env, std::move(job), info);
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  }

 protected:
  void Execute() override {
    try {
      job_.run();
    } catch (const spatial::Error& e) {
      code_ = e.code();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      SetError("out of memory: the inputs are too large for this machine");
    }
  }
  void OnOK() override { deferred_.Resolve(Finish(Env(), job_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(makeJsError(Env(), code_, e.Message()).Value()); }

 private:
  Job job_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> keep_;
  spatial::ErrorCode code_ = spatial::ErrorCode::Shape;
};

}  // namespace addon
