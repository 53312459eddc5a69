// Rigid-body segmentation of 3D point tracks (MultiSPA's object-movement engine, SEEDS.md 1.7.6).
//
// Tracks are T frames x N points x 3 (frame-major, the TAPVid-3D `tracks_XYZ` layout), in any one
// rigidly moving frame per time step (camera coordinates are fine: pairwise distances do not see the
// camera's own motion). Two tracks on one rigid body keep their distance; the segmentation
// accumulates how much every pairwise distance changes and clusters tracks that barely change.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spatial_geom/common.h"

namespace spatial {

// Index of pair (i, j), i < j, in a condensed upper-triangle matrix of n items (SciPy's order:
// row i holds pairs (i, i+1) ... (i, n-1)).
inline size_t condensedIndex(size_t n, size_t i, size_t j) { return n * i - i * (i + 1) / 2 + (j - i - 1); }

// out[condensedIndex(n, i, j)] = sum over t = 1..frames-1 of delta_t when delta_t > smoothing, where
// delta_t = | |X_i(t) - X_j(t)| - |X_i(t-1) - X_j(t-1)| | (Euclidean, in double precision).
// Frames where either track is not finite contribute nothing to that pair (the comparison with a
// NaN is false). For every pair the sum runs over t in increasing order, so the result is
// bit-identical to a plain per-pair loop. `out` has n(n-1)/2 entries and is overwritten.
// Multi-threaded over blocks of rows. Throws Error{Shape} on a negative or non-finite smoothing.
void trackDistanceChange(const float* tracks, size_t frames, size_t n, double smoothing, double* out);
void trackDistanceChange(const double* tracks, size_t frames, size_t n, double smoothing, double* out);

// Average-linkage (UPGMA) agglomerative clustering of n items from condensed distances, cut at
// `cut`: two items share a cluster iff they are joined by merges of height <= cut (SciPy's
// fcluster(linkage(d, 'average'), cut, 'distance')). Nearest-neighbour-chain algorithm: O(n^2)
// time, no memory beyond the matrix, which is used as scratch space and destroyed. A cluster whose
// nearest neighbour is farther than `cut` is retired at once: under average linkage it can never
// come closer. labels[i] = cluster of item i, numbered 0, 1, ... in order of each cluster's
// smallest item. Returns the number of clusters. Throws Error{Shape} on a NaN or negative distance.
size_t averageLinkageCut(double* condensed, size_t n, double cut, int32_t* labels);

}  // namespace spatial
