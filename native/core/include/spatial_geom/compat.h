// Compatibility rules of the reference systems, kept apart from the library's own convention.
#pragma once

#include <cstdint>
#include <vector>

#include "spatial_geom/camera.h"
#include "spatial_geom/projection.h"

namespace spatial {

// MultiSPA's visibility test (SEEDS.md 1.2), for `--compat multispa`:
//   project with the COLOUR camera (cams[f]: colour intrinsics and image size), keep
//   0 <= u < Wc and 0 <= v < Hc (continuous, no pixel-centre shift), read the depth map (its own
//   size Wd x Hd) at (round(u * Wd / Wc), round(v * Hd / Hc)) with numpy's round-half-to-even,
//   clipped into the map, and require the strict 0 < z < D (no tolerance; D = 0 fails).
// Computed in double, like the reference's numpy float64.
std::vector<std::vector<uint32_t>> visibleSetsMultiSpa(const float* points, size_t n, const Camera* cams,
                                                       const DepthView* depths, size_t frames);

}  // namespace spatial
