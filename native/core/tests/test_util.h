// A minimal test harness for the core's ctest executable (no third-party framework needed).
// Each core/tests/*.cpp file declares cases with SPATIAL_TEST(name) { ... } and uses CHECK.
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spatial_geom/common.h"

namespace spatial_test {

struct Counters {
  int checks = 0, failures = 0;
};
inline Counters& counters() {
  static Counters c;
  return c;
}
inline std::vector<std::pair<std::string, std::function<void()>>>& cases() {
  static std::vector<std::pair<std::string, std::function<void()>>> list;
  return list;
}
struct Add {
  Add(const char* name, std::function<void()> fn) { cases().emplace_back(name, std::move(fn)); }
};

template <typename Fn>
bool throwsCode(Fn fn, spatial::ErrorCode code) {
  try {
    fn();
  } catch (const spatial::Error& e) {
    return e.code() == code;
  }
  return false;
}

}  // namespace spatial_test

#define SPATIAL_TEST(name)                                                     \
  static void name();                                                          \
  static const spatial_test::Add spatial_test_add_##name(#name, name);         \
  static void name()

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    ++spatial_test::counters().checks;                                                   \
    if (!(cond)) {                                                                       \
      ++spatial_test::counters().failures;                                               \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                                    \
  } while (0)
#define CHECK_NEAR(a, b, tol) CHECK(std::fabs(double(a) - double(b)) <= (tol))
