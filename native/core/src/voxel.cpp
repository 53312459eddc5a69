#include "spatial_geom/voxel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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

// Counts the non-NaN values and those below lo, and copies the values in [lo, hi] to `inside`
// (which holds n floats); returns how many were copied. AVX-512 compress-store when available.
size_t scanBlock(const float* __restrict v, size_t n, float lo, float hi, uint64_t& valid, uint64_t& below, float* __restrict inside) {
  size_t m = 0, i = 0;
  uint64_t nv = 0, nb = 0;
#if defined(__AVX512F__)
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_loadu_ps(v + i);
    const __mmask16 ord = _mm512_cmp_ps_mask(x, x, _CMP_ORD_Q);
    const __mmask16 lt = _mm512_cmp_ps_mask(x, vlo, _CMP_LT_OQ);
    const __mmask16 in = _mm512_cmp_ps_mask(x, vlo, _CMP_GE_OQ) & _mm512_cmp_ps_mask(x, vhi, _CMP_LE_OQ);
    nv += static_cast<uint64_t>(__builtin_popcount(ord));
    nb += static_cast<uint64_t>(__builtin_popcount(lt));
    _mm512_mask_compressstoreu_ps(inside + m, in, x);
    m += static_cast<size_t>(__builtin_popcount(in));
  }
#endif
  for (; i < n; ++i) {
    const float x = v[i];
    nv += (x == x);
    nb += (x < lo);
    inside[m] = x;
    m += (x >= lo) & (x <= hi);
  }
  valid += nv;
  below += nb;
  return m;
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

constexpr uint64_t kNoKey = std::numeric_limits<uint64_t>::max();
constexpr double kMaxAxisIndex = 9007199254740991.0;  // 2^53 - 1: exact in double and in JS numbers

// Open-addressing set of 64-bit keys (kNoKey marks empty slots); linear probing, load <= 1/2.
class KeySet {
 public:
  KeySet() { reset(1024); }
  void insert(uint64_t key) {
    size_t i = slot(key);
    while (slots_[i] != kNoKey) {
      if (slots_[i] == key) return;
      i = (i + 1) & mask_;
    }
    slots_[i] = key;
    if (++size_ * 2 > slots_.size()) grow();
  }
  // Appends the keys to out (unordered) and empties the set.
  void drain(std::vector<uint64_t>& out) {
    out.reserve(out.size() + size_);
    for (uint64_t& s : slots_)
      if (s != kNoKey) {
        out.push_back(s);
        s = kNoKey;
      }
    size_ = 0;
  }

 private:
  size_t slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void reset(size_t capacity) {
    slots_.assign(capacity, kNoKey);
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<int>(__builtin_ctzll(capacity));
    size_ = 0;
  }
  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    reset(old.size() * 2);
    for (uint64_t k : old)
      if (k != kNoKey) insert(k);
  }
  std::vector<uint64_t> slots_;
  size_t mask_ = 0, size_ = 0;
  int shift_ = 0;
};

struct Key3 {
  int64_t x, y, z;
  bool operator<(const Key3& o) const { return x != o.x ? x < o.x : y != o.y ? y < o.y : z < o.z; }
  bool operator==(const Key3& o) const { return x == o.x && y == o.y && z == o.z; }
  bool operator!=(const Key3& o) const { return !(*this == o); }
};

// Finite-and-confident test, branch-free so the loops below vectorise ((v - v) == 0 is the
// finiteness test: inf - inf and NaN - NaN are NaN).
template <typename T, bool UseConf>
inline bool keptPoint(T x, T y, T z, const float* __restrict conf, size_t i, float tau) {
  bool ok = ((x - x) == T(0)) & ((y - y) == T(0)) & ((z - z) == T(0));
  if constexpr (UseConf) ok = ok & (conf[i] >= tau) & (conf[i] > 0.1f);
  return ok;
}

struct Box {
  double mn[3] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                  std::numeric_limits<double>::infinity()};
  double mx[3] = {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                  -std::numeric_limits<double>::infinity()};
  uint64_t kept = 0;
};

// Lanes of independent running min/max (an element-wise update the compiler vectorises, where a
// single floating-point min reduction would not be).
constexpr size_t kLanes = 16;

template <typename T, bool UseConf>
Box frameBox(const T* __restrict p, const float* __restrict conf, size_t n, float tau) {
  const T inf = std::numeric_limits<T>::infinity();
  T mn[3][kLanes], mx[3][kLanes];
  uint32_t kept[kLanes];
  for (size_t j = 0; j < kLanes; ++j) {
    for (int a = 0; a < 3; ++a) mn[a][j] = inf, mx[a][j] = -inf;
    kept[j] = 0;
  }
  uint64_t keptTotal = 0;
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      const T x = p[3 * (i + j)], y = p[3 * (i + j) + 1], z = p[3 * (i + j) + 2];
      const bool ok = keptPoint<T, UseConf>(x, y, z, conf, i + j, tau);
      kept[j] += ok;
      const T lx = ok ? x : inf, ly = ok ? y : inf, lz = ok ? z : inf;
      const T hx = ok ? x : -inf, hy = ok ? y : -inf, hz = ok ? z : -inf;
      mn[0][j] = lx < mn[0][j] ? lx : mn[0][j];
      mn[1][j] = ly < mn[1][j] ? ly : mn[1][j];
      mn[2][j] = lz < mn[2][j] ? lz : mn[2][j];
      mx[0][j] = hx > mx[0][j] ? hx : mx[0][j];
      mx[1][j] = hy > mx[1][j] ? hy : mx[1][j];
      mx[2][j] = hz > mx[2][j] ? hz : mx[2][j];
    }
    if ((i & 0xffffffu) == 0)  // drain the 32-bit lane counters long before they can overflow
      for (size_t j = 0; j < kLanes; ++j) keptTotal += kept[j], kept[j] = 0;
  }
  Box b;
  for (; i < n; ++i) {
    const T x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    if (!keptPoint<T, UseConf>(x, y, z, conf, i, tau)) continue;
    ++keptTotal;
    b.mn[0] = std::min<double>(b.mn[0], x), b.mn[1] = std::min<double>(b.mn[1], y), b.mn[2] = std::min<double>(b.mn[2], z);
    b.mx[0] = std::max<double>(b.mx[0], x), b.mx[1] = std::max<double>(b.mx[1], y), b.mx[2] = std::max<double>(b.mx[2], z);
  }
  for (size_t j = 0; j < kLanes; ++j) {
    keptTotal += kept[j];
    for (int a = 0; a < 3; ++a) {
      b.mn[a] = std::min<double>(b.mn[a], mn[a][j]);
      b.mx[a] = std::max<double>(b.mx[a], mx[a][j]);
    }
  }
  b.kept = keptTotal;
  return b;
}

// The voxel grid in the point type's precision: origin, edge, cells per axis.
template <typename T>
struct Grid {
  T mn[3];
  T voxel;
  uint64_t dims[3];
  uint64_t strideY, strideX;  // packed key = ix * strideX + iy * strideY + iz
};

constexpr size_t kBlock = 1024;

// Packed keys of a block of points (kNoKey for rejected ones). Plain loop over __restrict
// pointers with parameters by value: it vectorises (division and floor included).
template <typename T, bool UseConf>
void blockKeys(const T* __restrict q, const float* __restrict c, size_t b, float tau, T mn0, T mn1, T mn2, T voxel,
               uint64_t strideX, uint64_t strideY, uint64_t* __restrict keys) {
  for (size_t i = 0; i < b; ++i) {
    const T x = q[3 * i], y = q[3 * i + 1], z = q[3 * i + 2];
    const bool ok = keptPoint<T, UseConf>(x, y, z, c, i, tau);
    const T fx = std::floor((x - mn0) / voxel);
    const T fy = std::floor((y - mn1) / voxel);
    const T fz = std::floor((z - mn2) / voxel);
    // Select before converting: converting the NaN of a rejected point would be undefined.
    const int64_t ix = static_cast<int64_t>(ok ? fx : T(0));
    const int64_t iy = static_cast<int64_t>(ok ? fy : T(0));
    const int64_t iz = static_cast<int64_t>(ok ? fz : T(0));
    const uint64_t key = uint64_t(ix) * strideX + uint64_t(iy) * strideY + uint64_t(iz);
    keys[i] = ok ? key : kNoKey;
  }
}

// One frame's distinct voxels as packed 64-bit keys, ascending.
template <typename T, bool UseConf>
void framePackedKeys(const T* __restrict p, size_t n, const float* conf, float tau, Grid<T> g, std::vector<uint64_t>& out) {
  uint64_t keys[kBlock];
  KeySet set;
  uint64_t last = kNoKey;
  for (size_t s = 0; s < n; s += kBlock) {
    const size_t b = std::min(kBlock, n - s);
    blockKeys<T, UseConf>(p + 3 * s, UseConf ? conf + s : nullptr, b, tau, g.mn[0], g.mn[1], g.mn[2], g.voxel, g.strideX,
                          g.strideY, keys);
    // Neighbouring pixels mostly share a voxel: drop repeats (and rejected points) before hashing,
    // branch-free (which point is rejected or starts a new voxel is unpredictable).
    size_t m = 0;
    for (size_t i = 0; i < b; ++i) {
      const uint64_t k = keys[i];
      keys[m] = k;
      m += (k != kNoKey) & (k != last);
      last = k == kNoKey ? last : k;
    }
    for (size_t i = 0; i < m; ++i) set.insert(keys[i]);
  }
  out.clear();
  set.drain(out);
  std::sort(out.begin(), out.end());
}

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

  std::vector<Box> boxes(m);
  parallelChunks(m, totalPoints, [&](size_t c) { boxes[c] = frameBox<T, UseConf>(pointsOf(c), confOf(c), maps[cand[c]].n, tau); });
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
      parallelChunks(m, totalPoints, [&](size_t c) { framePackedKeys<T, UseConf>(pointsOf(c), maps[cand[c]].n, confOf(c), tau, g, keys[c]); });
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
