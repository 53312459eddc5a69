// Batched projection, visibility and back-projection over many points and cameras (CPU).
// Shapes: points are 3N interleaved xyz (world frame, metres); outputs are frame-major
// (uv[2*(f*N+i)+k], depth[f*N+i]). Every function validates sizes and throws spatial::Error
// before it reads or writes anything.
#pragma once

#include <cstdint>
#include <vector>

#include "spatial_geom/camera.h"

namespace spatial {

// A metric depth map (row-major, metres; 0 or non-finite = no measurement).
struct DepthView {
  const float* data;
  int32_t width, height;
};

struct VisibilityOptions {
  double nearPlane = 1e-6;  // z must exceed this
  double tolerance = 0.05;  // z <= depth + tolerance, metres
};

// Throws Error{Shape} unless n fits the uint32 point indices the visible sets use.
void checkPointCount(size_t n, const char* what = "points");
// Throws unless each depth map matches its camera's image size; `what` names the argument.
void checkDepthMaps(const Camera* cams, const DepthView* depths, size_t frames, const char* what = "depths");
void checkVisibilityOptions(const VisibilityOptions& opts);

// uv: 2*F*N floats, depth: F*N floats. Points behind the camera (z <= 0) get uv NaN.
template <typename Real>
void projectPoints(const Real* points, size_t n, const Camera* cams, size_t frames, float* uv, float* depth);

// Visibility bit masks: masks[f * words + w] holds points 64w..64w+63 of frame f,
// words = maskWords(n). CpuPath::Scalar forces the portable CPU loop (never CUDA); the SIMD path
// (float points, AVX-512 builds) gives the same masks bit for bit.
inline size_t maskWords(size_t n) { return (n + 63) / 64; }
template <typename Real>
void visibilityMasks(const Real* points, size_t n, const Camera* cams, const DepthView* depths, size_t frames,
                     const VisibilityOptions& opts, uint64_t* masks, CpuPath path = CpuPath::Auto);

size_t maskCount(const uint64_t* mask, size_t words);
// Writes the ascending indices of the set bits; out must hold maskCount(mask, words) values.
void maskToIndices(const uint64_t* mask, size_t words, uint32_t* out);

// Visible set of every frame: ascending point indices.
template <typename Real>
std::vector<std::vector<uint32_t>> visibleSets(const Real* points, size_t n, const Camera* cams,
                                               const DepthView* depths, size_t frames, const VisibilityOptions& opts);

// Stored depth samples (a 16-bit depth PNG: ScanNet millimetres, TUM 1/5000 m) to metres:
// out[i] = float(double(stored[i]) / scale), so 0 stays 0 (no measurement) and the result is the
// one lib/io/image.ts' readDepthPng gives (double division, then float rounding). Throws
// Error{Shape} unless scale is finite and > 0.
void depthFromStored(const uint16_t* stored, size_t n, double scale, float* out);
void checkDepthScale(double scale);

// Back-projection of the valid pixels of a depth map on a stride grid (rows and columns
// 0, s, 2s, ...), row-major pixel order, to world points (xyz float).
size_t backprojectCount(const DepthView& depth, int32_t stride);
void backprojectDepth(const DepthView& depth, const Camera& cam, int32_t stride, float* out);
void checkBackprojectArgs(const DepthView& depth, const Camera& cam, int32_t stride);

}  // namespace spatial
