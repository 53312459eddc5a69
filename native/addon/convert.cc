#include "convert.h"

#include <cmath>

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

template <typename T>
Span<T> typedArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type, const char* typeName,
                   const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throwJs(env, spatial::ErrorCode::Type, "Expected a " + std::string(typeName) + " for " + what + " but received " + describe(v));
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  // A detached buffer has length 0 and no data: report it as empty, never dereference it.
  return Span<T>{arr.ElementLength() ? arr.Data() : nullptr, arr.ElementLength()};
}
template Span<float> typedArray<float>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);
template Span<double> typedArray<double>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);
template Span<uint32_t> typedArray<uint32_t>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);
template Span<uint16_t> typedArray<uint16_t>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);
template Span<uint8_t> typedArray<uint8_t>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);
template Span<int32_t> typedArray<int32_t>(Napi::Env, const Napi::Value&, napi_typedarray_type, const char*, const std::string&);

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
  return PointsArg{data, len / 3, isDouble};
}

std::vector<spatial::Camera> cameras(Napi::Env env, const Napi::Value& v, const std::string& what) {
  const auto packed = float64Array(env, v, what);
  if (packed.size % spatial::kPackedCameraDoubles != 0)
    throwJs(env, spatial::ErrorCode::Shape, what + ".length must be a multiple of " +
                                                std::to_string(spatial::kPackedCameraDoubles) + " (got " +
                                                std::to_string(packed.size) + ")");
  std::vector<spatial::Camera> out(packed.size / spatial::kPackedCameraDoubles);
  spatial::unpackCameras(packed.data, out.size(), out.data(), what.c_str());
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

}  // namespace addon
