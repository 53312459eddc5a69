// Helpers shared by the binding files: error translation and promise-returning workers.
#pragma once

#include <napi.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
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

// The memory an async job reads and writes, owned by the job.
//
// Node-API cannot pin an ArrayBuffer: while a job runs on the thread pool, JS may detach (transfer)
// any buffer it was given, after which V8 frees that memory and reuses it for other arrays. So an
// async job never touches a caller's buffer off the JS thread: while its arguments are converted
// (PromiseWorker::start installs the storage with ConvertingInto), convert.cc copies every input
// TypedArray in here and gives every output ("out") TypedArray native memory here, preloaded with
// its current contents. When the job is done, deliver() copies the outputs into the caller's views
// on the JS thread, only if every one is still attached and as long as it was; otherwise it writes
// none and throws ERR_SPATIAL_IO naming the view.
//
// SharedArrayBuffer-backed views are copied too, though they cannot be detached: another thread may
// write them while the job runs, and the kernels trust what they validated (an overlap kernel sizes
// its bitsets from the sets' last index), so a job must own the bytes it validated.
class JobStorage {
 public:
  // A job-owned copy of `bytes` at `data`; the same (data, bytes) twice gives one copy.
  const void* input(const void* data, size_t bytes);
  // Job-owned memory standing in for the output TypedArray `view` (`bytes` at `data`).
  void* output(const Napi::Value& view, void* data, size_t bytes, const std::string& what);
  // On the JS thread, after the job: copies the outputs into their views, or throws spatial::Error
  // (IO) and copies none if a view was detached or resized meanwhile. `fn` names the call.
  void deliver(const std::string& fn);
  size_t bytesCopied() const { return copied_; }

 private:
  // Memory from a process-wide cache of freed job blocks (async.cc): a fresh multi-megabyte
  // allocation costs more in page faults than the copy into it.
  class Block {
   public:
    explicit Block(size_t bytes);
    ~Block();
    Block(Block&& o) noexcept : data_(std::exchange(o.data_, nullptr)), capacity_(o.capacity_) {}
    Block& operator=(Block&&) = delete;
    std::byte* data() const { return data_; }

   private:
    std::byte* data_;
    size_t capacity_;
  };
  std::byte* allocate(size_t bytes);
  struct Output {
    Napi::ObjectReference view;
    std::byte* data;
    size_t bytes;
    std::string what;
  };
  std::vector<Block> blocks_;
  std::map<std::pair<const void*, size_t>, const void*> inputs_;
  std::vector<Output> outputs_;
  size_t copied_ = 0;
};

// The storage that conversions on this (JS) thread copy into, or nullptr: a synchronous call reads
// and writes the caller's memory directly (zero copy: nothing else runs until it returns).
JobStorage* convertingInto();

// Routes conversions into `storage` for its lifetime (the job-building part of an async call).
class ConvertingInto {
 public:
  explicit ConvertingInto(JobStorage& storage);
  ~ConvertingInto();
  ConvertingInto(const ConvertingInto&) = delete;
  ConvertingInto& operator=(const ConvertingInto&) = delete;

 private:
  JobStorage* previous_;
};

// Runs job.run() on libuv's thread pool and settles a promise with Finish(env, job). The job is
// built by `build(info, fn)`, the same converter the synchronous binding uses; here its inputs are
// copied into job-owned memory and its outputs delivered at the end (JobStorage), so whatever JS
// does with the argument buffers meanwhile, the job never reads or writes freed memory.
template <typename Job, Napi::Value (*Finish)(Napi::Env, Job&)>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Build = Job (*)(const Napi::CallbackInfo&, const char*);

  // Converts the arguments, queues the job and returns its promise (the worker deletes itself when
  // done). Validation errors throw synchronously, as in the synchronous binding.
  static Napi::Value start(const Napi::CallbackInfo& info, const char* fn, Build build) {
    auto storage = std::make_unique<JobStorage>();
    Job job = [&] {
      ConvertingInto scope(*storage);
      return build(info, fn);
    }();
    auto* worker = new PromiseWorker(info.Env(), std::move(job), std::move(storage), fn);
    Napi::Promise p = worker->deferred_.Promise();
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
  void OnOK() override {
    try {
      storage_->deliver(fn_);
    } catch (const spatial::Error& e) {
      deferred_.Reject(makeJsError(Env(), e.code(), e.what()).Value());
      return;
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    }
    deferred_.Resolve(Finish(Env(), job_));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(makeJsError(Env(), code_, e.Message()).Value()); }

 private:
  PromiseWorker(Napi::Env env, Job&& job, std::unique_ptr<JobStorage> storage, const char* fn)
      : Napi::AsyncWorker(env), job_(std::move(job)), storage_(std::move(storage)), fn_(fn),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Job job_;
  std::unique_ptr<JobStorage> storage_;  // what job_'s pointers point into
  std::string fn_;
  Napi::Promise::Deferred deferred_;
  spatial::ErrorCode code_ = spatial::ErrorCode::Shape;
};

}  // namespace addon
