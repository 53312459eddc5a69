// Which device runs the batch ops. CUDA is used only when it was compiled in, a device is present
// and the caller did not force the CPU; otherwise everything runs on the CPU core.
#pragma once

#include <string>

namespace spatial {

enum class BackendPreference { Auto, Cpu, Cuda };
enum class Backend { Cpu, Cuda };

struct CudaStatus {
  bool compiled = false;   // the CUDA kernels are part of this build
  bool available = false;  // a usable device was found at run time
  std::string device;      // its name, when available
  std::string reason;      // why CUDA is unavailable, when it is not
  std::string lastError;   // the last device failure that sent a call back to the CPU (empty if none)
};

CudaStatus cudaStatus();
// Throws Error{Shape} when Cuda is requested but unavailable (the message says why).
void setBackendPreference(BackendPreference p);
BackendPreference backendPreference();
Backend activeBackend();

// The batch ops with a CUDA version. Each has a work threshold below which the CPU is faster
// (transfers and launches cost more than the math); see backend.cpp.
enum class CudaOp { Project, Visibility, Overlap, Backproject, Rays };
// True when a call of `op` with `work` units should run on the device. The threshold is checked
// first, so small calls never start the CUDA runtime. Project runs on the device only when the
// caller chose the 'cuda' backend: its output crosses PCIe, slower than the CPU writing it to RAM.
bool offloadToCuda(CudaOp op, size_t work);
// Records a device failure (the call then runs on the CPU); reported by cudaStatus().lastError.
void noteCudaFallback(const char* what);

}  // namespace spatial
