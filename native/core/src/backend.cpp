#include "spatial_geom/backend.h"

#include <atomic>
#include <mutex>

#include "spatial_geom/common.h"

#ifdef SPATIAL_GEOM_HAVE_CUDA
#include "spatial_geom_cuda/cuda_ops.h"
#endif

namespace spatial {

namespace {
std::atomic<int> gPreference{static_cast<int>(BackendPreference::Auto)};
std::mutex gFallbackMutex;
std::string gLastFallback;

#ifdef SPATIAL_GEOM_HAVE_CUDA
// Probed once: with a static CUDA runtime and no driver, cudaGetDeviceCount returns error 35.
const cuda::DeviceProbe& probe() {
  static const cuda::DeviceProbe p = cuda::probeDevice();
  return p;
}
bool cudaAvailable() { return probe().available; }
#else
bool cudaAvailable() { return false; }
#endif

// Work (in each op's units) from which the device beats the CPU, transfers included. Estimates
// from transfer sizes and the CPU bench, to be refined with bench_cuda on a GPU machine:
//   Project     point-frame pairs: 12 bytes per pair come back over PCIe (only when forced)
//   Visibility  point-frame pairs: ~1 ns each on a CPU core; the mask comes back as 1 bit
//   Overlap     pair-words (M(M-1)/2 * words of 64 points): one popcount each on the CPU
//   Backproject stride-grid pixels: 4 bytes up, 12 bytes down per pixel
//   Rays        output floats: one double sin or cos each
size_t cudaThreshold(CudaOp op) {
  switch (op) {
    case CudaOp::Project: return size_t(1) << 20;
    case CudaOp::Visibility: return size_t(1) << 22;
    case CudaOp::Overlap: return size_t(1) << 26;
    case CudaOp::Backproject: return size_t(1) << 20;
    case CudaOp::Rays: return size_t(1) << 16;
  }
  return ~size_t(0);
}
}  // namespace

CudaStatus cudaStatus() {
  CudaStatus s;
#ifdef SPATIAL_GEOM_HAVE_CUDA
  s.compiled = true;
  s.available = probe().available;
  s.device = probe().name;
  s.reason = probe().reason;
#else
  s.reason = "this build has no CUDA kernels (nvcc was not found or SPATIAL_GEOM_CUDA=OFF at build time)";
#endif
  std::lock_guard<std::mutex> lock(gFallbackMutex);
  s.lastError = gLastFallback;
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
  return cudaAvailable() ? Backend::Cuda : Backend::Cpu;
}

bool offloadToCuda(CudaOp op, size_t work) {
  if (work < cudaThreshold(op)) return false;
  if (op == CudaOp::Project && backendPreference() != BackendPreference::Cuda) return false;
  return activeBackend() == Backend::Cuda;
}

void noteCudaFallback(const char* what) {
  std::lock_guard<std::mutex> lock(gFallbackMutex);
  gLastFallback = what;
}

}  // namespace spatial
