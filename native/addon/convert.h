// Argument conversion and validation for the bindings. The bindings never do geometry: they check
// every argument's type and length, hand raw pointers to the core, and turn spatial::Error into a JS
// TypeError/RangeError carrying the stable `code` of DESIGN.md section 4.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "spatial_geom/spatial_geom.h"

namespace addon {

[[noreturn]] void throwJs(Napi::Env env, spatial::ErrorCode code, const std::string& message);
Napi::Error makeJsError(Napi::Env env, spatial::ErrorCode code, const std::string& message);

// "Float32Array(length 10)", "Array", "undefined", ... for messages.
std::string describe(const Napi::Value& v);

template <typename T>
struct Span {
  T* data;
  size_t size;
};

// Input and output buffers. A synchronous call reads and writes the caller's TypedArrays in place
// (zero copy). While an async call converts its arguments (PromiseWorker::start, async.h), every
// input span points at a job-owned copy instead, and every output span (outArray) at job-owned
// memory that is delivered into the caller's view when the job is done: JS may detach any of its
// buffers while the job runs. So a binding must convert what the op writes with outArray, never
// with typedArray (an async job would write into a copy that nobody reads).

// A TypedArray input of one element type; throws ERR_SPATIAL_TYPE otherwise.
template <typename T>
Span<T> typedArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName,
                   const std::string& what);
// A TypedArray the op writes (an `out` argument); throws ERR_SPATIAL_TYPE if of another type.
template <typename T>
Span<T> outArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName,
                 const std::string& what);

inline Span<float> float32Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<float>(env, v, napi_float32_array, "Float32Array", what);
}
inline Span<double> float64Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<double>(env, v, napi_float64_array, "Float64Array", what);
}
inline Span<uint32_t> uint32Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<uint32_t>(env, v, napi_uint32_array, "Uint32Array", what);
}
inline Span<uint16_t> uint16Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<uint16_t>(env, v, napi_uint16_array, "Uint16Array", what);
}
inline Span<int32_t> int32Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<int32_t>(env, v, napi_int32_array, "Int32Array", what);
}
inline Span<float> float32Out(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return outArray<float>(env, v, napi_float32_array, "Float32Array", what);
}
inline Span<int32_t> int32Out(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return outArray<int32_t>(env, v, napi_int32_array, "Int32Array", what);
}
inline Span<uint8_t> uint8Array(Napi::Env env, const Napi::Value& v, const std::string& what) {
  return typedArray<uint8_t>(env, v, napi_uint8_array, "Uint8Array", what);
}

// Points: Float32Array or Float64Array of length 3N.
struct PointsArg {
  const void* data;
  size_t n;
  bool isDouble;
};
PointsArg points(Napi::Env env, const Napi::Value& v, const std::string& what = "points");

// Packed cameras (Float64Array of 22*F): validated and converted.
std::vector<spatial::Camera> cameras(Napi::Env env, const Napi::Value& v, const std::string& what = "cameras");

// A depth map for `cam`: a Float32Array of width*height values; errors name it `what` and the
// camera `camWhat`.
spatial::DepthView depthMap(Napi::Env env, const Napi::Value& v, const spatial::Camera& cam, const std::string& what,
                            const std::string& camWhat);
// One depth map per camera: an Array of Float32Array, depths[f] sized for cams[f].
std::vector<spatial::DepthView> depthMaps(Napi::Env env, const Napi::Value& v, const std::vector<spatial::Camera>& cams);

// A number argument that must be an integer in [lo, hi].
int64_t integer(Napi::Env env, const Napi::Value& v, int64_t lo, int64_t hi, const std::string& what);
double finiteNumber(Napi::Env env, const Napi::Value& v, const std::string& what);
// An array of Uint32Array sets, types only: the order is checked by the core op that reads them
// (spatial::checkedOverlapMatrix checks while it builds its bitsets, reading each list once).
std::vector<spatial::IndexSet> indexSets(Napi::Env env, const Napi::Value& v, const std::string& what);
// One Uint32Array set, checked strictly ascending.
spatial::IndexSet indexSet(Napi::Env env, const Napi::Value& v, const std::string& what);

// A Uint32Array / Float32Array that owns a std::vector's storage (no copy).
Napi::Uint32Array adoptUint32(Napi::Env env, std::vector<uint32_t>&& v);
Napi::Float32Array adoptFloat32(Napi::Env env, std::vector<float>&& v);
// An Array of Uint32Array, one per set, each owning its vector's storage (the sets are moved from).
Napi::Array indexSetsToJs(Napi::Env env, std::vector<std::vector<uint32_t>>& sets);

}  // namespace addon
