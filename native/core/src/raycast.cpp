// Box ray casting (synthetic scenes): validation and the frame set-up; the per-row loops are
// compiled per instruction-set level (kernels/raycast.inc: plain x86-64 rendered 1.6x slower).
#include "spatial_geom/raycast.h"

#include <cmath>
#include <string>
#include <vector>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/raycast_impl.h"

namespace spatial {

namespace {
// Rows per parallel chunk: 8 rows of 640 pixels is ~50 us of work, enough to amortise the hand-out.
constexpr int32_t kChunkRows = 8;

std::string boxName(int64_t b) { return "boxes[" + std::to_string(b) + "]"; }

}  // namespace

void checkBoxScene(const BoxScene& s, bool needPalette) {
  if (s.count > 0x7fffffff) throw Error(ErrorCode::Shape, "boxes must number fewer than 2^31 (got " + std::to_string(s.count) + ")");
  if (s.count < 0) throw Error(ErrorCode::Shape, "boxes count must be >= 0 (got " + std::to_string(s.count) + ")");
  if (s.count > 0 && (s.boxes == nullptr || s.ids == nullptr)) throw Error(ErrorCode::Type, "boxes and ids are missing");
  int64_t maxId = -1;
  for (int64_t b = 0; b < s.count; ++b) {
    const double* box = s.boxes + 6 * b;
    for (int k = 0; k < 6; ++k)
      if (!std::isfinite(box[k]))
        throw Error(ErrorCode::Shape, boxName(b) + " must be finite (value " + std::to_string(k) + " is " + std::to_string(box[k]) + ")");
    for (int a = 0; a < 3; ++a)
      if (box[a] > box[3 + a])
        throw Error(ErrorCode::Shape, boxName(b) + " min must be <= max on every axis (axis " + std::to_string(a) + ": " +
                                          std::to_string(box[a]) + " > " + std::to_string(box[3 + a]) + ")");
    maxId = s.ids[b] > maxId ? s.ids[b] : maxId;
  }
  if (s.hasRoom) {
    for (int k = 0; k < 6; ++k)
      if (!std::isfinite(s.room[k]))
        throw Error(ErrorCode::Shape, "room must be finite (value " + std::to_string(k) + " is " + std::to_string(s.room[k]) + ")");
    for (int a = 0; a < 3; ++a)
      if (!(s.room[a] < s.room[3 + a]))
        throw Error(ErrorCode::Shape, "room min must be < max on every axis (axis " + std::to_string(a) + ": " +
                                          std::to_string(s.room[a]) + " >= " + std::to_string(s.room[3 + a]) + ")");
    for (int k = 0; k < 6; ++k) maxId = s.roomIds[k] > maxId ? s.roomIds[k] : maxId;
  }
  if (needPalette) {
    const int64_t need = maxId + 1 > 1 ? maxId + 1 : 1;
    if (s.palette == nullptr || s.paletteSize < need)
      throw Error(ErrorCode::Shape, "palette must hold an RGB colour for every instance id up to " + std::to_string(need - 1) +
                                        " (" + std::to_string(3 * need) + " bytes; got " + std::to_string(3 * s.paletteSize) + ")");
  }
}

void raycastBoxes(const BoxScene& scene, const Camera& cam, float* depth, uint16_t* ids, uint8_t* rgb) {
  checkBoxScene(scene, rgb != nullptr);
  const RayFrame f = makeRayFrame(cam);
  // Boxes relative to the ray origin, once per frame (the reference does the same subtraction).
  std::vector<double> rel(6 * static_cast<size_t>(scene.count));
  for (int64_t b = 0; b < scene.count; ++b)
    for (int k = 0; k < 6; ++k) rel[6 * b + k] = scene.boxes[6 * b + k] - f.o[k % 3];
  double roomRel[6];
  for (int k = 0; k < 6; ++k) roomRel[k] = scene.room[k] - f.o[k % 3];
  const int32_t w = cam.k.width, h = cam.k.height;
  std::vector<double> columnRay(static_cast<size_t>(w));
  for (int32_t j = 0; j < w; ++j) columnRay[j] = rayCoordinate(j, f.cx, f.fx);
  const size_t chunks = static_cast<size_t>((h + kChunkRows - 1) / kChunkRows);
  const size_t work = static_cast<size_t>(w) * h * static_cast<size_t>(scene.count + 1);
  const auto renderRows = simd::kernelsFor(CpuPath::Auto).renderRows;
  parallelChunks(chunks, work, [&](size_t chunk) {
    const int32_t begin = static_cast<int32_t>(chunk) * kChunkRows;
    const int32_t end = begin + kChunkRows < h ? begin + kChunkRows : h;
    renderRows(f, w, begin, end, columnRay.data(), rel.data(), scene.ids, scene.count, scene.hasRoom ? roomRel : nullptr, scene.roomIds,
               scene.palette, depth, ids, rgb);
  });
}

}  // namespace spatial
