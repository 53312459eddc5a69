#include "convert.h"

#include <cmath>

#include "async.h"

namespace addon {

Napi::Error makeJsError(Napi::Env env, spatial::ErrorCode code, const std::string& message) {
  Napi::Error err = code == spatial::ErrorCode::Type ? Napi::Error(env, Napi::TypeError::New(env, message).Value())
                                                     : Napi::Error(env, Napi::RangeError::New(env, message).Value());
  err.Set("code", Napi::String::New(env, spatial::errorCodeName(code)));
  return err;
}

void throwJs(Napi::Env env, spatial::ErrorCode code, const std::string& message) {
  throw makeJsError(env, code, message);
}

std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsNumber()) return "the number " + spatial::formatNumber(v.As<Napi::Number>().DoubleValue());
  if (v.IsString()) return "a string";
  if (v.IsTypedArray()) {
    static const char* names[] = {"Int8Array",    "Uint8Array",   "Uint8ClampedArray", "Int16Array",
                                  "Uint16Array",  "Int32Array",   "Uint32Array",       "Float32Array",
                                  "Float64Array", "BigInt64Array", "BigUint64Array"};
    const auto t = v.As<Napi::TypedArray>();
    const int type = static_cast<int>(t.TypedArrayType());
    const char* name = type >= 0 && type < 11 ? names[type] : "TypedArray";
    return std::string(name) + " of length " + std::to_string(t.ElementLength());
  }
  if (v.IsArray()) return "an Array of length " + std::to_string(v.As<Napi::Array>().Length());
  if (v.IsFunction()) return "a function";
  return "an object";
}

namespace {
// The caller's memory behind a TypedArray argument of one element type (ERR_SPATIAL_TYPE otherwise).
template <typename T>
Span<T> borrowed(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throwJs(env, spatial::ErrorCode::Type, "Expected a " + std::string(typeName) + " for " + what + " but received " + describe(v));
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  // A detached buffer has length 0 and no data: report it as empty, never dereference it.
  return Span<T>{arr.ElementLength() ? arr.Data() : nullptr, arr.ElementLength()};
}

// An input as the op will read it: in place, or a job-owned copy while an async call converts.
const void* kept(const void* data, size_t bytes) {
  JobStorage* job = convertingInto();
  return job ? job->input(data, bytes) : data;
}
}  // namespace

template <typename T>
Span<T> typedArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName,
                   const std::string& what) {
  const Span<T> s = borrowed<T>(env, v, type, typeName, what);
  // Inputs are only read: the const_cast gives back the caller's own pointer or a private copy.
  return Span<T>{static_cast<T*>(const_cast<void*>(kept(s.data, s.size * sizeof(T)))), s.size};
}
#define SPATIAL_TYPED_ARRAY(T)                                                                                 \
  template Span<T> typedArray<T>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&); \
  template Span<T> outArray<T>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);

template <typename T>
Span<T> outArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName, const std::string& what) {
  const Span<T> s = borrowed<T>(env, v, type, typeName, what);
  JobStorage* job = convertingInto();
  return job ? Span<T>{static_cast<T*>(job->output(v, s.data, s.size * sizeof(T), what)), s.size} : s;
}
SPATIAL_TYPED_ARRAY(float)
SPATIAL_TYPED_ARRAY(double)
SPATIAL_TYPED_ARRAY(uint32_t)
SPATIAL_TYPED_ARRAY(uint16_t)
SPATIAL_TYPED_ARRAY(uint8_t)
SPATIAL_TYPED_ARRAY(int32_t)
#undef SPATIAL_TYPED_ARRAY

PointsArg points(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray())
    throwJs(env, spatial::ErrorCode::Type, "Expected a Float32Array or Float64Array for " + what + " but received " + describe(v));
  const auto type = v.As<Napi::TypedArray>().TypedArrayType();
  if (type != napi_float32_array && type != napi_float64_array)
    throwJs(env, spatial::ErrorCode::Type, "Expected a Float32Array or Float64Array for " + what + " but received " + describe(v));
  const bool isDouble = type == napi_float64_array;
  const size_t len = v.As<Napi::TypedArray>().ElementLength();
  if (len % 3 != 0)
    throwJs(env, spatial::ErrorCode::Shape, what + ".length must be a multiple of 3 (got " + std::to_string(len) + ")");
  spatial::checkPointCount(len / 3, what.c_str());
  const void* data = len == 0 ? nullptr
                     : isDouble ? static_cast<const void*>(v.As<Napi::Float64Array>().Data())
                                : static_cast<const void*>(v.As<Napi::Float32Array>().Data());
  return PointsArg{kept(data, len * (isDouble ? sizeof(double) : sizeof(float))), len / 3, isDouble};
}

std::vector<spatial::Camera> cameras(Napi::Env env, const Napi::Value& v, const std::string& what) {
  const auto packed = borrowed<double>(env, v, napi_float64_array, "Float64Array", what);  // unpacked here: no copy
  if (packed.size % spatial::kPackedCameraDoubles != 0)
    throwJs(env, spatial::ErrorCode::Shape, what + ".length must be a multiple of " +
                                                std::to_string(spatial::kPackedCameraDoubles) + " (got " +
                                                std::to_string(packed.size) + ")");
  std::vector<spatial::Camera> out(packed.size / spatial::kPackedCameraDoubles);
  spatial::unpackCameras(packed.data, out.size(), out.data(), what.c_str());
  return out;
}

spatial::DepthView depthMap(Napi::Env env, const Napi::Value& v, const spatial::Camera& cam, const std::string& what,
                            const std::string& camWhat) {
  const auto d = float32Array(env, v, what);
  const size_t expected = size_t(cam.k.width) * cam.k.height;
  if (d.size != expected)
    throwJs(env, spatial::ErrorCode::Shape, what + ".length must be width*height = " + std::to_string(expected) + " of " +
                                                camWhat + " (got " + std::to_string(d.size) + ")");
  return spatial::DepthView{d.data, cam.k.width, cam.k.height};
}

std::vector<spatial::DepthView> depthMaps(Napi::Env env, const Napi::Value& v, const std::vector<spatial::Camera>& cams) {
  if (!v.IsArray()) throwJs(env, spatial::ErrorCode::Type, "Expected an Array of Float32Array for depths but received " + describe(v));
  const auto arr = v.As<Napi::Array>();
  if (arr.Length() != cams.size())
    throwJs(env, spatial::ErrorCode::Shape, "depths.length must equal cameras.length (" + std::to_string(cams.size()) +
                                                "), got " + std::to_string(arr.Length()));
  std::vector<spatial::DepthView> out(cams.size());
  for (uint32_t f = 0; f < arr.Length(); ++f)
    out[f] = depthMap(env, arr.Get(f), cams[f], "depths[" + std::to_string(f) + "]", "cameras[" + std::to_string(f) + "]");
  return out;
}

int64_t integer(Napi::Env env, const Napi::Value& v, int64_t lo, int64_t hi, const std::string& what) {
  if (!v.IsNumber()) throwJs(env, spatial::ErrorCode::Type, "Expected an integer for " + what + " but received " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= double(lo) && d <= double(hi)) || d != static_cast<double>(static_cast<int64_t>(d)))
    throwJs(env, spatial::ErrorCode::Shape, what + " must be an integer in [" + std::to_string(lo) + ", " +
                                                std::to_string(hi) + "] (got " + describe(v) + ")");
  return static_cast<int64_t>(d);
}

double finiteNumber(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsNumber()) throwJs(env, spatial::ErrorCode::Type, "Expected a number for " + what + " but received " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throwJs(env, spatial::ErrorCode::Shape, what + " must be finite (got " + describe(v) + ")");
  return d;
}

spatial::IndexSet indexSet(Napi::Env env, const Napi::Value& v, const std::string& what) {
  const auto s = uint32Array(env, v, what);
  spatial::IndexSet set{s.data, s.size};
  spatial::checkSortedSet(set, what);
  return set;
}

std::vector<spatial::IndexSet> indexSets(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsArray()) throwJs(env, spatial::ErrorCode::Type, "Expected an Array of Uint32Array for " + what + " but received " + describe(v));
  const auto arr = v.As<Napi::Array>();
  std::vector<spatial::IndexSet> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const auto s = uint32Array(env, arr.Get(i), what + "[" + std::to_string(i) + "]");
    out[i] = spatial::IndexSet{s.data, s.size};
  }
  return out;
}

namespace {
template <typename T>
void deleteVector(Napi::Env, void*, std::vector<T>* v) {
  delete v;
}
}  // namespace

Napi::Uint32Array adoptUint32(Napi::Env env, std::vector<uint32_t>&& v) {
  if (v.empty()) return Napi::Uint32Array::New(env, 0);
  auto* owned = new std::vector<uint32_t>(std::move(v));
  auto buf = Napi::ArrayBuffer::New(env, owned->data(), owned->size() * sizeof(uint32_t), deleteVector<uint32_t>, owned);
  return Napi::Uint32Array::New(env, owned->size(), buf, 0);
}

Napi::Float32Array adoptFloat32(Napi::Env env, std::vector<float>&& v) {
  if (v.empty()) return Napi::Float32Array::New(env, 0);
  auto* owned = new std::vector<float>(std::move(v));
  auto buf = Napi::ArrayBuffer::New(env, owned->data(), owned->size() * sizeof(float), deleteVector<float>, owned);
  return Napi::Float32Array::New(env, owned->size(), buf, 0);
}

Napi::Array indexSetsToJs(Napi::Env env, std::vector<std::vector<uint32_t>>& sets) {
  Napi::Array out = Napi::Array::New(env, sets.size());
  for (size_t f = 0; f < sets.size(); ++f) out.Set(uint32_t(f), addon::adoptUint32(env, std::move(sets[f])));
  return out;
}

}  // namespace addon
