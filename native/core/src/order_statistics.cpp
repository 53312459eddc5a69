// medianFloat32 (spatial_geom/voxel.h): the confidence threshold of the voxel coverage selection,
// by order statistics over many arrays without sorting or copying them all: a one-pass bracket
// around a strided sample's median, and an exact two-pass radix select when the bracket misses.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "simd_kernels.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/voxel.h"

namespace spatial {

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

}  // namespace spatial
