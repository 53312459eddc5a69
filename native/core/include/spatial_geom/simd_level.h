// Which instruction-set level the core's hot kernels run at. One binary holds every level (see
// native/core/src/simd_kernels.cpp); the level is chosen once, when first needed, from CPUID, and
// can be forced lower for tests and benchmarks.
//   Baseline: plain x86-64 (SSE2), or the portable C++ on other architectures; runs anywhere.
//   Avx2:     x86-64-v3 (AVX2, FMA, BMI1/2, POPCNT, LZCNT, F16C, MOVBE).
//   Avx512:   x86-64-v4 (AVX-512 F/BW/DQ/VL/CD and everything in v3).
// Every level gives bit-identical results (no FMA contraction; core/tests/test_simd.cpp).
#pragma once

#include <string>
#include <vector>

#include "spatial_geom/common.h"

namespace spatial {

enum class SimdLevel : int { Baseline = 0, Avx2 = 1, Avx512 = 2 };

// "baseline", "avx2", "avx512".
const char* simdLevelName(SimdLevel level);

// The levels this CPU and OS can run (CPUID, plus the OS's XSAVE support for the wide registers),
// lowest first; always starts with Baseline.
const std::vector<SimdLevel>& supportedSimdLevels();

// The level the kernels run at: the CPU's best, unless the environment variable SPATIAL_GEOM_SIMD
// (read once, on first use) or setSimdLevel chose a lower one. Throws Error{Shape} while
// SPATIAL_GEOM_SIMD names an unknown level or one this CPU does not offer (until setSimdLevel
// picks a valid one), so a bad setting fails loudly instead of silently running another level.
SimdLevel simdLevel();

// Parses a level name; throws Error{Shape} naming `what` (e.g. "opts.simd") for an unknown name.
SimdLevel parseSimdLevel(const std::string& name, const std::string& what);

// Selects the level; throws Error{Shape} naming `what` when this CPU does not offer it.
void setSimdLevel(SimdLevel level, const std::string& what = "simd level");

}  // namespace spatial
