#include "spatial_geom/raycast.h"

#include <cmath>
#include <string>
#include <vector>

#include "spatial_geom/parallel.h"
#include "spatial_geom/raycast_impl.h"

namespace spatial {

namespace {
// Rows per parallel chunk: 8 rows of 640 pixels is ~50 us of work, enough to amortise the hand-out.
constexpr int32_t kChunkRows = 8;

std::string boxName(int64_t b) { return "boxes[" + std::to_string(b) + "]"; }

// Per-row scratch in structure-of-arrays form, so the box loop runs over contiguous pixels.
struct RowScratch {
  std::vector<double> dx, dy, dz, ix, iy, iz, best;
  std::vector<int32_t> bestBox;
  std::vector<uint8_t> roomHit;
  explicit RowScratch(size_t w) : dx(w), dy(w), dz(w), ix(w), iy(w), iz(w), best(w), bestBox(w), roomHit(w) {}
};

// Ray directions, inverse directions and the room exit of one row (vectorises: plain loop).
void rowRays(const RayFrame f, int32_t width, double yc, const double* __restrict columnRay, const double* roomRel,
             double* __restrict dx, double* __restrict dy, double* __restrict dz, double* __restrict ix,
             double* __restrict iy, double* __restrict iz, double* __restrict best, int32_t* __restrict bestBox,
             uint8_t* __restrict roomHit) {
  for (int32_t j = 0; j < width; ++j) {
    double d[3];
    worldRayDirection(f, columnRay[j], yc, d);
    dx[j] = d[0];
    dy[j] = d[1];
    dz[j] = d[2];
    ix[j] = safeInverse(d[0]);
    iy[j] = safeInverse(d[1]);
    iz[j] = safeInverse(d[2]);
    bestBox[j] = -1;
  }
  if (roomRel) {
    const double r[6] = {roomRel[0], roomRel[1], roomRel[2], roomRel[3], roomRel[4], roomRel[5]};
    for (int32_t j = 0; j < width; ++j) {
      const double inv[3] = {ix[j], iy[j], iz[j]};
      double tEnter, tExit;
      slabRange(r, inv, tEnter, tExit);
      const bool hit = (tEnter <= tExit) & (tExit > 0.0);
      roomHit[j] = hit;
      best[j] = hit ? tExit : INFINITY;
    }
  } else {
    for (int32_t j = 0; j < width; ++j) {
      roomHit[j] = 0;
      best[j] = INFINITY;
    }
  }
}

// One box against a row of rays: the same per-pixel steps as castRay's box loop.
void rowBox(int32_t width, const double* __restrict box, int32_t b, const double* __restrict ix, const double* __restrict iy,
            const double* __restrict iz, double* __restrict best, int32_t* __restrict bestBox) {
  const double r[6] = {box[0], box[1], box[2], box[3], box[4], box[5]};
  for (int32_t j = 0; j < width; ++j) {
    const double inv[3] = {ix[j], iy[j], iz[j]};
    double tEnter, tExit;
    slabRange(r, inv, tEnter, tExit);
    const bool closer = (tEnter <= tExit) & (tEnter > 0.0) & (tEnter < best[j]);
    best[j] = closer ? tEnter : best[j];
    bestBox[j] = closer ? b : bestBox[j];
  }
}

void renderRows(const RayFrame f, int32_t width, int32_t rowBegin, int32_t rowEnd, const double* columnRay,
                const double* rel, const uint16_t* boxIds, int64_t count, const double* roomRel, const uint16_t* roomIds,
                const uint8_t* palette, float* __restrict depth, uint16_t* __restrict ids, uint8_t* __restrict rgb) {
  RowScratch s(static_cast<size_t>(width));
  for (int32_t i = rowBegin; i < rowEnd; ++i) {
    const double yc = rayCoordinate(i, f.cy, f.fy);
    rowRays(f, width, yc, columnRay, roomRel, s.dx.data(), s.dy.data(), s.dz.data(), s.ix.data(), s.iy.data(), s.iz.data(),
            s.best.data(), s.bestBox.data(), s.roomHit.data());
    for (int64_t b = 0; b < count; ++b)
      rowBox(width, rel + 6 * b, static_cast<int32_t>(b), s.ix.data(), s.iy.data(), s.iz.data(), s.best.data(), s.bestBox.data());
    for (int32_t j = 0; j < width; ++j) {
      const size_t p = static_cast<size_t>(i) * width + j;
      const double dir[3] = {s.dx[j], s.dy[j], s.dz[j]};
      const double inv[3] = {s.ix[j], s.iy[j], s.iz[j]};
      const RayHit hit = resolveHit(dir, inv, s.best[j], s.bestBox[j], s.roomHit[j] != 0, rel, boxIds, roomRel, roomIds);
      depth[p] = static_cast<float>(hit.t);
      ids[p] = hit.id;
      if (rgb) shadeHit(f, hit, palette, rgb + 3 * p);
    }
  }
}
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
  parallelChunks(chunks, work, [&](size_t chunk) {
    const int32_t begin = static_cast<int32_t>(chunk) * kChunkRows;
    const int32_t end = begin + kChunkRows < h ? begin + kChunkRows : h;
    renderRows(f, w, begin, end, columnRay.data(), rel.data(), scene.ids, scene.count, scene.hasRoom ? roomRel : nullptr, scene.roomIds,
               scene.palette, depth, ids, rgb);
  });
}

}  // namespace spatial
