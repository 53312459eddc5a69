// Compatibility rules of the reference systems, kept apart from the library's own convention.
#pragma once

#include <cstdint>
#include <vector>

#include "spatial_geom/camera.h"
#include "spatial_geom/projection.h"

namespace spatial {

// General inverse of a row-major 4x4 matrix, in double, as numpy.linalg.inv computes it (LU with
// partial pivoting, LAPACK getrf/getrs): no rigidity is assumed, so a pose whose rotation is not
// exactly orthonormal (real pose files: up to ~1e-4) inverts as the reference inverts it. The
// operation order is fixed (lib/pose.ts invertGeneralPose is its bit-identical twin). Returns
// false, leaving `out` unspecified, when a pivot is 0 (singular).
bool invertGeneral4x4(const double* m, double* out);

// MultiSPA's visibility test (SEEDS.md 1.2), for `--compat multispa`:
//   invert the whole 4x4 pose (invertGeneral4x4, as the reference's np.linalg.inv), take camera
//   coordinates x_c = E^-1 [p; 1] in double, pixels as the reference's K @ x_c / z_c
//   (u = (fx x_c + cx z_c) / z_c),
//   project with the COLOUR camera (cams[f]: colour intrinsics and image size), keep
//   0 <= u < Wc and 0 <= v < Hc (continuous, no pixel-centre shift), read the depth map (its own
//   size Wd x Hd) at (round(u * Wd / Wc), round(v * Hd / Hc)) with numpy's round-half-to-even,
//   clipped into the map, and require the strict 0 < z < D (no tolerance; D = 0 fails).
// Computed in double, like the reference's numpy float64. depthScales (nullable; F values, 0 = none)
// gives, per frame, the stored depth units per metre: D is then the stored integer
// round(d * scale) times (1 / scale) in double, as the reference's `stored * 0.001`, instead of
// the float32 metres d (which differ from it by up to half a float32 ulp).
std::vector<std::vector<uint32_t>> visibleSetsMultiSpa(const float* points, size_t n, const Camera* cams,
                                                       const DepthView* depths, size_t frames,
                                                       const double* depthScales = nullptr);

}  // namespace spatial
