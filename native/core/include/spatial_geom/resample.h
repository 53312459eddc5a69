// Resampling of images, depth maps and id maps under an axis-aligned affine pixel map: the one
// kernel family behind every camera augmentation (resize, crop, pad, principal-point shift).
//
// Convention (DESIGN.md section 2): integer pixel coordinates are pixel centres; an image of width W
// spans the continuous range [-0.5, W-0.5). An op maps old pixels to new ones as u' = a*u + b,
// v' = c*v + d. The kernels take the INVERSE map, one per axis, as
//   u = scaleX * j' + offsetX,   v = scaleY * i' + offsetY
// (the continuous source position of destination pixel centre (j', i')), evaluated in double in
// exactly this operation order, so the pure-TS twin (lib/reference/resample-kernels.ts) computes
// bit-identical positions, indices and weights, and therefore identical outputs.
//
// Sampling rules (shared by the three kernels, so colour, depth and ids never disagree about which
// destination pixels are inside):
//  * A destination pixel is INSIDE when -0.5 <= u < W - 0.5 and -0.5 <= v < H - 0.5 (the source
//    position lies on the source image); otherwise it gets the fill value (colour: `fill`, one byte
//    per channel; depth: 0 = no measurement; ids: 0 = background). NaN positions are outside.
//  * Colour (uint8, 1/3/4 channels interleaved): bilinear in 11-bit fixed point (OpenCV's
//    INTER_LINEAR weight precision). Inside the half-pixel border the position is clamped to
//    [0, W-1] (clamp to edge), then x0 = floor(u), x1 = min(x0 + 1, W - 1),
//    wx = floor((u - x0) * 2048 + 0.5) in [0, 2048] (likewise y, computed in double), and per channel,
//    in exact integer arithmetic:
//      h(row) = p[row][x0] * (2048 - wx) + p[row][x1] * wx
//      out = (h(y0) * (2048 - wy) + h(y1) * wy + 2^21) >> 22      (round half up; max < 2^31)
//    Integer weights make native and reference agree bit for bit by construction; against exact
//    real-valued bilinear interpolation the output differs by at most 1 LSB (weight error <= 2^-12).
//    Integer shifts and power-of-two up/down-scales have exact weights. Downscaling samples the
//    source at the destination centres (no area averaging): shrinking by more than 2x aliases, as
//    OpenCV's INTER_LINEAR does.
//  * Depth (float metres) and ids (uint16): nearest neighbour, j = floor(u + 0.5), i = floor(v + 0.5)
//    (the depth look-up rule of DESIGN.md; exact ties go right/down). Values are copied, never
//    blended, so an invalid depth (0, NaN, inf) stays invalid and no depth is invented at edges.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spatial_geom/common.h"

namespace spatial {

// Inverse map of one axis: source = scale * destination + offset (pixel-centre coordinates).
struct AxisMap {
  double scale;
  double offset;
};

struct ResampleGeometry {
  int32_t srcWidth, srcHeight;
  int32_t dstWidth, dstHeight;
  AxisMap x, y;
};

// Largest image side accepted (matches the TS validation of intrinsics).
constexpr int32_t kMaxImageSide = 1 << 20;

// Throws Error{Shape} for sizes outside [1, 2^20] (and width*height >= 2^31) and for non-finite
// map coefficients. Every entry point below calls it before touching memory.
void checkResampleGeometry(const ResampleGeometry& g);

// dst: dstWidth*dstHeight*channels bytes; src: srcWidth*srcHeight*channels; fill: `channels` bytes.
// channels must be 1, 3 or 4 (Error{Shape} otherwise).
void resampleImage(const uint8_t* src, int32_t channels, uint8_t* dst, const ResampleGeometry& g, const uint8_t* fill);

// dst/src: one float per pixel. Outside -> 0.
void resampleDepth(const float* src, float* dst, const ResampleGeometry& g);

// dst/src: one uint16 per pixel. Outside -> 0.
void resampleIds(const uint16_t* src, uint16_t* dst, const ResampleGeometry& g);

}  // namespace spatial
