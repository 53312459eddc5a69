#include "spatial_geom/rays.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cuda_dispatch.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/rays_impl.h"

namespace spatial {

PatchGrid patchGridFromSize(const Intrinsics& k, int32_t patchSize) {
  if (patchSize < 1 || patchSize > k.width || patchSize > k.height)
    throw Error(ErrorCode::Shape, "grid.patchSize must be an integer in [1, min(width, height)] = [1, " +
                                      std::to_string(std::min(k.width, k.height)) + "] (got " +
                                      std::to_string(patchSize) + ")");
  return PatchGrid{k.height / patchSize, k.width / patchSize, double(patchSize), double(patchSize)};
}

PatchGrid patchGridFromCount(const Intrinsics& k, int32_t rows, int32_t cols) {
  if (rows < 1 || cols < 1 || rows > k.height || cols > k.width)
    throw Error(ErrorCode::Shape, "grid.rows and grid.cols must be integers in [1, height] and [1, width] (got " +
                                      std::to_string(rows) + ", " + std::to_string(cols) + ")");
  return PatchGrid{rows, cols, double(k.width) / cols, double(k.height) / rows};
}

void rayGrid(const Intrinsics& k, const PatchGrid& g, float* out) {
  for (int32_t r = 0; r < g.rows; ++r) {
    const double y = rayComponent(r, g.stepY, k.cy, k.fy);
    for (int32_t c = 0; c < g.cols; ++c) {
      const double x = rayComponent(c, g.stepX, k.cx, k.fx);
      out[(size_t(r) * g.cols + c) * 2] = static_cast<float>(x);
      out[(size_t(r) * g.cols + c) * 2 + 1] = static_cast<float>(y);
    }
  }
}

void checkFrequencies(int32_t frequencies) {
  if (frequencies < 1 || frequencies > 32)
    throw Error(ErrorCode::Shape, "opts.frequencies must be an integer in [1, 32] (got " + std::to_string(frequencies) + ")");
}

void rayEmbedding(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal, float* out) {
  checkFrequencies(frequencies);
  SPATIAL_TRY_CUDA(Rays, rayEmbeddingSize(g, frequencies, includeFocal),
                   rayEmbedding(k, g, frequencies, includeFocal, out));
  const int32_t q = rayEmbeddingComponents(includeFocal);
  const size_t perPatch = size_t(q) * 2 * frequencies, block = size_t(2) * frequencies;
  // Ray x depends only on the column, ray y only on the row, and the focal terms on neither: encode
  // each distinct value once (cols + rows + 2 encodings instead of rows * cols * Q), then copy.
  std::vector<float> encX(size_t(g.cols) * block), encY(size_t(g.rows) * block), encF(2 * block);
  for (int32_t c = 0; c < g.cols; ++c) encodeSinusoid(rayComponent(c, g.stepX, k.cx, k.fx), frequencies, &encX[c * block]);
  for (int32_t r = 0; r < g.rows; ++r) encodeSinusoid(rayComponent(r, g.stepY, k.cy, k.fy), frequencies, &encY[r * block]);
  encodeSinusoid(k.fx / k.width, frequencies, &encF[0]);
  encodeSinusoid(k.fy / k.height, frequencies, &encF[block]);
  parallelChunks(size_t(g.rows), size_t(g.rows) * g.cols * perPatch, [&](size_t r) {
    for (int32_t c = 0; c < g.cols; ++c) {
      float* p = out + (r * g.cols + c) * perPatch;
      std::memcpy(p, &encX[c * block], block * sizeof(float));
      std::memcpy(p + block, &encY[r * block], block * sizeof(float));
      if (includeFocal) std::memcpy(p + 2 * block, encF.data(), 2 * block * sizeof(float));
    }
  });
}

}  // namespace spatial
