// One-line CUDA dispatch for the core's batch ops (private to native/core/src).
//
//   SPATIAL_TRY_CUDA(Visibility, n * frames, visibilityMasks(points, n, cams, depths, frames, opts, masks));
//
// placed after an op's input checks, runs spatial::cuda::<call> and returns from the (void) op when
// offloadToCuda says the device pays; if the device fails (out of memory, launch error) the failure
// is recorded and the CPU code below runs instead. In a build without CUDA it expands to nothing.
#pragma once

#include "spatial_geom/backend.h"

#ifdef SPATIAL_GEOM_HAVE_CUDA
#include "spatial_geom_cuda/cuda_ops.h"

#define SPATIAL_TRY_CUDA(op, work, call)                                 \
  do {                                                                   \
    if (::spatial::offloadToCuda(::spatial::CudaOp::op, (work))) {       \
      try {                                                              \
        ::spatial::cuda::call;                                           \
        return;                                                          \
      } catch (const ::spatial::cuda::DeviceError& e) {                  \
        ::spatial::noteCudaFallback(e.what());                           \
      }                                                                  \
    }                                                                    \
  } while (0)
#else
#define SPATIAL_TRY_CUDA(op, work, call) \
  do {                                   \
  } while (0)
#endif
