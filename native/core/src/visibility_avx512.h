// AVX-512 visibility of float points (private to projection.cpp; compiled only under __AVX512F__).
//
// Same decisions as visibleIn<float> (projection_impl.h), bit for bit: every lane evaluates the same
// IEEE single-precision expression tree in the same order (explicit mul/add/div intrinsics, no FMA),
// and the tests hold this path to the scalar one on scenes with pixel borders, depth ties, invalid
// depth and non-finite points (core/tests/test_simd.cpp). Two rewrites are exact, not approximate:
//  - the bounds test on t = u + 0.5 replaces the one on floor(t): for an integer W,
//    floor(t) >= 0 <=> t >= 0 and floor(t) < W <=> t < W (NaN fails both), and inside the image
//    floor(t) == trunc(t), so the index comes from one truncating conversion (no floor, no clamp);
//  - depth is read only for lanes that pass the geometric test (masked gather), so lanes outside
//    the image never form an address at all.
//
// Why three phases: on this machine a gather costs about the same per lane whether the lane is
// masked off or not, and a depth read that misses L2 costs 2.5-3 ns (1.2 MB maps). Phase 1
// projects 16 points at a time and compresses the index and depth of the lanes inside the image
// into a small buffer; phase 2 gathers only those (16 live lanes per gather) and tests the depth;
// phase 3 scatters the results back to point order with one PDEP per 64 points.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd.h"
#include "spatial_geom/camera.h"
#include "spatial_geom/projection_impl.h"

SPATIAL_SIMD_BEGIN

namespace spatial {
namespace avx512 {

// Points per phase-1 block: its buffers (2 x 16 KB) and the block's 48 KB of xyz stay in L1/L2.
constexpr size_t kBlockPoints = 4096;

struct VisibilityBlock {
  alignas(64) int32_t index[kBlockPoints];  // pixel index of each lane inside the image
  alignas(64) float z[kBlockPoints];        // its camera-space depth
  uint64_t inside[kBlockPoints / 64];       // which points those were, in point order
  uint16_t visible[kBlockPoints / 16 + 5];  // phase-2 results, one bit per compressed lane (+ zeros)
};

// Masks of points [begin, end) of one frame into words[(p - begin) / 64] (bit p % 64); begin must be
// a multiple of 64. Writes every word the range covers.
inline void visibleMaskRange(const float* __restrict pts, size_t begin, size_t end, const CameraParams<float> c,
                             const float* __restrict depth, const float nearPlane, const float tolerance,
                             uint64_t* __restrict words) {
  // Deinterleave xyz of 16 points (three vectors) with two two-source permutes per coordinate:
  // the first picks the lanes held by vectors 0-1, the second those of vector 2.
  const __m512i xa = _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0);
  const __m512i xb = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
  const __m512i ya = _mm512_setr_epi32(1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0);
  const __m512i yb = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
  const __m512i za = _mm512_setr_epi32(2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0);
  const __m512i zb = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
  const __m512 m0 = _mm512_set1_ps(c.m[0]), m1 = _mm512_set1_ps(c.m[1]), m2 = _mm512_set1_ps(c.m[2]);
  const __m512 m3 = _mm512_set1_ps(c.m[3]), m4 = _mm512_set1_ps(c.m[4]), m5 = _mm512_set1_ps(c.m[5]);
  const __m512 m6 = _mm512_set1_ps(c.m[6]), m7 = _mm512_set1_ps(c.m[7]), m8 = _mm512_set1_ps(c.m[8]);
  const __m512 m9 = _mm512_set1_ps(c.m[9]), m10 = _mm512_set1_ps(c.m[10]), m11 = _mm512_set1_ps(c.m[11]);
  const __m512 fx = _mm512_set1_ps(c.fx), fy = _mm512_set1_ps(c.fy), cx = _mm512_set1_ps(c.cx), cy = _mm512_set1_ps(c.cy);
  const __m512 half = _mm512_set1_ps(0.5f), zero = _mm512_setzero_ps(), inf = _mm512_set1_ps(INFINITY);
  const __m512 w = _mm512_set1_ps(static_cast<float>(c.width)), h = _mm512_set1_ps(static_cast<float>(c.height));
  const __m512 nearV = _mm512_set1_ps(nearPlane), tol = _mm512_set1_ps(tolerance);
  const __m512i wi = _mm512_set1_epi32(c.width);
  VisibilityBlock blk;

  const size_t vecEnd = begin + (end - begin) / 16 * 16;
  for (size_t b0 = begin; b0 < vecEnd; b0 += kBlockPoints) {
    const size_t groups = (std::min(vecEnd, b0 + kBlockPoints) - b0) / 16;
    // Phase 1: project, test the geometry, compress the survivors.
    const float* p = pts + 3 * b0;
    size_t k = 0;
    for (size_t g = 0; g < groups; ++g, p += 48) {
      const __m512 v0 = _mm512_loadu_ps(p), v1 = _mm512_loadu_ps(p + 16), v2 = _mm512_loadu_ps(p + 32);
      const __m512 x = _mm512_permutex2var_ps(_mm512_permutex2var_ps(v0, xa, v1), xb, v2);
      const __m512 y = _mm512_permutex2var_ps(_mm512_permutex2var_ps(v0, ya, v1), yb, v2);
      const __m512 z = _mm512_permutex2var_ps(_mm512_permutex2var_ps(v0, za, v1), zb, v2);
      // camFromWorldPoint: ((m0 x + m1 y) + m2 z) + m3, one rounding per operation.
      const __m512 xc = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(m0, x), _mm512_mul_ps(m1, y)), _mm512_mul_ps(m2, z)), m3);
      const __m512 yc = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(m4, x), _mm512_mul_ps(m5, y)), _mm512_mul_ps(m6, z)), m7);
      const __m512 zc = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(m8, x), _mm512_mul_ps(m9, y)), _mm512_mul_ps(m10, z)), m11);
      // pixelOf: fx * xc / zc + cx; then the nearest-pixel coordinate t = u + 0.5.
      const __m512 t = _mm512_add_ps(_mm512_add_ps(_mm512_div_ps(_mm512_mul_ps(fx, xc), zc), cx), half);
      const __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_div_ps(_mm512_mul_ps(fy, yc), zc), cy), half);
      __mmask16 in = _mm512_cmp_ps_mask(zc, nearV, _CMP_GT_OQ);
      in = _mm512_mask_cmp_ps_mask(in, t, zero, _CMP_GE_OQ);
      in = _mm512_mask_cmp_ps_mask(in, t, w, _CMP_LT_OQ);
      in = _mm512_mask_cmp_ps_mask(in, s, zero, _CMP_GE_OQ);
      in = _mm512_mask_cmp_ps_mask(in, s, h, _CMP_LT_OQ);
      const __m512i idx = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_cvttps_epi32(s), wi), _mm512_cvttps_epi32(t));
      _mm512_storeu_si512(blk.index + k, _mm512_maskz_compress_epi32(in, idx));
      _mm512_storeu_ps(blk.z + k, _mm512_maskz_compress_ps(in, zc));
      k += static_cast<size_t>(__builtin_popcount(in));
      std::memcpy(reinterpret_cast<uint16_t*>(blk.inside) + g, &in, 2);
    }
    // Phase 2: depth of the survivors only; valid (finite, > 0) and z <= d + tolerance.
    const size_t live = (k + 15) / 16;
    for (size_t q = 0; q < live; ++q) {
      const __mmask16 lanes = 16 * q + 16 <= k ? __mmask16(0xFFFF) : __mmask16((1u << (k % 16)) - 1);
      const __m512 d = _mm512_mask_i32gather_ps(zero, lanes, _mm512_load_si512(blk.index + 16 * q), depth, 4);
      __mmask16 vis = _mm512_mask_cmp_ps_mask(lanes, d, zero, _CMP_GT_OQ);
      vis = _mm512_mask_cmp_ps_mask(vis, d, inf, _CMP_LT_OQ);
      vis = _mm512_mask_cmp_ps_mask(vis, _mm512_load_ps(blk.z + 16 * q), _mm512_add_ps(d, tol), _CMP_LE_OQ);
      blk.visible[q] = vis;
    }
    for (size_t q = live; q < live + 5; ++q) blk.visible[q] = 0;  // phase 3 reads up to 5 past its position
    // Phase 3: back to point order. The next popcount(inside) result bits belong to this word's
    // inside points, in order: PDEP lays them onto those positions.
    uint64_t* out = words + (b0 - begin) / 64;
    const size_t nWords = (groups + 3) / 4;
    if (groups % 4) blk.inside[nWords - 1] &= (uint64_t(1) << (16 * (groups % 4))) - 1;
    size_t pos = 0;
    for (size_t wd = 0; wd < nWords; ++wd) {
      const uint64_t inw = blk.inside[wd];
      const size_t q = pos / 16, shift = pos % 16;
      uint64_t bits;
      std::memcpy(&bits, blk.visible + q, 8);
      bits >>= shift;
      if (shift) bits |= static_cast<uint64_t>(blk.visible[q + 4]) << (64 - shift);
      out[wd] = _pdep_u64(bits, inw);
      pos += static_cast<size_t>(__builtin_popcountll(inw));
    }
  }
  // The last < 16 points: the scalar test (same expression tree, same decisions).
  if (vecEnd < end) {
    uint64_t bits = 0;
    for (size_t p = vecEnd; p < end; ++p)
      bits |= static_cast<uint64_t>(visibleIn(c, depth, pts[3 * p], pts[3 * p + 1], pts[3 * p + 2], nearPlane, tolerance))
              << (p % 64);
    uint64_t& word = words[(vecEnd - begin) / 64];
    word = (vecEnd % 64 ? word : 0) | bits;
  }
}

}  // namespace avx512
}  // namespace spatial

SPATIAL_SIMD_END
