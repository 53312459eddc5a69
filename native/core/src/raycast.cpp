#include "spatial_geom/raycast.h"

#include "spatial_geom/parallel.h"

namespace spatial {

void renderBoxes(const SceneBox* boxes, int boxCount, const Camera* cams, size_t frames, const uint8_t* palette,
                 size_t paletteSize, float* depth, uint16_t* ids, uint8_t* rgb) {
  if (frames == 0) return;
  const int32_t w = cams[0].k.width, h = cams[0].k.height;
  for (size_t f = 1; f < frames; ++f)
    if (cams[f].k.width != w || cams[f].k.height != h)
      throw Error(ErrorCode::Shape, "cameras[" + std::to_string(f) + "] must share the image size of cameras[0]");
  const size_t pixels = size_t(w) * h;
  parallelChunks(frames * size_t(h), frames * pixels * size_t(boxCount) * 8, [&](size_t job) {
    const size_t f = job / h;
    const int i = static_cast<int>(job % h);
    const Camera& cam = cams[f];
    for (int j = 0; j < w; ++j) {
      double o[3], d[3];
      pixelRay(cam, j, i, o, d);
      const RayHit hit = castRay(boxes, boxCount, o, d);
      const size_t px = f * pixels + size_t(i) * w + j;
      if (hit.face < 0) {
        depth[px] = 0.f;
        ids[px] = 0;
        rgb[3 * px] = rgb[3 * px + 1] = rgb[3 * px + 2] = 0;
        continue;
      }
      const SceneBox& b = boxes[hit.box];
      const uint16_t id = b.faceIds[hit.face];
      depth[px] = static_cast<float>(hit.t);
      ids[px] = id;
      const double p[3] = {o[0] + hit.t * d[0], o[1] + hit.t * d[1], o[2] + hit.t * d[2]};
      const double s = shade(b, hit.face, p);
      for (int c = 0; c < 3; ++c) {
        const double base = id < paletteSize ? palette[3 * id + c] : 128;
        const double v = std::floor(base * s + 0.5);
        rgb[3 * px + c] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  });
}

}  // namespace spatial
