// Resampling kernels (see resample.h for the sampling rules). Each call first builds per-column and
// per-row tables (source indices, weights, inside flags: O(W' + H') work), then runs plain row loops
// over __restrict pointers, split over threads by row blocks when the image is large.
//
// The floating-point steps (positions, indices, 11-bit weights) are written in the same order as
// lib/reference/resample-kernels.ts, the build forbids FMA contraction (-ffp-contract=off), and the
// colour blend is integer arithmetic, so native and reference outputs are bit-identical.
//
// Colour is separable: a horizontal pass per needed source row (cached: an upscale reuses a row for
// several output rows), then a contiguous vertical blend that vectorises. The horizontal pass gathers
// bytes and stays scalar. The row loops are compiled per instruction-set level (kernels/resample.inc).
#include "spatial_geom/resample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"

namespace spatial {

namespace {

// Rows per parallel chunk: large enough that a chunk is tens of microseconds of work.
constexpr int32_t kRowsPerChunk = 16;

void checkSide(int32_t v, const char* name) {
  if (v < 1 || v > kMaxImageSide)
    throw Error(ErrorCode::Shape, std::string(name) + " must be an integer in [1, " + std::to_string(kMaxImageSide) +
                                      "] (got " + std::to_string(v) + ")");
}

void checkArea(int32_t w, int32_t h, const char* name) {
  if (int64_t(w) * h > int64_t(2147483647))
    throw Error(ErrorCode::Shape, std::string(name) + " width*height must be < 2^31 (got " + std::to_string(int64_t(w) * h) + ")");
}

// Whether the source position u lies on an axis of n pixels: -0.5 <= u < n - 0.5 (false for NaN).
inline bool onAxis(double u, int32_t n) { return (u >= -0.5) & (u < double(n) - 0.5); }

// Source position of destination index k; the one expression the TS twin evaluates too.
inline double sourceOf(const AxisMap& m, int32_t k) { return m.scale * double(k) + m.offset; }

using simd::kWeightOne;

// Bilinear table of one axis: for each destination index, the two source indices (times `stride`),
// the 11-bit weight of the second one, and whether the position is on the image.
struct BilinearAxis {
  std::vector<int32_t> i0, i1, w;
  std::vector<uint8_t> inside;

  BilinearAxis(const AxisMap& m, int32_t dstN, int32_t srcN, int32_t stride)
      : i0(dstN, 0), i1(dstN, 0), w(dstN, 0), inside(dstN, 0) {
    const double last = double(srcN - 1);
    for (int32_t k = 0; k < dstN; ++k) {
      const double u = sourceOf(m, k);
      if (!onAxis(u, srcN)) continue;  // fill; indices stay 0 so nothing reads out of bounds
      // Clamp to edge inside the half-pixel border, then split into index and 11-bit fraction.
      double uc = u < 0.0 ? 0.0 : u;
      uc = uc > last ? last : uc;
      const double f = std::floor(uc);
      const int32_t a = static_cast<int32_t>(f);
      inside[k] = 1;
      i0[k] = a * stride;
      i1[k] = std::min(a + 1, srcN - 1) * stride;
      w[k] = static_cast<int32_t>(std::floor((uc - f) * double(kWeightOne) + 0.5));
    }
  }
};

template <int C>
void resampleImageC(const uint8_t* src, uint8_t* dst, const ResampleGeometry& g, const uint8_t* fill) {
  const BilinearAxis xs(g.x, g.dstWidth, g.srcWidth, C);
  const BilinearAxis ys(g.y, g.dstHeight, g.srcHeight, 1);
  const size_t srcRow = size_t(g.srcWidth) * C, dstRow = size_t(g.dstWidth) * C;
  const size_t chunks = (size_t(g.dstHeight) + kRowsPerChunk - 1) / kRowsPerChunk;
  // Work units for the thread gate: two per output byte (a horizontal and a vertical multiply-add
  // pair). 1920x1440 -> 640x480 RGB is 1.8M units, over the 2^20 default: measured 1.6 -> 0.9 ms
  // with 2 threads on the 2-core dev machine.
  const size_t work = size_t(g.dstWidth) * g.dstHeight * C * 2;
  const simd::Kernels& k = simd::kernelsFor(CpuPath::Auto);
  const auto horizontalRow = k.horizontalRow[C];
  const auto verticalRow = k.verticalRow;
  parallelChunks(chunks, work, [&](size_t chunk) {
    const int32_t begin = int32_t(chunk) * kRowsPerChunk;
    const int32_t end = std::min(begin + kRowsPerChunk, g.dstHeight);
    // Two cached horizontal rows, keyed by source row: upscales reuse them across output rows.
    std::vector<int32_t> cache[2] = {std::vector<int32_t>(dstRow), std::vector<int32_t>(dstRow)};
    int32_t cachedRow[2] = {-1, -1};
    // Horizontal row of source row r in a slot other than `avoid` (the slot the caller still needs).
    auto horizontal = [&](int32_t r, int avoid) -> int {
      for (int s = 0; s < 2; ++s)
        if (cachedRow[s] == r) return s;
      const int s = avoid == 0 ? 1 : 0;
      horizontalRow(src + size_t(r) * srcRow, xs.i0.data(), xs.i1.data(), xs.w.data(), xs.inside.data(), fill,
                       cache[s].data(), g.dstWidth);
      cachedRow[s] = r;
      return s;
    };
    for (int32_t i = begin; i < end; ++i) {
      uint8_t* out = dst + size_t(i) * dstRow;
      if (!ys.inside[i]) {
        for (int32_t j = 0; j < g.dstWidth; ++j)
          for (int c = 0; c < C; ++c) out[size_t(j) * C + c] = fill[c];
        continue;
      }
      // Prefer evicting the slot that does not hold the row below (it is likely needed next).
      const int s0 = horizontal(ys.i0[i], cachedRow[0] == ys.i1[i] ? 0 : (cachedRow[1] == ys.i1[i] ? 1 : -1));
      // With wy == 0 the second row has weight 0: blending h0 with itself gives the same bytes.
      const int s1 = ys.w[i] == 0 ? s0 : horizontal(ys.i1[i], s0);
      verticalRow(cache[s0].data(), cache[s1].data(), ys.w[i], out, dstRow);
    }
  });
}

// Nearest-neighbour table of one axis: source index, or -1 when off the image.
std::vector<int32_t> nearestAxis(const AxisMap& m, int32_t dstN, int32_t srcN) {
  std::vector<int32_t> idx(dstN, -1);
  for (int32_t k = 0; k < dstN; ++k) {
    const double u = sourceOf(m, k);
    if (!onAxis(u, srcN)) continue;
    // floor(u + 0.5) is in [0, srcN] here; the min guards the one rounding case u + 0.5 == srcN.
    idx[k] = std::min(static_cast<int32_t>(std::floor(u + 0.5)), srcN - 1);
  }
  return idx;
}

template <typename T>
void resampleNearest(const T* src, T* dst, const ResampleGeometry& g) {
  const std::vector<int32_t> xs = nearestAxis(g.x, g.dstWidth, g.srcWidth);
  const std::vector<int32_t> ys = nearestAxis(g.y, g.dstHeight, g.srcHeight);
  const size_t chunks = (size_t(g.dstHeight) + kRowsPerChunk - 1) / kRowsPerChunk;
  const auto nearestRow = simd::kernelsFor(CpuPath::Auto).nearestRow<T>();
  parallelChunks(chunks, size_t(g.dstWidth) * g.dstHeight, [&](size_t chunk) {
    const int32_t begin = int32_t(chunk) * kRowsPerChunk;
    const int32_t end = std::min(begin + kRowsPerChunk, g.dstHeight);
    for (int32_t i = begin; i < end; ++i) {
      T* out = dst + size_t(i) * g.dstWidth;
      if (ys[i] < 0) {
        std::fill(out, out + g.dstWidth, T(0));
        continue;
      }
      nearestRow(src + size_t(ys[i]) * g.srcWidth, xs.data(), out, g.dstWidth);
    }
  });
}

}  // namespace

void checkResampleGeometry(const ResampleGeometry& g) {
  checkSide(g.srcWidth, "source width");
  checkSide(g.srcHeight, "source height");
  checkSide(g.dstWidth, "destination width");
  checkSide(g.dstHeight, "destination height");
  checkArea(g.srcWidth, g.srcHeight, "source");
  checkArea(g.dstWidth, g.dstHeight, "destination");
  const double coeffs[4] = {g.x.scale, g.x.offset, g.y.scale, g.y.offset};
  for (double c : coeffs)
    if (!std::isfinite(c))
      throw Error(ErrorCode::Shape, "map coefficients (scaleX, offsetX, scaleY, offsetY) must be finite (got " +
                                        std::to_string(g.x.scale) + ", " + std::to_string(g.x.offset) + ", " +
                                        std::to_string(g.y.scale) + ", " + std::to_string(g.y.offset) + ")");
}

void resampleImage(const uint8_t* src, int32_t channels, uint8_t* dst, const ResampleGeometry& g, const uint8_t* fill) {
  checkResampleGeometry(g);
  switch (channels) {
    case 1: resampleImageC<1>(src, dst, g, fill); break;
    case 3: resampleImageC<3>(src, dst, g, fill); break;
    case 4: resampleImageC<4>(src, dst, g, fill); break;
    default:
      throw Error(ErrorCode::Shape, "image.channels must be 1, 3 or 4 (got " + std::to_string(channels) + ")");
  }
}

void resampleDepth(const float* src, float* dst, const ResampleGeometry& g) {
  checkResampleGeometry(g);
  resampleNearest<float>(src, dst, g);
}

void resampleIds(const uint16_t* src, uint16_t* dst, const ResampleGeometry& g) {
  checkResampleGeometry(g);
  resampleNearest<uint16_t>(src, dst, g);
}

}  // namespace spatial
