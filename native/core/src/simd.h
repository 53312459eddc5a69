// Shared by the core's hand-written SIMD kernels (private to native/core/src): the architecture
// test, the level numbers the kernel bodies test, the intrinsics headers, and SPATIAL_SIMD_BEGIN /
// SPATIAL_SIMD_END around kernel code.
#pragma once

// x86-64 intrinsics are used only under this test; other architectures (arm64) build the portable
// C++ of the Baseline level alone.
#if defined(__x86_64__) || defined(_M_X64)
#define SPATIAL_X86_64 1
#include <immintrin.h>  // every intrinsic, usable in functions compiled for its instruction set
#else
#define SPATIAL_X86_64 0
#endif

// Values of SPATIAL_SIMD_LEVEL, the level a kernel body is being compiled for (simd_kernels.cpp
// defines it around each inclusion; same order as spatial::SimdLevel).
#define SPATIAL_SIMD_BASELINE 0
#define SPATIAL_SIMD_AVX2 1
#define SPATIAL_SIMD_AVX512 2

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
