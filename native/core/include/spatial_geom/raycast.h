// Exact depth, instance-id and shaded colour images of a scene of axis-aligned boxes, by casting
// one ray through every pixel centre (the synthetic scene's renderer). Conventions of DESIGN.md:
// OpenCV axes, metres, pose = worldFromCam; depth is camera-space z (not range), 0 = nothing hit.
#pragma once

#include <cstdint>

#include "spatial_geom/camera.h"

namespace spatial {

// The scene: solid boxes seen from outside, and optionally the inside of an enclosing room box.
struct BoxScene {
  const double* boxes = nullptr;     // 6 * count: min x y z, max x y z (world, metres), min <= max
  const uint16_t* ids = nullptr;     // count instance ids
  int64_t count = 0;
  bool hasRoom = false;
  double room[6] = {0, 0, 0, 0, 0, 0};  // min x y z, max x y z, min < max
  uint16_t roomIds[6] = {0, 0, 0, 0, 0, 0};  // instance id of each room face: -x, +x, -y, +y, -z, +z
  const uint8_t* palette = nullptr;  // RGB per instance id (3 * paletteSize bytes); needed for colour
  int64_t paletteSize = 0;
};

// Throws Error{Shape} for non-finite boxes, min > max, a room with min >= max on an axis, or (when
// `needPalette`) a palette without an entry for an id the scene uses.
void checkBoxScene(const BoxScene& scene, bool needPalette);

// Renders one camera: depth[W*H] (camera z, metres; 0 where the ray hits nothing), ids[W*H]
// (instance id, 0 = none) and, when rgb is not null, rgb[3*W*H] (shaded colour, black for misses).
// Rows are split over threads (spatial::parallelChunks) for large images; results do not depend on
// the thread count.
void raycastBoxes(const BoxScene& scene, const Camera& cam, float* depth, uint16_t* ids, uint8_t* rgb);

}  // namespace spatial
