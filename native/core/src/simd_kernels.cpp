// The hot kernels of the core (projection, visibility, sets, voxel keys, resampling rows, motion
// distance rows, ray-casting rows), compiled for every instruction-set level in this one translation
// unit: kernels/*.inc hold each body once, and this file includes them three times, each time in
// its own namespace (spatial::simd::baseline, ::avx2, ::avx512) and, for the wide levels, under a
// target pragma that enables that level's instructions for the functions defined there. The rest of
// the core and addon is compiled for plain x86-64; simd_level.cpp picks the level from CPUID.
//
// Why a target pragma in one file rather than one file per level compiled with -mavx2 / -mavx512f:
// every inline function and template instantiation a translation unit emits (std::vector, std::sort,
// std::min, the helpers of projection_impl.h) becomes a COMDAT copy that the linker merges with the
// copies of other units, keeping any one of them; a -mavx512f unit could thus donate the AVX-512
// copy of std::vector<uint64_t>::_M_realloc_insert to the whole binary, which then dies with SIGILL
// on an older CPU in code that never asked for AVX-512. A target pragma applies only to the
// functions defined between push and pop: all headers are included above the first region, so
// their inline code and every instantiation of their templates stays baseline (and can still be
// inlined into a level's kernels, whose instruction set is a superset), while everything the
// regions define lives in a namespace of its own (anonymous inside it: internal linkage, so no
// symbol is shared between levels or exported, and calls between kernels never go through the PLT).
// tools/check_simd_isolation.py proves it on the built binaries (a ctest): no function outside
// spatial::simd::avx2 / ::avx512 uses an instruction beyond x86-64.
//
// Why by hand rather than Google Highway (libhwy) or SIMDe: the kernels are already written with
// x86 intrinsics (AVX-512 masks, compress, PDEP) and tuned on this machine; rewriting them in
// Highway's portable vector ops is a project of its own. Highway's dispatch idea is what this file
// copies (foreach_target + per-target namespaces + target pragmas), without the dependency.
//
// Names: kernels/*.inc test SPATIAL_SIMD_LEVEL (simd.h), never __AVX2__ / __AVX512F__, which GCC
// also sets inside a target region but which would mean "the whole build" anywhere else.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "simd.h"
#include "simd_kernels.h"
#include "spatial_geom/motion.h"
#include "spatial_geom/projection_impl.h"

SPATIAL_SIMD_BEGIN

// ---- Baseline: plain x86-64 (SSE2) or the portable C++ elsewhere. Also the CpuPath::Scalar path.
#define SPATIAL_SIMD_LEVEL SPATIAL_SIMD_BASELINE
namespace spatial::simd::baseline {
namespace {
#include "kernels/projection.inc"
#include "kernels/sets.inc"
#include "kernels/voxel.inc"
#include "kernels/resample.inc"
#include "kernels/motion.inc"
#include "kernels/raycast.inc"
#include "kernels/table.inc"
}  // namespace
}  // namespace spatial::simd::baseline
#undef SPATIAL_SIMD_LEVEL

#if SPATIAL_X86_64
// Instruction-set flags only, never arch=: GCC refuses to inline a baseline helper (std::min,
// visibleIn) into a function whose arch differs, but allows it when only ISA flags are added.
// FMA is enabled (x86-64-v3 has it) but never used: the build's -ffp-contract=off forbids fusing.
// ---- AVX2: x86-64-v3.
#define SPATIAL_SIMD_LEVEL SPATIAL_SIMD_AVX2
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,popcnt,lzcnt,f16c,movbe"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,popcnt,lzcnt,f16c,movbe")
#endif
namespace spatial::simd::avx2 {
namespace {
#include "kernels/projection.inc"
#include "kernels/sets.inc"
#include "kernels/voxel.inc"
#include "kernels/resample.inc"
#include "kernels/motion.inc"
#include "kernels/raycast.inc"
#include "kernels/table.inc"
}  // namespace
}  // namespace spatial::simd::avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#undef SPATIAL_SIMD_LEVEL

// ---- AVX-512: x86-64-v4.
#define SPATIAL_SIMD_LEVEL SPATIAL_SIMD_AVX512
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512cd,avx2,fma,bmi,bmi2,popcnt,lzcnt,f16c,movbe"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx512cd,avx2,fma,bmi,bmi2,popcnt,lzcnt,f16c,movbe")
#endif
namespace spatial::simd::avx512 {
namespace {
#include "kernels/projection.inc"
#include "kernels/sets.inc"
#include "kernels/voxel.inc"
#include "kernels/resample.inc"
#include "kernels/motion.inc"
#include "kernels/raycast.inc"
#include "kernels/table.inc"
}  // namespace
}  // namespace spatial::simd::avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#undef SPATIAL_SIMD_LEVEL
#endif  // SPATIAL_X86_64

SPATIAL_SIMD_END

namespace spatial::simd {

const Kernels& kernelsAt(SimdLevel level) {
#if SPATIAL_X86_64
  if (level == SimdLevel::Avx512) return avx512::kernels();
  if (level == SimdLevel::Avx2) return avx2::kernels();
#endif
  (void)level;
  return baseline::kernels();
}

}  // namespace spatial::simd
