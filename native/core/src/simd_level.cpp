// Instruction-set level selection (spatial_geom/simd_level.h): CPUID once, then an atomic level
// every kernel call reads.
#include "spatial_geom/simd_level.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "simd.h"

namespace spatial {

namespace {

std::vector<SimdLevel> detectLevels() {
  std::vector<SimdLevel> levels{SimdLevel::Baseline};
#if SPATIAL_X86_64 && (defined(__GNUC__) || defined(__clang__))
  // __builtin_cpu_supports reports AVX/AVX-512 features only when the OS also saves the wide
  // registers (XGETBV), so a CPU with AVX-512 under an OS without it reads as lower.
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
                  __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") &&
                  __builtin_cpu_supports("lzcnt") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("movbe");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                  __builtin_cpu_supports("avx512cd");
  if (v3) levels.push_back(SimdLevel::Avx2);
  if (v4) levels.push_back(SimdLevel::Avx512);
#endif
  return levels;
}

std::string offered() {
  std::string s;
  for (SimdLevel l : supportedSimdLevels()) s += std::string(s.empty() ? "" : ", ") + simdLevelName(l);
  return s;
}

void checkOffered(SimdLevel level, const std::string& what) {
  if (level > supportedSimdLevels().back())
    throw Error(ErrorCode::Shape, what + " asks for '" + simdLevelName(level) + "' but this CPU offers only " + offered());
}

constexpr const char* kEnvVar = "SPATIAL_GEOM_SIMD";

// The active level, or -1 while SPATIAL_GEOM_SIMD holds an invalid request (gEnvError says which).
std::atomic<int> gLevel{0};
std::once_flag gInitOnce;
std::string gEnvError;  // written once under gInitOnce, read only while gLevel is -1

void initLevel() {
  std::call_once(gInitOnce, [] {
    const char* request = std::getenv(kEnvVar);
    SimdLevel level = supportedSimdLevels().back();
    if (request && *request) {
      try {
        level = parseSimdLevel(request, kEnvVar);
        checkOffered(level, kEnvVar);
      } catch (const Error& e) {
        gEnvError = e.what();
        gLevel.store(-1);
        return;
      }
    }
    gLevel.store(static_cast<int>(level));
  });
}

}  // namespace

const char* simdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::Baseline: return "baseline";
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Avx512: return "avx512";
  }
  return "baseline";
}

const std::vector<SimdLevel>& supportedSimdLevels() {
  static const std::vector<SimdLevel> levels = detectLevels();
  return levels;
}

SimdLevel simdLevel() {
  initLevel();
  const int l = gLevel.load(std::memory_order_relaxed);
  if (l < 0) throw Error(ErrorCode::Shape, gEnvError);
  return static_cast<SimdLevel>(l);
}

SimdLevel parseSimdLevel(const std::string& name, const std::string& what) {
  for (SimdLevel l : {SimdLevel::Baseline, SimdLevel::Avx2, SimdLevel::Avx512})
    if (name == simdLevelName(l)) return l;
  throw Error(ErrorCode::Shape, what + " must be 'baseline', 'avx2' or 'avx512' (got '" + name + "'); this CPU offers " +
                                    offered());
}

void setSimdLevel(SimdLevel level, const std::string& what) {
  checkOffered(level, what);
  initLevel();  // so that a later first use does not replace this choice with the environment's
  gLevel.store(static_cast<int>(level));
}

}  // namespace spatial
