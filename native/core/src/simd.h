// Shared by the core's hand-written SIMD kernels (private to native/core/src): the intrinsics
// headers, and SPATIAL_SIMD_BEGIN / SPATIAL_SIMD_END around kernel code.
#pragma once

#if defined(__AVX512F__) || defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

// GCC 12's AVX-512 shift and conversion intrinsics self-initialise an undefined vector and warn at
// every inlined use (GCC PR 105593, fixed in 13): not a bug in the kernels, so silenced there only.
#if defined(__GNUC__) && !defined(__clang__)
#define SPATIAL_SIMD_BEGIN                                 \
  _Pragma("GCC diagnostic push")                           \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")    \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define SPATIAL_SIMD_END _Pragma("GCC diagnostic pop")
#else
#define SPATIAL_SIMD_BEGIN
#define SPATIAL_SIMD_END
#endif
