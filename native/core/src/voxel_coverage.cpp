// Space-aware frame sampling (spatial_geom/voxel.h): candidates, the voxel grid over the kept
// points, the greedy maximum coverage and its fill. The confidence median is order_statistics.cpp,
// the voxel keys and ids voxel_keys.cpp (packed keys: kernels/voxel.inc).
#include "spatial_geom/voxel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"
#include "voxel_keys.h"

namespace spatial {

std::vector<uint32_t> linspaceCandidates(size_t n, size_t m) {
  std::vector<uint32_t> out(m);
  if (m == 0) return out;
  if (m == 1) {
    out[0] = 0;
    return out;
  }
  // numpy.linspace: step = (stop - start) / (num - 1); y = arange(num) * step; y[-1] = stop;
  // then astype(int) truncates (all values are >= 0, so truncation is floor).
  const double step = double(n - 1) / double(m - 1);
  for (size_t i = 0; i + 1 < m; ++i) out[i] = static_cast<uint32_t>(std::floor(double(i) * step));
  out[m - 1] = static_cast<uint32_t>(n - 1);
  return out;
}

CoverageSelection greedyCoverage(const std::vector<std::vector<uint32_t>>& sets, size_t universe,
                                 const std::vector<uint32_t>& times, size_t k) {
  const size_t m = sets.size();
  k = std::min(k, m);
  CoverageSelection sel;
  sel.order.reserve(k);
  sel.coverage.reserve(k);
  // Inverted index (CSR) voxel -> frames holding it, so a pick updates the other frames' gains
  // exactly once per newly covered voxel: O(sum |V_f| + k * M) in all.
  std::vector<uint64_t> start(universe + 1, 0);
  for (const auto& s : sets)
    for (uint32_t id : s) ++start[id + 1];
  for (size_t i = 0; i < universe; ++i) start[i + 1] += start[i];
  std::vector<uint32_t> holders(start[universe]);
  {
    std::vector<uint64_t> fill(start.begin(), start.end() - 1);
    for (size_t f = 0; f < m; ++f)
      for (uint32_t id : sets[f]) holders[fill[id]++] = static_cast<uint32_t>(f);
  }
  std::vector<int64_t> gain(m);
  for (size_t f = 0; f < m; ++f) gain[f] = static_cast<int64_t>(sets[f].size());
  std::vector<uint8_t> covered(universe, 0), selected(m, 0);
  uint64_t total = 0;
  while (sel.order.size() < k) {
    size_t best = m;
    int64_t bestGain = 0;
    for (size_t f = 0; f < m; ++f)
      if (!selected[f] && gain[f] > bestGain) {
        bestGain = gain[f];
        best = f;
      }
    if (best == m) break;
    selected[best] = 1;
    for (uint32_t id : sets[best]) {
      if (covered[id]) continue;
      covered[id] = 1;
      for (uint64_t h = start[id]; h < start[id + 1]; ++h) --gain[holders[h]];
    }
    total += static_cast<uint64_t>(bestGain);
    sel.order.push_back(static_cast<uint32_t>(best));
    sel.coverage.push_back(total);
  }
  sel.greedyPicks = sel.order.size();
  // Fill: spread the remaining picks evenly in time (farthest from the nearest selected frame).
  constexpr uint64_t kFar = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> nearest(m, kFar);
  auto account = [&](size_t s) {
    for (size_t f = 0; f < m; ++f) {
      const uint64_t d = times[f] > times[s] ? times[f] - times[s] : times[s] - times[f];
      nearest[f] = std::min(nearest[f], d);
    }
  };
  for (uint32_t s : sel.order) account(s);
  while (sel.order.size() < k) {
    size_t best = m;
    for (size_t f = 0; f < m; ++f)
      if (!selected[f] && (best == m || nearest[f] > nearest[best])) best = f;
    selected[best] = 1;
    account(best);
    sel.order.push_back(static_cast<uint32_t>(best));
    sel.coverage.push_back(total);
  }
  return sel;
}

namespace {

using simd::Box;
using simd::Grid;
using simd::kNoKey;
constexpr double kMaxAxisIndex = 9007199254740991.0;  // 2^53 - 1: exact in double and in JS numbers


std::string axisName(int a) { return a == 0 ? "x" : a == 1 ? "y" : "z"; }

template <typename T, bool UseConf>
void selectTyped(const PointMapView* maps, const std::vector<uint32_t>& cand, size_t k, const VoxelCoverageOptions& opts,
                 float tau, VoxelCoverageResult& res) {
  const size_t m = cand.size();
  auto pointsOf = [&](size_t c) { return static_cast<const T*>(maps[cand[c]].points); };
  auto confOf = [&](size_t c) { return opts.useConfidence ? maps[cand[c]].confidence : nullptr; };
  uint64_t totalPoints = 0;
  for (size_t c = 0; c < m; ++c) totalPoints += maps[cand[c]].n;

  const simd::PointKernels<T>& kern = simd::kernelsFor(CpuPath::Auto).points<T>();
  std::vector<Box> boxes(m);
  parallelChunks(m, totalPoints, [&](size_t c) { boxes[c] = kern.frameBox[UseConf](pointsOf(c), confOf(c), maps[cand[c]].n, tau); });
  Box box;
  for (const Box& b : boxes) {
    box.kept += b.kept;
    for (int a = 0; a < 3; ++a) {
      box.mn[a] = std::min(box.mn[a], b.mn[a]);
      box.mx[a] = std::max(box.mx[a], b.mx[a]);
    }
  }
  res.keptPoints = box.kept;

  std::vector<std::vector<uint32_t>> ids(m);
  uint64_t universe = 0;
  if (box.kept > 0) {
    Grid<T> g;
    T ext[3];
    for (int a = 0; a < 3; ++a) {
      g.mn[a] = static_cast<T>(box.mn[a]);
      ext[a] = static_cast<T>(box.mx[a]) - g.mn[a];
    }
    if (opts.voxelSize > 0) {
      g.voxel = static_cast<T>(opts.voxelSize);
      if (!(g.voxel > T(0)) || !std::isfinite(g.voxel))
        throw Error(ErrorCode::Shape, "opts.voxelSize must be representable as a positive finite float32 for Float32Array point maps (got " +
                                          std::to_string(opts.voxelSize) + ")");
    } else {
      // Spatial-MLLM: min(x_max - x_min, y_max - y_min, z_max - z_min) / 20, in the point precision.
      g.voxel = std::min(ext[0], std::min(ext[1], ext[2])) / T(20);
      if (!(g.voxel > T(0))) {
        T smallest = std::numeric_limits<T>::infinity();
        for (int a = 0; a < 3; ++a)
          if (ext[a] > T(0)) smallest = std::min(smallest, ext[a]);
        g.voxel = std::isfinite(smallest) ? smallest / T(20) : T(1);
        if (!(g.voxel > T(0))) g.voxel = T(1);
      }
    }
    uint64_t cells = 1;
    bool packed = true;  // packed 64-bit keys while the grid has fewer than 2^64 - 1 cells (kNoKey stays free)
    for (int a = 0; a < 3; ++a) {
      const double top = static_cast<double>(std::floor(ext[a] / g.voxel));
      if (!(top <= kMaxAxisIndex))
        throw Error(ErrorCode::Shape, "voxelCoverageSelect: the voxel grid is too fine (more than 2^53 voxels along " + axisName(a) +
                                          ": extent " + std::to_string(double(ext[a])) + ", voxel " + std::to_string(double(g.voxel)) +
                                          "); use a larger opts.voxelSize");
      g.dims[a] = static_cast<uint64_t>(top) + 1;
      packed = packed && !__builtin_mul_overflow(cells, g.dims[a], &cells) && cells < kNoKey;
    }
    res.voxelSize = static_cast<double>(g.voxel);
    if (packed) {
      g.strideY = g.dims[2];
      g.strideX = g.dims[1] * g.dims[2];
      std::vector<std::vector<uint64_t>> keys(m);
      parallelChunks(m, totalPoints, [&](size_t c) { kern.framePackedKeys[UseConf](pointsOf(c), maps[cand[c]].n, confOf(c), tau, g, keys[c]); });
      ids = toVoxelIds(keys, universe);
    } else {
      std::vector<std::vector<Key3>> keys(m);
      parallelChunks(m, totalPoints, [&](size_t c) { frameTripleKeys<T, UseConf>(pointsOf(c), maps[cand[c]].n, confOf(c), tau, g, keys[c]); });
      ids = toVoxelIds(keys, universe);
    }
  } else if (opts.voxelSize > 0) {
    res.voxelSize = static_cast<double>(static_cast<T>(opts.voxelSize));
  }
  res.totalVoxels = universe;
  CoverageSelection sel = greedyCoverage(ids, static_cast<size_t>(universe), cand, k);
  res.greedyPicks = sel.greedyPicks;
  res.coverage = std::move(sel.coverage);
  res.order.resize(sel.order.size());
  for (size_t i = 0; i < sel.order.size(); ++i) res.order[i] = cand[sel.order[i]];
  res.frames = res.order;
  std::sort(res.frames.begin(), res.frames.end());
}

}  // namespace

VoxelCoverageResult voxelCoverageSelect(const PointMapView* maps, size_t frames, size_t k, const VoxelCoverageOptions& opts) {
  if (opts.candidates < 1)
    throw Error(ErrorCode::Shape, "opts.candidates must be an integer >= 1 (got " + std::to_string(opts.candidates) + ")");
  if (!(opts.voxelSize >= 0) || !std::isfinite(opts.voxelSize))
    throw Error(ErrorCode::Shape, "opts.voxelSize must be a finite number > 0 (got " + std::to_string(opts.voxelSize) + ")");
  if (frames > 0xffffffffull) throw Error(ErrorCode::Shape, "pointMaps must hold fewer than 2^32 frames");
  for (size_t f = 0; f < frames; ++f) {
    if (maps[f].n > 0 && !maps[f].points)
      throw Error(ErrorCode::Shape, "pointMaps[" + std::to_string(f) + "] has no data");
    if (opts.useConfidence && maps[f].n > 0 && !maps[f].confidence)
      throw Error(ErrorCode::Shape, "opts.confidences[" + std::to_string(f) + "] has no data");
  }
  VoxelCoverageResult res;
  res.confidenceThreshold = std::numeric_limits<double>::quiet_NaN();
  res.candidates = linspaceCandidates(frames, std::min(opts.candidates, frames));
  const size_t m = res.candidates.size();
  float tau = std::numeric_limits<float>::quiet_NaN();  // NaN keeps nothing (every >= test fails)
  if (opts.useConfidence) {
    std::vector<const float*> conf(m);
    std::vector<size_t> counts(m);
    for (size_t c = 0; c < m; ++c) {
      conf[c] = maps[res.candidates[c]].confidence;
      counts[c] = maps[res.candidates[c]].n;
    }
    if (medianFloat32(conf.data(), counts.data(), m, &tau)) res.confidenceThreshold = static_cast<double>(tau) + 0.0;
  }
  if (opts.isDouble) {
    if (opts.useConfidence) selectTyped<double, true>(maps, res.candidates, k, opts, tau, res);
    else selectTyped<double, false>(maps, res.candidates, k, opts, tau, res);
  } else {
    if (opts.useConfidence) selectTyped<float, true>(maps, res.candidates, k, opts, tau, res);
    else selectTyped<float, false>(maps, res.candidates, k, opts, tau, res);
  }
  return res;
}

}  // namespace spatial
