#include "voxel_keys.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "spatial_geom/parallel.h"

namespace spatial {

using simd::Grid;
using simd::keptPoint;

// The keys of one frame as triples, for grids whose packed key would overflow 64 bits (the packed
// keys: kernels/voxel.inc), sorted and deduplicated.
template <typename T, bool UseConf>
void frameTripleKeys(const T* __restrict p, size_t n, const float* conf, float tau, Grid<T> g, std::vector<Key3>& out) {
  out.clear();
  Key3 last{-1, -1, -1};
  for (size_t i = 0; i < n; ++i) {
    const T x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    if (!keptPoint<T, UseConf>(x, y, z, conf, i, tau)) continue;
    const Key3 k{static_cast<int64_t>(std::floor((x - g.mn[0]) / g.voxel)),
                 static_cast<int64_t>(std::floor((y - g.mn[1]) / g.voxel)),
                 static_cast<int64_t>(std::floor((z - g.mn[2]) / g.voxel))};
    if (k == last) continue;
    last = k;
    out.push_back(k);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

namespace {

// Union of sorted unique arrays by a pairwise merge tree (each level one linear, parallel pass).
template <typename Key>
std::vector<Key> sortedUnion(const std::vector<std::vector<Key>>& sets) {
  std::vector<std::vector<Key>> level(sets.begin(), sets.end());
  if (level.empty()) return {};
  while (level.size() > 1) {
    const size_t pairs = level.size() / 2;
    std::vector<std::vector<Key>> next((level.size() + 1) / 2);
    size_t work = 0;
    for (const auto& s : level) work += s.size();
    parallelChunks(pairs, work, [&](size_t i) {
      const auto& a = level[2 * i];
      const auto& b = level[2 * i + 1];
      next[i].reserve(a.size() + b.size());
      std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(next[i]));
    });
    if (level.size() % 2) next.back() = std::move(level.back());
    level.swap(next);
  }
  return std::move(level[0]);
}

// Maps each frame's sorted keys to their ranks in `all` (galloping search from the last match).
template <typename Key>
std::vector<std::vector<uint32_t>> compactIds(const std::vector<std::vector<Key>>& sets, const std::vector<Key>& all) {
  std::vector<std::vector<uint32_t>> ids(sets.size());
  size_t work = 0;
  for (const auto& s : sets) work += s.size();
  parallelChunks(sets.size(), work, [&](size_t f) {
    const auto& s = sets[f];
    auto& out = ids[f];
    out.resize(s.size());
    size_t pos = 0;
    for (size_t j = 0; j < s.size(); ++j) {
      size_t step = 1, lo = pos, hi = pos;
      while (hi < all.size() && all[hi] < s[j]) {
        lo = hi + 1;
        hi = pos + step;
        step *= 2;
      }
      hi = std::min(hi, all.size());
      pos = static_cast<size_t>(std::lower_bound(all.begin() + lo, all.begin() + hi, s[j]) - all.begin());
      out[j] = static_cast<uint32_t>(pos);
    }
  });
  return ids;
}

}  // namespace

template <typename Key>
std::vector<std::vector<uint32_t>> toVoxelIds(const std::vector<std::vector<Key>>& keys, uint64_t& universe) {
  const std::vector<Key> all = sortedUnion(keys);
  if (all.size() > 0xffffffffull)
    throw Error(ErrorCode::Shape, "voxelCoverageSelect: more than 2^32 distinct voxels (got " + std::to_string(all.size()) +
                                      "); use a larger opts.voxelSize");
  universe = all.size();
  return compactIds(keys, all);
}

template void frameTripleKeys<float, false>(const float*, size_t, const float*, float, Grid<float>, std::vector<Key3>&);
template void frameTripleKeys<float, true>(const float*, size_t, const float*, float, Grid<float>, std::vector<Key3>&);
template void frameTripleKeys<double, false>(const double*, size_t, const float*, float, Grid<double>, std::vector<Key3>&);
template void frameTripleKeys<double, true>(const double*, size_t, const float*, float, Grid<double>, std::vector<Key3>&);
template std::vector<std::vector<uint32_t>> toVoxelIds<uint64_t>(const std::vector<std::vector<uint64_t>>&, uint64_t&);
template std::vector<std::vector<uint32_t>> toVoxelIds<Key3>(const std::vector<std::vector<Key3>>&, uint64_t&);

}  // namespace spatial
