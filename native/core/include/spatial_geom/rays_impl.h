// The per-patch math of camera rays, written once for host and device (see rays.h for the layout):
// the CPU loops in rays.cpp and the CUDA kernels in native/cuda call these same inline functions.
#pragma once

#include <cmath>

#include "spatial_geom/rays.h"

namespace spatial {

// Normalised ray component of patch `index` along one axis: (centre - c) / f, in double.
SPATIAL_HD double rayComponent(int32_t index, double step, double principal, double focal) {
  return (patchCentre(index, step) - principal) / focal;
}

// Sinusoidal encoding of one value: out[2k] = sin(2^k pi value), out[2k + 1] = cos(2^k pi value) for
// k in [0, frequencies). The scale doubles exactly, so 2^k pi is the same double on every device;
// sin/cos themselves may differ by an ulp between libm and CUDA (within 1e-6 after the float cast).
SPATIAL_HD void encodeSinusoid(double value, int32_t frequencies, float* out) {
  const double pi = 3.14159265358979323846;
  double scale = pi;
  for (int32_t k = 0; k < frequencies; ++k, scale *= 2) {
    const double a = scale * value;
    out[2 * k] = static_cast<float>(std::sin(a));
    out[2 * k + 1] = static_cast<float>(std::cos(a));
  }
}

}  // namespace spatial
