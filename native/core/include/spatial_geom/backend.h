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
};

CudaStatus cudaStatus();
// Throws Error{Shape} when Cuda is requested but unavailable (the message says why).
void setBackendPreference(BackendPreference p);
BackendPreference backendPreference();
Backend activeBackend();

}  // namespace spatial
