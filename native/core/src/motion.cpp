// Rigid-body segmentation kernels: pairwise distance change over time, and average linkage. The
// distance-change rows (an O(N^2 T) square-root loop) are compiled per instruction-set level
// (kernels/motion.inc): plain x86-64 ran it 2.5x slower than AVX-512.
#include "spatial_geom/motion.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"

namespace spatial {

namespace {

// Rows of the condensed matrix handled together: for each frame their j-loops reread the same
// frame coordinates, which then come from cache instead of memory.
constexpr size_t kRowBlock = 16;

template <typename T>
void trackDistanceChangeImpl(const T* tracks, size_t frames, size_t n, double smoothing, double* out) {
  if (!(smoothing >= 0) || !std::isfinite(smoothing))
    throw Error(ErrorCode::Shape, "smoothing must be a finite number >= 0 (got " + formatNumber(smoothing) + ")");
  const size_t pairs = n < 2 ? 0 : n * (n - 1) / 2;
  std::fill(out, out + pairs, 0.0);
  if (pairs == 0 || frames < 2) return;
  // Structure of arrays in double: the j-loops then read three contiguous streams.
  std::vector<double> soa(3 * frames * n);
  double* xs = soa.data();
  double* ys = xs + frames * n;
  double* zs = ys + frames * n;
  for (size_t t = 0; t < frames; ++t)
    for (size_t j = 0; j < n; ++j) {
      const T* q = tracks + 3 * (t * n + j);
      xs[t * n + j] = q[0];
      ys[t * n + j] = q[1];
      zs[t * n + j] = q[2];
    }
  const size_t blocks = (n - 1 + kRowBlock - 1) / kRowBlock;
  const auto accumulateRows = simd::kernelsFor(CpuPath::Auto).accumulateRows;
  parallelChunks(blocks, pairs * frames, [&](size_t b) {
    const size_t i0 = b * kRowBlock, i1 = std::min(n - 1, i0 + kRowBlock);
    std::vector<double> prev((i1 - i0) * n);
    accumulateRows(xs, ys, zs, frames, n, i0, i1, smoothing, out, prev.data());
  });
}

}  // namespace

void trackDistanceChange(const float* tracks, size_t frames, size_t n, double smoothing, double* out) {
  trackDistanceChangeImpl(tracks, frames, n, smoothing, out);
}
void trackDistanceChange(const double* tracks, size_t frames, size_t n, double smoothing, double* out) {
  trackDistanceChangeImpl(tracks, frames, n, smoothing, out);
}

size_t averageLinkageCut(double* d, size_t n, double cut, int32_t* labels) {
  const size_t pairs = n < 2 ? 0 : n * (n - 1) / 2;
  for (size_t k = 0; k < pairs; ++k)
    if (!(d[k] >= 0))
      throw Error(ErrorCode::Shape, "distances must be >= 0 and not NaN (entry " + std::to_string(k) + " is " + formatNumber(d[k]) + ")");
  auto at = [d, n](size_t a, size_t b) -> double& { return a < b ? d[condensedIndex(n, a, b)] : d[condensedIndex(n, b, a)]; };

  // parent: union of merged items (a merged cluster lives on in the slot of one of its parts).
  std::vector<size_t> parent(n), size(n, 1);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  std::vector<size_t> active(n);
  for (size_t i = 0; i < n; ++i) active[i] = i;
  auto deactivate = [&active](size_t c) { active.erase(std::find(active.begin(), active.end(), c)); };

  std::vector<size_t> chain;
  while (active.size() > 1) {
    if (chain.empty()) chain.push_back(active.front());
    const size_t a = chain.back();
    // Nearest active neighbour of a; ties go to the previous chain element (keeps the chain from
    // cycling), then to the lowest slot.
    const size_t prevInChain = chain.size() >= 2 ? chain[chain.size() - 2] : n;
    size_t b = n;
    double best = INFINITY;
    if (prevInChain != n) {
      b = prevInChain;
      best = at(a, b);
    }
    for (size_t c : active) {
      if (c == a) continue;
      const double v = at(a, c);
      if (v < best) {
        best = v;
        b = c;
      }
    }
    if (!(best <= cut)) {
      // Every chain element's nearest neighbour is at least this far: none of them can ever merge
      // below the cut (an average of distances > cut stays > cut).
      for (size_t c : chain) deactivate(c);
      chain.clear();
      continue;
    }
    if (b == prevInChain) {
      // Reciprocal nearest neighbours: merge a into b (Lance-Williams update for average linkage).
      chain.pop_back();
      chain.pop_back();
      const double na = static_cast<double>(size[a]), nb = static_cast<double>(size[b]);
      for (size_t c : active) {
        if (c == a || c == b) continue;
        double& dbc = at(b, c);
        dbc = (na * at(a, c) + nb * dbc) / (na + nb);
      }
      size[b] += size[a];
      parent[a] = b;
      deactivate(a);
    } else {
      chain.push_back(b);
    }
  }

  // Representative of each item, then clusters numbered by their smallest item.
  std::vector<int32_t> clusterOfRoot(n, -1);
  int32_t clusters = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t r = i;
    while (parent[r] != r) r = parent[r];
    for (size_t k = i; parent[k] != r;) {  // path compression keeps this linear
      const size_t next = parent[k];
      parent[k] = r;
      k = next;
    }
    if (clusterOfRoot[r] < 0) clusterOfRoot[r] = clusters++;
    labels[i] = clusterOfRoot[r];
  }
  return static_cast<size_t>(clusters);
}

}  // namespace spatial
