// Visible sets: strictly ascending uint32 point indices. Intersection, IoU and the all-pairs
// overlap matrix (never quadratic in points: dense sets go through bitsets + popcount, sparse ones
// through sorted-list merges; the choice is made from the sets' density).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spatial_geom/common.h"

namespace spatial {

struct IndexSet {
  const uint32_t* data;
  size_t size;
};

// Throws Error{Format} naming `what` unless the set is strictly ascending.
void checkSortedSet(const IndexSet& s, const std::string& what);
// checkSortedSet on each set (over threads), naming what + "[i]"; the lowest failing i is reported.
void checkSortedSets(const IndexSet* sets, size_t m, const std::string& what);

size_t intersectionSize(const IndexSet& a, const IndexSet& b);
// Writes a ∩ b (ascending) to out, which must hold min(a.size, b.size) values; returns the count.
size_t intersect(const IndexSet& a, const IndexSet& b, uint32_t* out);
// |a ∩ b| / |a ∪ b|, 0 when both are empty.
double overlap(const IndexSet& a, const IndexSet& b);

enum class OverlapMethod { Auto, Bitset, Merge };
// out: M*M floats, symmetric, diagonal 1 (0 for an empty set). Sets must already be checked.
// With Auto, large bitset-method calls run on CUDA when it is active (bit-identical results).
// CpuPath::Scalar forces the portable bitset kernels (never CUDA); the SIMD ones count the same.
void overlapMatrix(const IndexSet* sets, size_t m, float* out, OverlapMethod method = OverlapMethod::Auto,
                   CpuPath path = CpuPath::Auto);
// overlapMatrix (Auto) of sets not yet checked: throws Error{Format} exactly as checkSortedSets(sets,
// m, what) would, before writing out. The bitset path checks the lists while it builds its bitsets,
// so each list is read from memory once.
void checkedOverlapMatrix(const IndexSet* sets, size_t m, float* out, const std::string& what);
// The method Auto picks for these sets (exposed for tests and the bench).
OverlapMethod chooseOverlapMethod(const IndexSet* sets, size_t m);

}  // namespace spatial
