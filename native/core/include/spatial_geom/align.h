// Similarity alignment of corresponding point sets (Umeyama 1991): the scale s, rotation R and
// translation t minimising sum ||s R src_i + t - dst_i||^2 over the pairs whose six coordinates are
// all finite. Used to compare VGGT-style predictions (arbitrary scale, first-camera frame) with
// metric ground truth.
#pragma once

#include <cstddef>

#include "spatial_geom/common.h"

namespace spatial {

struct Sim3 {
  double scale = 1;
  double rotation[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major, a proper rotation (det +1)
  double translation[3] = {0, 0, 0};
  double rmse = 0;  // sqrt(mean ||s R src + t - dst||^2) over the pairs used
  size_t count = 0;  // pairs used (both points finite)
};

// src and dst hold n points each (3n values), float or double independently. withScale = false
// fixes s = 1 (rigid alignment). Sums run over fixed chunks of points, so the result does not
// depend on the thread count. Throws Error{Shape} with fewer than 3 finite pairs, or when every
// finite src point is the same point.
Sim3 alignSim3(const void* src, bool srcDouble, const void* dst, bool dstDouble, size_t n, bool withScale);

}  // namespace spatial
