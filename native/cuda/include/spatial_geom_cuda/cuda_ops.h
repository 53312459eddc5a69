// CUDA versions of the core's batch ops (spatial::cuda), with the CPU core's signatures and layouts.
// The kernels call the same inline math as the CPU loops (projection_impl.h, rays_impl.h) and the
// build turns off FMA contraction on both sides, so projection and visibility agree bit for bit.
//
// This header needs no CUDA headers: the library links the CUDA runtime statically and the rest of
// the core is compiled by the host compiler.
//
// Two flavours of each op:
//  - host data (same signature as the CPU function): copies inputs to the device, runs the kernel,
//    copies the result back, synchronously; `times`, when given, receives the three phases apart;
//  - device data (suffix `OnDevice`): pointers named d* are device memory; the call queues its
//    kernels on the calling thread's default stream (cudaStreamPerThread) and returns, and
//    synchronize() waits for them. The overlap and back-projection variants use scratch memory
//    and wait for their kernels before returning.
// Inputs are not validated here: the core's dispatchers (and tests) call these after the CPU
// function's checks. Device failures (no memory, launch errors) throw cuda::DeviceError; the core
// catches it and runs the CPU version instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "spatial_geom/camera.h"
#include "spatial_geom/projection.h"
#include "spatial_geom/rays.h"
#include "spatial_geom/sets.h"

namespace spatial {
namespace cuda {

// Whether a usable device exists. With no driver (or no GPU) available is false and reason says
// why, e.g. "cudaGetDeviceCount failed: cudaErrorInsufficientDriver (35) ...".
struct DeviceProbe {
  bool available = false;
  std::string name;    // device name, compute capability and memory, when available
  std::string reason;  // why not, when unavailable
};
DeviceProbe probeDevice();

class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Milliseconds of the phases of a host-data call (CUDA events on the call's stream).
struct PhaseTimes {
  double uploadMs = 0, kernelMs = 0, downloadMs = 0;
  double totalMs() const { return uploadMs + kernelMs + downloadMs; }
};

// ---- Host data (same signatures as spatial::projectPoints etc.).
template <typename Real>
void projectPoints(const Real* points, size_t n, const Camera* cams, size_t frames, float* uv, float* depth,
                   PhaseTimes* times = nullptr);
template <typename Real>
void visibilityMasks(const Real* points, size_t n, const Camera* cams, const DepthView* depths, size_t frames,
                     const VisibilityOptions& opts, uint64_t* masks, PhaseTimes* times = nullptr);
// The bitset method of spatial::overlapMatrix: sets are scattered into bitsets on the device and
// every pair's intersection is a popcount; out (M*M) is bit-identical to the CPU's.
void overlapMatrix(const IndexSet* sets, size_t m, float* out, PhaseTimes* times = nullptr);
// out must hold 3 * backprojectCount(depth, stride) floats.
void backprojectDepth(const DepthView& depth, const Camera& cam, int32_t stride, float* out,
                      PhaseTimes* times = nullptr);
void rayEmbedding(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal, float* out,
                  PhaseTimes* times = nullptr);

// ---- Device data. Cameras and the DepthView array are host structs (a few bytes per frame,
// copied with the launch); DepthView::data pointers are device pointers.
template <typename Real>
void projectPointsOnDevice(const Real* dPoints, size_t n, const Camera* cams, size_t frames, float* dUv,
                           float* dDepth);
template <typename Real>
void visibilityMasksOnDevice(const Real* dPoints, size_t n, const Camera* cams, const DepthView* dDepths,
                             size_t frames, const VisibilityOptions& opts, uint64_t* dMasks);
// Overlap matrix straight from m bit masks of `words` words each (visibilityMasks' layout): the
// whole visible-set pipeline stays on the device. dOut: M*M floats.
void overlapMatrixFromMasksOnDevice(const uint64_t* dMasks, size_t m, size_t words, float* dOut);
// dOut must hold 3 * backprojectCount(depth, stride) floats; the count is also written to *dCount.
void backprojectDepthOnDevice(const DepthView& dDepth, const Camera& cam, int32_t stride, float* dOut,
                              uint32_t* dCount);
void rayEmbeddingOnDevice(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal,
                          float* dOut);

// ---- Memory helpers for callers without CUDA headers (tests, bench).
void* deviceAlloc(size_t bytes);
void deviceFree(void* p) noexcept;
void copyToDevice(void* dst, const void* src, size_t bytes);
void copyToHost(void* dst, const void* src, size_t bytes);
void synchronize();

// Owning device array (move-only).
template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(size_t count) : count_(count), ptr_(static_cast<T*>(deviceAlloc(count * sizeof(T)))) {}
  DeviceArray(const T* host, size_t count) : DeviceArray(count) { copyToDevice(ptr_, host, count * sizeof(T)); }
  DeviceArray(DeviceArray&& o) noexcept : count_(o.count_), ptr_(o.ptr_) { o.ptr_ = nullptr, o.count_ = 0; }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      deviceFree(ptr_);
      count_ = o.count_, ptr_ = o.ptr_;
      o.ptr_ = nullptr, o.count_ = 0;
    }
    return *this;
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { deviceFree(ptr_); }

  T* get() const { return ptr_; }
  size_t size() const { return count_; }
  void download(T* host) const { copyToHost(host, ptr_, count_ * sizeof(T)); }

 private:
  size_t count_ = 0;
  T* ptr_ = nullptr;
};

}  // namespace cuda
}  // namespace spatial
