// Shared definitions of the geometry core: error type, host/device qualifiers, small numeric helpers.
// The core knows nothing of Node: it takes raw pointers and sizes and throws spatial::Error.
#pragma once

#if !defined(__CUDACC__)
#include <charconv>
#endif
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#if defined(__CUDACC__)
#define SPATIAL_HD __host__ __device__ __forceinline__
#else
#define SPATIAL_HD inline
#endif

namespace spatial {

// Stable error codes, mirrored by the TypeScript layer (DESIGN.md section 4).
enum class ErrorCode { Shape, Type, Camera, Pose, Format, IO };

inline const char* errorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::Shape: return "ERR_SPATIAL_SHAPE";
    case ErrorCode::Type: return "ERR_SPATIAL_TYPE";
    case ErrorCode::Camera: return "ERR_SPATIAL_CAMERA";
    case ErrorCode::Pose: return "ERR_SPATIAL_POSE";
    case ErrorCode::Format: return "ERR_SPATIAL_FORMAT";
    case ErrorCode::IO: return "ERR_SPATIAL_IO";
  }
  return "ERR_SPATIAL_SHAPE";
}

#if !defined(__CUDACC__)
// A number for error messages as JavaScript prints it: the shortest text that reads back to the
// same double (1e-30, 0.05, 2.5e+21, NaN, Infinity), never std::to_string's fixed 6 decimals
// (which prints 1e-30 as 0.000000).
inline std::string formatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
#endif

// Thrown by every core entry point before it touches memory it was not promised.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }
  // Type errors map to JS TypeError, everything else to RangeError.
  bool isTypeError() const { return code_ == ErrorCode::Type; }

 private:
  ErrorCode code_;
};

// Which CPU code a kernel with a SIMD version runs. Auto: the active instruction-set level
// (spatial_geom/simd_level.h); Scalar: the baseline level's portable loops, which every level must
// match bit for bit (tests compare them).
enum class CpuPath { Auto, Scalar };

}  // namespace spatial
