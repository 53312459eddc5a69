// Device discovery, errors, memory helpers and phase timing of the CUDA backend.
#include <cstdio>
#include <string>
#include <utility>

#include "cuda_util.cuh"

namespace spatial {
namespace cuda {

namespace detail {

std::string describe(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + " (" + std::to_string(static_cast<int>(e)) + "): " + cudaGetErrorString(e);
}

void fail(cudaError_t e, const char* what) {
  // Clear a non-sticky error so the next call starts clean (sticky ones stay and fail it too).
  cudaGetLastError();
  throw DeviceError(std::string("CUDA: ") + what + " failed: " + describe(e));
}

PhaseClock::PhaseClock(PhaseTimes* times) : times_(times) {
  if (!times_) return;
  SPATIAL_CUDA_CHECK(cudaEventCreate(&last_));
  SPATIAL_CUDA_CHECK(cudaEventCreate(&now_));
  SPATIAL_CUDA_CHECK(cudaEventRecord(last_, stream()));
}

PhaseClock::~PhaseClock() {
  if (last_) cudaEventDestroy(last_);
  if (now_) cudaEventDestroy(now_);
}

void PhaseClock::lap(double PhaseTimes::*field) {
  if (!times_) return;
  SPATIAL_CUDA_CHECK(cudaEventRecord(now_, stream()));
  SPATIAL_CUDA_CHECK(cudaEventSynchronize(now_));
  float ms = 0;
  SPATIAL_CUDA_CHECK(cudaEventElapsedTime(&ms, last_, now_));
  times_->*field += ms;
  std::swap(last_, now_);
}

}  // namespace detail

namespace {
// Tells whether this build holds code the device can run (cudaFuncGetAttributes fails with
// cudaErrorNoKernelImageForDevice on a GPU older than the compiled architectures).
__global__ void probeKernel(int* out) {
  if (out) *out = 1;
}
}  // namespace

DeviceProbe probeDevice() {
  DeviceProbe p;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    p.reason = "cudaGetDeviceCount failed with " + detail::describe(e) +
               (e == cudaErrorInsufficientDriver ? " (no NVIDIA driver is loaded, or it is older than the CUDA runtime "
                                                   "this build links statically)"
                                                 : "");
    return p;
  }
  if (count == 0) {
    p.reason = "no CUDA device is visible (cudaGetDeviceCount returned 0; check CUDA_VISIBLE_DEVICES)";
    return p;
  }
  int device = 0;
  cudaDeviceProp prop{};
  cudaError_t q = cudaGetDevice(&device);
  if (q == cudaSuccess) q = cudaGetDeviceProperties(&prop, device);
  if (q != cudaSuccess) {
    cudaGetLastError();
    p.reason = "cudaGetDeviceProperties failed with " + detail::describe(q);
    return p;
  }
  const std::string cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  cudaFuncAttributes attr{};
  const cudaError_t k = cudaFuncGetAttributes(&attr, probeKernel);
  if (k != cudaSuccess) {
    cudaGetLastError();
    p.reason = std::string(prop.name) + " (compute capability " + cc + ") cannot run this build's kernels (" +
               detail::describe(k) + "); rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(prop.major) +
               std::to_string(prop.minor);
    return p;
  }
  char mem[32];
  std::snprintf(mem, sizeof mem, "%.1f GiB", double(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  p.available = true;
  p.name = std::string(prop.name) + " (compute capability " + cc + ", " + mem + ")";
  return p;
}

void* deviceAlloc(size_t bytes) {
  void* p = nullptr;
  if (bytes) SPATIAL_CUDA_CHECK(cudaMalloc(&p, bytes));
  return p;
}

void deviceFree(void* p) noexcept {
  if (p) cudaFree(p);
}

void copyToDevice(void* dst, const void* src, size_t bytes) {
  detail::upload(dst, src, bytes);
  detail::finish();
}

void copyToHost(void* dst, const void* src, size_t bytes) {
  detail::download(dst, src, bytes);
  detail::finish();
}

void synchronize() { detail::finish(); }

}  // namespace cuda
}  // namespace spatial
