#include "spatial_geom/voxel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"

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

namespace {

// Order-preserving map of a float's bits to an unsigned key (-inf < ... < -0 < +0 < ... < +inf).
inline uint32_t floatKey(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
inline float keyFloat(uint32_t k) {
  const uint32_t u = (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Splits `arrays` into at most threadCount() contiguous chunks, for per-chunk scratch (histograms).
struct ArrayChunks {
  size_t chunks, arrays;
  size_t begin(size_t c) const { return c * arrays / chunks; }
  size_t end(size_t c) const { return (c + 1) * arrays / chunks; }
};
ArrayChunks arrayChunks(size_t arrays) {
  const size_t t = static_cast<size_t>(std::max(1, threadCount()));
  return ArrayChunks{std::max<size_t>(1, std::min(arrays, t)), arrays};
}

}  // namespace

namespace {

// The order statistics of ranks (count - 1) / 2 and count / 2 among the non-NaN values, by radix
// select in two passes (top 16 bits, then the low 16 bits of the matching buckets): O(n) with no
// copy, whatever the distribution. Returns false when there is no non-NaN value.
bool radixMiddle(const float* const* values, const size_t* counts, size_t arrays, float mid[2]) {
  constexpr size_t kBins = 65536;
  size_t total = 0;
  for (size_t a = 0; a < arrays; ++a) total += counts[a];
  const ArrayChunks ch = arrayChunks(arrays);
  std::vector<std::vector<uint64_t>> hist(ch.chunks);
  parallelChunks(ch.chunks, total, [&](size_t c) {
    auto& h = hist[c];
    h.assign(kBins, 0);
    for (size_t a = ch.begin(c); a < ch.end(c); ++a) {
      const float* __restrict v = values[a];
      for (size_t i = 0; i < counts[a]; ++i)
        if (v[i] == v[i]) ++h[floatKey(v[i]) >> 16];
    }
  });
  std::vector<uint64_t> top(kBins, 0);
  for (const auto& h : hist)
    for (size_t b = 0; b < kBins; ++b) top[b] += h[b];
  uint64_t count = 0;
  for (size_t b = 0; b < kBins; ++b) count += top[b];
  if (count == 0) return false;

  // numpy's linear percentile at 50: virtual index (count - 1) / 2 between ranks lo and hi.
  const uint64_t ranks[2] = {(count - 1) / 2, count / 2};
  uint32_t bucket[2];
  uint64_t within[2];
  for (int r = 0; r < 2; ++r) {
    uint64_t acc = 0;
    size_t b = 0;
    while (acc + top[b] <= ranks[r]) acc += top[b++];
    bucket[r] = static_cast<uint32_t>(b);
    within[r] = ranks[r] - acc;
  }
  parallelChunks(ch.chunks, total, [&](size_t c) {
    auto& h = hist[c];
    h.assign(2 * kBins, 0);
    for (size_t a = ch.begin(c); a < ch.end(c); ++a) {
      const float* __restrict v = values[a];
      for (size_t i = 0; i < counts[a]; ++i) {
        if (v[i] != v[i]) continue;
        const uint32_t k = floatKey(v[i]);
        if ((k >> 16) == bucket[0]) ++h[k & 0xffffu];
        else if ((k >> 16) == bucket[1]) ++h[kBins + (k & 0xffffu)];
      }
    }
  });
  for (int r = 0; r < 2; ++r) {
    // Both ranks may sit in the first bucket; the second bucket's histogram is only used when distinct.
    const size_t base = (bucket[r] == bucket[0]) ? 0 : kBins;
    uint64_t acc = 0;
    size_t b = 0;
    for (;; ++b) {
      uint64_t n = 0;
      for (const auto& h : hist) n += h[base + b];
      if (acc + n > within[r]) break;
      acc += n;
    }
    mid[r] = keyFloat((bucket[r] << 16) | static_cast<uint32_t>(b));
  }
  return true;
}

// The same order statistics, usually in one pass: a strided sample brackets the median, one pass
// counts the values below the bracket and copies those inside it, and nth_element finishes on the
// copy. Returns false when the bracket misses (then radixMiddle decides); exact either way.
bool bracketMiddle(const float* const* values, const size_t* counts, size_t arrays, size_t total, float mid[2]) {
  constexpr size_t kSample = 1 << 16;
  const size_t stride = std::max<size_t>(1, total / kSample) | 1;
  std::vector<float> sample;
  sample.reserve(total / stride + 2);
  size_t pos = 0;  // global index of the next sample
  for (size_t a = 0, base = 0; a < arrays; base += counts[a], ++a)
    for (; pos < base + counts[a]; pos += stride)
      if (values[a][pos - base] == values[a][pos - base]) sample.push_back(values[a][pos - base]);
  if (sample.size() < 64) return false;
  std::sort(sample.begin(), sample.end());
  // The sample median's rank error has a standard deviation of ~sqrt(S) / 2 sample ranks: a
  // bracket of +-8 of them (in sample ranks) fails with negligible probability, and holds ~3% of the data.
  const size_t half = sample.size() / 2, delta = 8 * static_cast<size_t>(std::sqrt(double(sample.size())) / 2) + 1;
  const float lo = sample[half > delta ? half - delta : 0];
  const float hi = sample[std::min(sample.size() - 1, half + delta)];
  const ArrayChunks ch = arrayChunks(arrays);
  std::vector<uint64_t> below(ch.chunks, 0), valid(ch.chunks, 0);
  std::vector<std::vector<float>> inside(ch.chunks);
  const size_t cap = total / 8 + 1024;  // more than this inside the bracket: heavy ties, use radix
  std::atomic<bool> overflow{false};
  const auto scanBlock = simd::kernelsFor(CpuPath::Auto).scanBlock;
  parallelChunks(ch.chunks, total, [&](size_t c) {
    uint64_t nb = 0, nv = 0;
    auto& in = inside[c];
    std::vector<float> block(kSample);
    for (size_t a = ch.begin(c); a < ch.end(c); ++a) {
      const float* __restrict v = values[a];
      for (size_t i0 = 0; i0 < counts[a]; i0 += kSample) {
        if (overflow.load(std::memory_order_relaxed)) return;
        const size_t i1 = std::min(counts[a], i0 + kSample);
        const size_t m = scanBlock(v + i0, i1 - i0, lo, hi, nv, nb, block.data());
        in.insert(in.end(), block.begin(), block.begin() + static_cast<ptrdiff_t>(m));
        if (in.size() > cap / ch.chunks + 1) overflow = true;
      }
    }
    below[c] = nb;
    valid[c] = nv;
  });
  if (overflow) return false;
  uint64_t nb = 0, nv = 0;
  size_t m = 0;
  for (size_t c = 0; c < ch.chunks; ++c) nb += below[c], nv += valid[c], m += inside[c].size();
  const uint64_t ranks[2] = {(nv - 1) / 2, nv / 2};
  if (nv == 0 || ranks[0] < nb || ranks[1] >= nb + m) return false;
  std::vector<float> in;
  in.reserve(m);
  for (auto& part : inside) in.insert(in.end(), part.begin(), part.end());
  for (int r = 0; r < 2; ++r) {
    auto nth = in.begin() + static_cast<ptrdiff_t>(ranks[r] - nb);
    std::nth_element(in.begin(), nth, in.end());
    mid[r] = *nth;
  }
  return true;
}

}  // namespace

bool medianFloat32(const float* const* values, const size_t* counts, size_t arrays, float* out) {
  size_t total = 0;
  for (size_t a = 0; a < arrays; ++a) total += counts[a];
  float mid[2];
  if (!bracketMiddle(values, counts, arrays, total, mid) && !radixMiddle(values, counts, arrays, mid)) return false;
  // numpy's _lerp for t = 0.5 (b - (b - a) * 0.5, in double for float32 data), then rounded to
  // float32 as torch does when it compares a float32 tensor with that Python scalar.
  const double a = mid[0], b = mid[1];
  *out = static_cast<float>(b - (b - a) * 0.5);
  return true;
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
using simd::keptPoint;
using simd::kNoKey;
constexpr double kMaxAxisIndex = 9007199254740991.0;  // 2^53 - 1: exact in double and in JS numbers

struct Key3 {
  int64_t x, y, z;
  bool operator<(const Key3& o) const { return x != o.x ? x < o.x : y != o.y ? y < o.y : z < o.z; }
  bool operator==(const Key3& o) const { return x == o.x && y == o.y && z == o.z; }
  bool operator!=(const Key3& o) const { return !(*this == o); }
};

// The same for grids whose packed key would overflow 64 bits: triples, sorted and deduplicated.
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

template <typename Key>
std::vector<std::vector<uint32_t>> toVoxelIds(const std::vector<std::vector<Key>>& keys, uint64_t& universe) {
  const std::vector<Key> all = sortedUnion(keys);
  if (all.size() > 0xffffffffull)
    throw Error(ErrorCode::Shape, "voxelCoverageSelect: more than 2^32 distinct voxels (got " + std::to_string(all.size()) +
                                      "); use a larger opts.voxelSize");
  universe = all.size();
  return compactIds(keys, all);
}

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
