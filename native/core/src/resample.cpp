// Resampling kernels (see resample.h for the sampling rules). Each call first builds per-column and
// per-row tables (source indices, weights, inside flags: O(W' + H') work), then runs plain row loops
// over __restrict pointers, split over threads by row blocks when the image is large.
//
// Every floating-point step is written in the same order as lib/reference/resample-kernels.ts and
// the build forbids FMA contraction (-ffp-contract=off), so native and reference outputs are
// bit-identical, colour included.
#include "spatial_geom/resample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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

// Bilinear table of one axis: for each destination index, the two source indices (times `stride`),
// the weight of the second one and its complement, and whether the position is on the image.
struct BilinearAxis {
  std::vector<int32_t> i0, i1;
  std::vector<double> w, w1;  // w1 = 1 - w
  std::vector<uint8_t> inside;

  BilinearAxis(const AxisMap& m, int32_t dstN, int32_t srcN, int32_t stride)
      : i0(dstN, 0), i1(dstN, 0), w(dstN, 0.0), w1(dstN, 1.0), inside(dstN, 0) {
    const double last = double(srcN - 1);
    for (int32_t k = 0; k < dstN; ++k) {
      const double u = sourceOf(m, k);
      if (!onAxis(u, srcN)) continue;  // fill; indices stay 0 so nothing reads out of bounds
      // Clamp to edge inside the half-pixel border, then split into index and fraction.
      double uc = u < 0.0 ? 0.0 : u;
      uc = uc > last ? last : uc;
      const double f = std::floor(uc);
      const int32_t a = static_cast<int32_t>(f);
      inside[k] = 1;
      i0[k] = a * stride;
      i1[k] = std::min(a + 1, srcN - 1) * stride;
      w[k] = uc - f;
      w1[k] = 1.0 - w[k];
    }
  }
};

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

inline uint8_t roundByte(double v) {
  const double r = std::floor(v + 0.5);
  return static_cast<uint8_t>(r > 255.0 ? 255.0 : r);
}

// One destination row, two source rows blended with weights (wy1, wy).
template <int C>
void bilinearRow(const uint8_t* __restrict r0, const uint8_t* __restrict r1, double wy, double wy1,
                 const int32_t* __restrict x0, const int32_t* __restrict x1, const double* __restrict wx,
                 const double* __restrict wx1, const uint8_t* __restrict inX, const uint8_t* __restrict fill,
                 uint8_t* __restrict out, int32_t n) {
  for (int32_t j = 0; j < n; ++j) {
    uint8_t* o = out + size_t(j) * C;
    if (!inX[j]) {
      for (int c = 0; c < C; ++c) o[c] = fill[c];
      continue;
    }
    const uint8_t* a = r0 + x0[j];
    const uint8_t* b = r0 + x1[j];
    const uint8_t* p = r1 + x0[j];
    const uint8_t* q = r1 + x1[j];
    for (int c = 0; c < C; ++c) {
      const double top = double(a[c]) * wx1[j] + double(b[c]) * wx[j];
      const double bottom = double(p[c]) * wx1[j] + double(q[c]) * wx[j];
      o[c] = roundByte(top * wy1 + bottom * wy);
    }
  }
}

// The same row when wy == 0. With wy == 0 the general formula gives top * 1 + bottom * 0 == top
// exactly (all terms finite and >= 0), so skipping the second row changes no result.
template <int C>
void bilinearRowSingle(const uint8_t* __restrict r0, const int32_t* __restrict x0, const int32_t* __restrict x1,
                       const double* __restrict wx, const double* __restrict wx1, const uint8_t* __restrict inX,
                       const uint8_t* __restrict fill, uint8_t* __restrict out, int32_t n) {
  for (int32_t j = 0; j < n; ++j) {
    uint8_t* o = out + size_t(j) * C;
    if (!inX[j]) {
      for (int c = 0; c < C; ++c) o[c] = fill[c];
      continue;
    }
    const uint8_t* a = r0 + x0[j];
    const uint8_t* b = r0 + x1[j];
    for (int c = 0; c < C; ++c) o[c] = roundByte(double(a[c]) * wx1[j] + double(b[c]) * wx[j]);
  }
}

template <int C>
void resampleImageC(const uint8_t* src, uint8_t* dst, const ResampleGeometry& g, const uint8_t* fill) {
  const BilinearAxis xs(g.x, g.dstWidth, g.srcWidth, C);
  const BilinearAxis ys(g.y, g.dstHeight, g.srcHeight, 1);
  const size_t srcRow = size_t(g.srcWidth) * C, dstRow = size_t(g.dstWidth) * C;
  const size_t chunks = (size_t(g.dstHeight) + kRowsPerChunk - 1) / kRowsPerChunk;
  // Work units: one bilinear sample (4 reads, ~8 flops) per channel, weighted x4 against the
  // projection-sized unit the threshold was tuned for (measured: 1920x1440 -> 640x480 RGB gains from 2 threads).
  const size_t work = size_t(g.dstWidth) * g.dstHeight * C * 4;
  parallelChunks(chunks, work, [&](size_t chunk) {
    const int32_t begin = int32_t(chunk) * kRowsPerChunk;
    const int32_t end = std::min(begin + kRowsPerChunk, g.dstHeight);
    for (int32_t i = begin; i < end; ++i) {
      uint8_t* out = dst + size_t(i) * dstRow;
      if (!ys.inside[i]) {
        for (int32_t j = 0; j < g.dstWidth; ++j)
          for (int c = 0; c < C; ++c) out[size_t(j) * C + c] = fill[c];
        continue;
      }
      const uint8_t* r0 = src + size_t(ys.i0[i]) * srcRow;
      const uint8_t* r1 = src + size_t(ys.i1[i]) * srcRow;
      if (ys.w[i] == 0.0)
        bilinearRowSingle<C>(r0, xs.i0.data(), xs.i1.data(), xs.w.data(), xs.w1.data(), xs.inside.data(), fill, out, g.dstWidth);
      else
        bilinearRow<C>(r0, r1, ys.w[i], ys.w1[i], xs.i0.data(), xs.i1.data(), xs.w.data(), xs.w1.data(), xs.inside.data(),
                       fill, out, g.dstWidth);
    }
  });
}

template <typename T>
void nearestRow(const T* __restrict row, const int32_t* __restrict xs, T* __restrict out, int32_t n) {
  for (int32_t j = 0; j < n; ++j) {
    const int32_t s = xs[j];
    const T v = row[s < 0 ? 0 : s];  // branch-free: read a valid element, discard it when outside
    out[j] = s < 0 ? T(0) : v;
  }
}

template <typename T>
void resampleNearest(const T* src, T* dst, const ResampleGeometry& g) {
  const std::vector<int32_t> xs = nearestAxis(g.x, g.dstWidth, g.srcWidth);
  const std::vector<int32_t> ys = nearestAxis(g.y, g.dstHeight, g.srcHeight);
  const size_t chunks = (size_t(g.dstHeight) + kRowsPerChunk - 1) / kRowsPerChunk;
  parallelChunks(chunks, size_t(g.dstWidth) * g.dstHeight, [&](size_t chunk) {
    const int32_t begin = int32_t(chunk) * kRowsPerChunk;
    const int32_t end = std::min(begin + kRowsPerChunk, g.dstHeight);
    for (int32_t i = begin; i < end; ++i) {
      T* out = dst + size_t(i) * g.dstWidth;
      if (ys[i] < 0) {
        std::fill(out, out + g.dstWidth, T(0));
        continue;
      }
      nearestRow<T>(src + size_t(ys[i]) * g.srcWidth, xs.data(), out, g.dstWidth);
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
