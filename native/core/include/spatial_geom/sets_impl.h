// The per-pair math of the set overlaps, written once for host and device (the *Impl.h pattern of
// projection_impl.h): sets.cpp (overlap, the overlap matrix's merge and bitset methods) and the CUDA
// overlap matrix (native/cuda/sets.cu) form every IoU with this function, so they agree bit for bit.
#pragma once

#include <cstdint>

#include "spatial_geom/common.h"

namespace spatial {

// IoU of two sets from integer counts: inter / (na + nb - inter), divided in double; 0 when the
// union is empty (both sets empty). The overlap matrix rounds the result to float once.
SPATIAL_HD double iouFromCounts(uint64_t inter, uint64_t na, uint64_t nb) {
  const uint64_t uni = na + nb - inter;
  return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

}  // namespace spatial
