#include "spatial_geom/backend.h"

#include <atomic>

#include "spatial_geom/common.h"

#ifdef SPATIAL_GEOM_HAVE_CUDA
#include "spatial_geom_cuda/cuda_ops.h"
#endif

namespace spatial {

namespace {
std::atomic<int> gPreference{static_cast<int>(BackendPreference::Auto)};
}

CudaStatus cudaStatus() {
  CudaStatus s;
#ifdef SPATIAL_GEOM_HAVE_CUDA
  s.compiled = true;
  // Probed once: with a static CUDA runtime and no driver, cudaGetDeviceCount returns error 35.
  static const cuda::DeviceProbe probe = cuda::probeDevice();
  s.available = probe.available;
  s.device = probe.name;
  s.reason = probe.reason;
#else
  s.reason = "this build has no CUDA kernels (nvcc was not found or SPATIAL_GEOM_CUDA=OFF at build time)";
#endif
  return s;
}

void setBackendPreference(BackendPreference p) {
  if (p == BackendPreference::Cuda) {
    const CudaStatus s = cudaStatus();
    if (!s.available) throw Error(ErrorCode::Shape, "backend 'cuda' is unavailable: " + s.reason);
  }
  gPreference.store(static_cast<int>(p));
}

BackendPreference backendPreference() { return static_cast<BackendPreference>(gPreference.load()); }

Backend activeBackend() {
  const auto p = backendPreference();
  if (p == BackendPreference::Cpu) return Backend::Cpu;
  return cudaStatus().available ? Backend::Cuda : Backend::Cpu;
}

}  // namespace spatial
