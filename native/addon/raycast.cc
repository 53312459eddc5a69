// Bindings of the box ray caster (native/core/src/raycast.cpp). Convert + validate only; the raw
// interface is declared as NativeBinding.raycastBoxes in lib/native.ts.
#include <napi.h>

#include <string>

#include "async.h"
#include "convert.h"
#include "registry.h"
#include "spatial_geom/raycast.h"

using addon::requireArgs;
using addon::throwJs;
using spatial::ErrorCode;

namespace {

using addon::uint16Array;
using addon::uint8Array;

void requireLength(Napi::Env env, size_t got, size_t expected, const std::string& what, const char* rule) {
  if (got != expected)
    throwJs(env, ErrorCode::Shape, what + ".length must be " + rule + " = " + std::to_string(expected) + " (got " + std::to_string(got) + ")");
}

// raycastBoxes(boxes: Float64Array(6B), ids: Uint16Array(B), room: Float64Array(0 | 6),
//              roomIds: Uint16Array(0 | 6), palette: Uint8Array(3P), camera: Float64Array(22),
//              depth: Float32Array(W*H), instanceIds: Uint16Array(W*H), color: Uint8Array(3*W*H) | undefined): undefined
Napi::Value RaycastBoxes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 8, "raycastBoxes");
  const auto boxes = addon::float64Array(env, info[0], "boxes");
  if (boxes.size % 6 != 0) throwJs(env, ErrorCode::Shape, "boxes.length must be a multiple of 6 (got " + std::to_string(boxes.size) + ")");
  const auto ids = uint16Array(env, info[1], "ids");
  requireLength(env, ids.size, boxes.size / 6, "ids", "boxes.length / 6");
  const auto room = addon::float64Array(env, info[2], "room");
  const auto roomIds = uint16Array(env, info[3], "roomIds");
  if (room.size != 0 && room.size != 6) throwJs(env, ErrorCode::Shape, "room.length must be 0 or 6 (got " + std::to_string(room.size) + ")");
  requireLength(env, roomIds.size, room.size, "roomIds", "room.length");
  const auto palette = uint8Array(env, info[4], "palette");
  if (palette.size % 3 != 0) throwJs(env, ErrorCode::Shape, "palette.length must be a multiple of 3 (got " + std::to_string(palette.size) + ")");
  const auto cams = addon::cameras(env, info[5], "camera");
  if (cams.size() != 1) throwJs(env, ErrorCode::Shape, "camera must hold exactly 1 packed camera (got " + std::to_string(cams.size()) + ")");
  const size_t pixels = size_t(cams[0].k.width) * cams[0].k.height;
  const auto depth = addon::float32Array(env, info[6], "out.depth");
  requireLength(env, depth.size, pixels, "out.depth", "width*height");
  const auto outIds = uint16Array(env, info[7], "out.instanceIds");
  requireLength(env, outIds.size, pixels, "out.instanceIds", "width*height");
  uint8_t* rgb = nullptr;
  if (info.Length() > 8 && !info[8].IsUndefined()) {
    const auto color = uint8Array(env, info[8], "out.color");
    requireLength(env, color.size, 3 * pixels, "out.color", "3*width*height");
    rgb = color.data;
  }
  spatial::BoxScene scene;
  scene.boxes = boxes.data;
  scene.ids = ids.data;
  scene.count = static_cast<int64_t>(ids.size);
  scene.hasRoom = room.size == 6;
  for (size_t k = 0; k < room.size; ++k) {
    scene.room[k] = room.data[k];
    scene.roomIds[k] = roomIds.data[k];
  }
  scene.palette = palette.data;
  scene.paletteSize = static_cast<int64_t>(palette.size / 3);
  spatial::raycastBoxes(scene, cams[0], depth.data, outIds.data, rgb);
  return env.Undefined();
}

void registerRaycast(Napi::Env env, Napi::Object exports) {
  addon::exportFunction<RaycastBoxes>(env, exports, "raycastBoxes");
}
SPATIAL_ADDON_MODULE(registerRaycast);

}  // namespace
