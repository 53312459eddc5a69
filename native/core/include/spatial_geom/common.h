// Shared definitions of the geometry core: error type, host/device qualifiers, small numeric helpers.
// The core knows nothing of Node: it takes raw pointers and sizes and throws spatial::Error.
#pragma once

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
