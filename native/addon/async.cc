// JobStorage: the copy-in / deliver-out memory of async jobs (see async.h).
#include "async.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <tuple>
#include <utility>

namespace addon {

namespace {
thread_local JobStorage* tlsStorage = nullptr;
constexpr size_t kAlign = 64;  // a cache line: what the SIMD kernels like their rows to start on

// Freed job blocks kept for the next jobs. Async calls tend to repeat with the same shapes (a
// pipeline's batches, a benchmark), and a block served from here is already faulted in: copying
// 12 MB of points into fresh memory took ~20 ms of page faults on a loaded 2-core machine, into
// reused memory 0.7 ms. Blocks under kMinCached come from malloc's own free lists; at most
// kMaxCached bytes are kept (oldest freed first out). Shared by every JS thread of the process.
class BlockCache {
 public:
  static constexpr size_t kMinCached = size_t(64) << 10;
  static constexpr size_t kMaxCached = size_t(256) << 20;

  static BlockCache& instance() {
    static BlockCache* cache = new BlockCache;  // never destroyed: jobs may still free at exit
    return *cache;
  }
  // Capacity of a fresh block for `bytes`: rounded up by at most ~3% (steps of bytes/64..bytes/32).
  static size_t capacityFor(size_t bytes) {
    size_t step = kAlign;
    while (step * 64 < bytes) step *= 2;
    return (bytes + step - 1) / step * step;
  }
  // A block of at least `bytes`: the smallest cached one up to 25% larger, else a fresh one.
  std::pair<std::byte*, size_t> take(size_t bytes) {
    if (bytes >= kMinCached) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto best = free_.end();
      for (auto it = free_.begin(); it != free_.end(); ++it)
        if (it->capacity >= bytes && it->capacity - bytes <= bytes / 4 && (best == free_.end() || it->capacity < best->capacity))
          best = it;
      if (best != free_.end()) {
        const Entry e = *best;
        cached_ -= e.capacity;
        free_.erase(best);
        return {e.data, e.capacity};
      }
    }
    const size_t capacity = capacityFor(bytes);
    void* p = std::aligned_alloc(kAlign, capacity);
    if (!p) throw std::bad_alloc();
    return {static_cast<std::byte*>(p), capacity};
  }
  void give(std::byte* p, size_t capacity) {
    if (capacity >= kMinCached && capacity <= kMaxCached) {
      std::lock_guard<std::mutex> lock(mutex_);
      while (cached_ + capacity > kMaxCached) {
        std::free(free_.front().data);
        cached_ -= free_.front().capacity;
        free_.pop_front();
      }
      free_.push_back({p, capacity});
      cached_ += capacity;
      return;
    }
    std::free(p);
  }

 private:
  struct Entry {
    std::byte* data;
    size_t capacity;
  };
  std::mutex mutex_;
  std::deque<Entry> free_;  // oldest first; a handful of entries (a job's inputs)
  size_t cached_ = 0;
};
}  // namespace

JobStorage* convertingInto() { return tlsStorage; }

ConvertingInto::ConvertingInto(JobStorage& storage) : previous_(tlsStorage) { tlsStorage = &storage; }
ConvertingInto::~ConvertingInto() { tlsStorage = previous_; }

JobStorage::Block::Block(size_t bytes) { std::tie(data_, capacity_) = BlockCache::instance().take(bytes); }
JobStorage::Block::~Block() {
  if (data_) BlockCache::instance().give(data_, capacity_);
}

std::byte* JobStorage::allocate(size_t bytes) {
  blocks_.emplace_back(bytes);
  return blocks_.back().data();
}

const void* JobStorage::input(const void* data, size_t bytes) {
  if (!data || bytes == 0) return data;
  const auto key = std::make_pair(data, bytes);
  if (auto it = inputs_.find(key); it != inputs_.end()) return it->second;
  std::byte* copy = allocate(bytes);
  std::memcpy(copy, data, bytes);
  copied_ += bytes;
  inputs_.emplace(key, copy);
  return copy;
}

void* JobStorage::output(const Napi::Value& view, void* data, size_t bytes, const std::string& what) {
  std::byte* own = bytes ? allocate(bytes) : nullptr;
  if (bytes) std::memcpy(own, data, bytes);  // kernels that only write part of out leave the rest as it was
  copied_ += bytes;
  outputs_.push_back(Output{Napi::Persistent(view.As<Napi::Object>()), own, bytes, what});
  return own;
}

void JobStorage::deliver(const std::string& fn) {
  // Checks every view first, then writes: all outputs are delivered or none.
  std::vector<std::byte*> targets(outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const Output& o = outputs_[i];
    const Napi::Value view = o.view.Value();
    const napi_env env = view.Env();
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value buffer;
    bool detached = false;
    NAPI_THROW_IF_FAILED_VOID(env, napi_get_typedarray_info(env, view, &type, &length, &data, &buffer, &offset));
    // False for a SharedArrayBuffer, which cannot be detached.
    NAPI_THROW_IF_FAILED_VOID(env, napi_is_detached_arraybuffer(env, buffer, &detached));
    if (detached)
      throw spatial::Error(spatial::ErrorCode::IO, o.what + " was detached (transferred) while " + fn +
                                                       " ran: the result was not written; keep " + o.what +
                                                       " attached until the promise settles");
    const size_t bytes = view.As<Napi::TypedArray>().ByteLength();
    if (bytes != o.bytes || (o.bytes && !data))
      throw spatial::Error(spatial::ErrorCode::IO, o.what + " was resized while " + fn + " ran (" + std::to_string(o.bytes) +
                                                       " bytes at the call, " + std::to_string(bytes) +
                                                       " now): the result was not written");
    targets[i] = static_cast<std::byte*>(data);
  }
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (outputs_[i].bytes) std::memcpy(targets[i], outputs_[i].data, outputs_[i].bytes);
}

}  // namespace addon
