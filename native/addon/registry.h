// Self-registration of binding modules: each native/addon/*.cc file adds its functions to the
// module's exports with SPATIAL_ADDON_MODULE(fn), so new op groups need no edit to addon.cc.
#pragma once

#include <napi.h>

#include <vector>

namespace addon {

using Registrar = void (*)(Napi::Env env, Napi::Object exports);

inline std::vector<Registrar>& registrars() {
  static std::vector<Registrar> list;
  return list;
}

struct Register {
  explicit Register(Registrar r) { registrars().push_back(r); }
};

}  // namespace addon

#define SPATIAL_ADDON_MODULE(fn) static const ::addon::Register spatial_addon_register_##fn(fn)
