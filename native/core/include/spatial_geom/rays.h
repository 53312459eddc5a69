// Dense per-patch camera rays and their sinusoidal embedding (CA-MLLM camera-aware inputs).
//
// Patch grid: with a patch size P, cols = floor(W / P), rows = floor(H / P), patches anchored at
// the top-left pixel (a ViT crops the remainder). Patch (r, c) covers pixels [cP, cP+P) and its
// centre in the pixel-centre convention is u = (c + 0.5) * P - 0.5. With an explicit rows x cols
// grid the step is W / cols and H / rows: u = (c + 0.5) * W / cols - 0.5.
//
// rayGrid layout: out[(r * cols + c) * 2 + {0, 1}] = ((u - cx) / fx, (v - cy) / fy).
// rayEmbedding layout, per patch (row-major), per component q in
//   [ray x, ray y, (fx / W, fy / H) when includeFocal], per octave k in 0..F-1:
//   out[((p * Q + q) * F + k) * 2 + 0] = sin(2^k * pi * value), ... + 1 = cos(2^k * pi * value)
// so each patch has D = Q * 2F values (Q = 2 or 4).
#pragma once

#include <cstdint>

#include "spatial_geom/camera.h"

namespace spatial {

struct PatchGrid {
  int32_t rows, cols;
  double stepX, stepY;  // pixels per patch along x and y
};

// Throws Error{Shape} when the grid is empty or larger than the image.
PatchGrid patchGridFromSize(const Intrinsics& k, int32_t patchSize);
PatchGrid patchGridFromCount(const Intrinsics& k, int32_t rows, int32_t cols);

SPATIAL_HD double patchCentre(int32_t index, double step) { return (index + 0.5) * step - 0.5; }

void rayGrid(const Intrinsics& k, const PatchGrid& g, float* out);

inline int32_t rayEmbeddingComponents(bool includeFocal) { return includeFocal ? 4 : 2; }
inline size_t rayEmbeddingSize(const PatchGrid& g, int32_t frequencies, bool includeFocal) {
  return size_t(g.rows) * g.cols * rayEmbeddingComponents(includeFocal) * 2 * frequencies;
}
// Throws Error{Shape} unless 1 <= frequencies <= 32.
void checkFrequencies(int32_t frequencies);
void rayEmbedding(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal, float* out);

}  // namespace spatial
