// JobStorage: the copy-in / deliver-out memory of async jobs (see async.h).
#include "async.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace addon {

namespace {
thread_local JobStorage* tlsStorage = nullptr;
constexpr size_t kAlign = 64;  // a cache line: what the SIMD kernels like their rows to start on
}  // namespace

JobStorage* convertingInto() { return tlsStorage; }

ConvertingInto::ConvertingInto(JobStorage& storage) : previous_(tlsStorage) { tlsStorage = &storage; }
ConvertingInto::~ConvertingInto() { tlsStorage = previous_; }

void JobStorage::Free::operator()(std::byte* p) const { std::free(p); }

std::byte* JobStorage::allocate(size_t bytes) {
  void* p = std::aligned_alloc(kAlign, (bytes + kAlign - 1) / kAlign * kAlign);
  if (!p) throw std::bad_alloc();
  blocks_.emplace_back(static_cast<std::byte*>(p));
  return blocks_.back().get();
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
