// Rendering of box scenes (the built-in synthetic scene): exact depth (camera z, metres), instance
// ids and a shaded colour image, by ray casting at every pixel centre.
#pragma once

#include <cstdint>

#include "spatial_geom/camera.h"
#include "spatial_geom/raycast_impl.h"

namespace spatial {

// Renders frames x (height x width) images. palette: RGB per instance id (3 * paletteSize bytes);
// ids beyond it render grey. Outputs per frame: depth (float, 0 where nothing is hit), ids (uint16,
// 0 = none), rgb (uint8 x 3). Multi-threaded over rows.
void renderBoxes(const SceneBox* boxes, int boxCount, const Camera* cams, size_t frames, const uint8_t* palette,
                 size_t paletteSize, float* depth, uint16_t* ids, uint8_t* rgb);

}  // namespace spatial
