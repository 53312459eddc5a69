// Internal helpers of the CUDA kernels: error checks, the stream every call uses, launch sizes,
// phase timing and block-wide scans.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "spatial_geom_cuda/cuda_ops.h"

namespace spatial {
namespace cuda {
namespace detail {

// Throws DeviceError("<what> failed: <cudaErrorName> (<code>): <description>").
[[noreturn]] void fail(cudaError_t e, const char* what);

#define SPATIAL_CUDA_CHECK(expr)                                    \
  do {                                                              \
    const cudaError_t spatial_cuda_e = (expr);                      \
    if (spatial_cuda_e != cudaSuccess) ::spatial::cuda::detail::fail(spatial_cuda_e, #expr); \
  } while (0)
// After a <<<...>>> launch: configuration errors surface here, faults at the next synchronisation.
#define SPATIAL_CUDA_LAUNCHED(kernel) SPATIAL_CUDA_CHECK(cudaPeekAtLastError())

// Every call queues its work on the calling thread's default stream, so calls from several host
// threads (Node's thread pool) do not serialise on the legacy default stream.
inline cudaStream_t stream() { return cudaStreamPerThread; }

constexpr unsigned kBlock = 256;
inline unsigned blocksFor(size_t threads, unsigned block = kBlock) {
  return static_cast<unsigned>((threads + block - 1) / block);
}

inline void upload(void* dst, const void* src, size_t bytes) {
  if (bytes) SPATIAL_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()));
}
inline void download(void* dst, const void* src, size_t bytes) {
  if (bytes) SPATIAL_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()));
}
inline void finish() { SPATIAL_CUDA_CHECK(cudaStreamSynchronize(stream())); }

// Splits a host-data call into upload / kernel / download times with CUDA events. Does nothing
// (no events, no extra synchronisation) when the caller passed no PhaseTimes.
class PhaseClock {
 public:
  explicit PhaseClock(PhaseTimes* times);
  ~PhaseClock();
  PhaseClock(const PhaseClock&) = delete;
  PhaseClock& operator=(const PhaseClock&) = delete;
  // Adds the time since the previous lap (or construction) to *field.
  void lap(double PhaseTimes::*field);

 private:
  PhaseTimes* times_;
  cudaEvent_t last_ = nullptr, now_ = nullptr;
};

// Exclusive prefix sum over the block (blockDim.x a multiple of 32, at most 1024). Every thread of
// the block must call it; `total` receives the block's sum.
__device__ __forceinline__ uint32_t blockExclusiveScan(uint32_t value, uint32_t& total) {
  __shared__ uint32_t warpSums[32];
  const unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  uint32_t inclusive = value;
  for (unsigned off = 1; off < 32; off <<= 1) {
    const uint32_t up = __shfl_up_sync(0xffffffffu, inclusive, off);
    if (lane >= off) inclusive += up;
  }
  if (lane == 31) warpSums[warp] = inclusive;
  __syncthreads();
  if (warp == 0) {
    uint32_t s = lane < warps ? warpSums[lane] : 0;
    for (unsigned off = 1; off < 32; off <<= 1) {
      const uint32_t up = __shfl_up_sync(0xffffffffu, s, off);
      if (lane >= off) s += up;
    }
    warpSums[lane] = s;  // inclusive sums of the warps
  }
  __syncthreads();
  const uint32_t before = (warp ? warpSums[warp - 1] : 0) + inclusive - value;
  total = warpSums[warps - 1];
  __syncthreads();  // warpSums is reused by the next call
  return before;
}

}  // namespace detail
}  // namespace cuda
}  // namespace spatial
