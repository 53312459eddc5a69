#include "spatial_geom/downsample.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace spatial {

namespace {
constexpr int64_t kBias = int64_t(1) << 20;  // voxel indices in [-2^20, 2^20) pack into 21 bits

uint64_t packKey(int64_t x, int64_t y, int64_t z) {
  return (uint64_t(x + kBias) << 42) | (uint64_t(y + kBias) << 21) | uint64_t(z + kBias);
}
}  // namespace

DownsampleResult voxelDownsample(const float* points, size_t n, const uint16_t* labels, double voxelSize) {
  if (!std::isfinite(voxelSize) || !(voxelSize > 0))
    throw Error(ErrorCode::Shape, "opts.voxelSize must be a finite number > 0 (got " + std::to_string(voxelSize) + ")");
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(n);
  const double inv = 1.0 / voxelSize;
  for (size_t i = 0; i < n; ++i) {
    const double x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
    if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z)) continue;
    const double fx = std::floor(x * inv), fy = std::floor(y * inv), fz = std::floor(z * inv);
    if (std::abs(fx) >= double(kBias) || std::abs(fy) >= double(kBias) || std::abs(fz) >= double(kBias))
      throw Error(ErrorCode::Shape, "points[" + std::to_string(i) + "] is too far from the origin for voxelSize " +
                                        std::to_string(voxelSize) + " (more than 2^20 voxels)");
    keyed.emplace_back(packKey(int64_t(fx), int64_t(fy), int64_t(fz)), uint32_t(i));
  }
  // Sorting (key, index) pairs makes the output order and the label tie-break deterministic.
  std::sort(keyed.begin(), keyed.end());
  DownsampleResult r;
  std::vector<std::pair<uint16_t, uint32_t>> tally;
  for (size_t a = 0; a < keyed.size();) {
    size_t b = a;
    double sx = 0, sy = 0, sz = 0;
    while (b < keyed.size() && keyed[b].first == keyed[a].first) {
      const uint32_t i = keyed[b].second;
      sx += points[3 * i];
      sy += points[3 * i + 1];
      sz += points[3 * i + 2];
      ++b;
    }
    const double c = double(b - a);
    r.points.push_back(float(sx / c));
    r.points.push_back(float(sy / c));
    r.points.push_back(float(sz / c));
    r.counts.push_back(uint32_t(b - a));
    if (labels) {
      tally.clear();
      for (size_t k = a; k < b; ++k) tally.emplace_back(labels[keyed[k].second], 0);
      std::sort(tally.begin(), tally.end());
      uint16_t best = tally[0].first;
      size_t bestCount = 0;
      for (size_t s = 0; s < tally.size();) {
        size_t e = s;
        while (e < tally.size() && tally[e].first == tally[s].first) ++e;
        if (e - s > bestCount) {  // strict: ties keep the smaller label (sorted ascending)
          bestCount = e - s;
          best = tally[s].first;
        }
        s = e;
      }
      r.labels.push_back(best);
    }
    a = b;
  }
  return r;
}

}  // namespace spatial
