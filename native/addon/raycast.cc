// Binding of the box-scene renderer (synthetic scene).
#include <napi.h>

#include <cmath>
#include <vector>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/raycast.h"

namespace {

using addon::throwJs;
using spatial::ErrorCode;

// renderBoxes(boxes: Float64Array(13 * B) = [min3, max3, faceIds6, inside], cameras (packed, F),
//   palette: Uint8Array(3 * P)): { depth: Float32Array(F*H*W), ids: Uint16Array, rgb: Uint8Array }
Napi::Value RenderBoxes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  addon::requireArgs(info, 3, "renderBoxes");
  const auto packed = addon::float64Array(env, info[0], "boxes");
  if (packed.size % 13) throwJs(env, ErrorCode::Shape, "boxes.length must be a multiple of 13 (got " + std::to_string(packed.size) + ")");
  std::vector<spatial::SceneBox> boxes(packed.size / 13);
  for (size_t b = 0; b < boxes.size(); ++b) {
    const double* v = packed.data + 13 * b;
    for (int a = 0; a < 3; ++a) {
      boxes[b].min[a] = v[a];
      boxes[b].max[a] = v[3 + a];
      if (!(std::isfinite(v[a]) && std::isfinite(v[3 + a]) && v[a] <= v[3 + a]))
        throwJs(env, ErrorCode::Shape, "boxes[" + std::to_string(b) + "] must have finite min <= max");
    }
    for (int k = 0; k < 6; ++k) {
      if (!(v[6 + k] >= 0 && v[6 + k] <= 65535)) throwJs(env, ErrorCode::Shape, "boxes[" + std::to_string(b) + "] face ids must be in [0, 65535]");
      boxes[b].faceIds[k] = static_cast<uint16_t>(v[6 + k]);
    }
    boxes[b].inside = v[12] != 0;
  }
  const auto cams = addon::cameras(env, info[1]);
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throwJs(env, ErrorCode::Type, "Expected a Uint8Array for palette but received " + addon::describe(info[2]));
  const auto pal = info[2].As<Napi::Uint8Array>();
  const size_t pixels = cams.empty() ? 0 : size_t(cams[0].k.width) * cams[0].k.height;
  const size_t total = pixels * cams.size();
  auto depth = Napi::Float32Array::New(env, total);
  auto ids = Napi::Uint16Array::New(env, total);
  auto rgb = Napi::Uint8Array::New(env, 3 * total);
  spatial::renderBoxes(boxes.data(), static_cast<int>(boxes.size()), cams.data(), cams.size(), pal.ElementLength() ? pal.Data() : nullptr,
                       pal.ElementLength() / 3, depth.Data(), ids.Data(), rgb.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("depth", depth);
  out.Set("ids", ids);
  out.Set("rgb", rgb);
  return out;
}

void registerRaycast(Napi::Env env, Napi::Object exports) { addon::exportFunction<RenderBoxes>(env, exports, "renderBoxes"); }
SPATIAL_ADDON_MODULE(registerRaycast);

}  // namespace
