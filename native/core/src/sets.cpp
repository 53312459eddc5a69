#include "spatial_geom/sets.h"

#include <algorithm>
#include <atomic>

#include "cuda_dispatch.h"
#include "spatial_geom/parallel.h"

namespace spatial {

void checkSortedSet(const IndexSet& s, const std::string& what) {
  for (size_t i = 1; i < s.size; ++i) {
    if (s.data[i] <= s.data[i - 1])
      throw Error(ErrorCode::Format, what + " must be strictly ascending (element " + std::to_string(i) + " is " +
                                         std::to_string(s.data[i]) + " after " + std::to_string(s.data[i - 1]) + ")");
  }
}

namespace {
// Galloping pays when one list is much shorter: binary-search the long one for each short element.
constexpr size_t kGallopRatio = 32;

template <bool Write>
size_t mergeIntersect(const IndexSet& a, const IndexSet& b, uint32_t* out) {
  if (a.size > b.size) return mergeIntersect<Write>(b, a, out);
  size_t k = 0;
  if (a.size * kGallopRatio < b.size) {
    const uint32_t* lo = b.data;
    const uint32_t* end = b.data + b.size;
    for (size_t i = 0; i < a.size && lo < end; ++i) {
      lo = std::lower_bound(lo, end, a.data[i]);
      if (lo < end && *lo == a.data[i]) {
        if (Write) out[k] = a.data[i];
        ++k;
      }
    }
    return k;
  }
  size_t i = 0, j = 0;
  while (i < a.size && j < b.size) {
    const uint32_t x = a.data[i], y = b.data[j];
    if (Write && x == y) out[k] = x;
    k += (x == y);
    i += (x <= y);
    j += (y <= x);
  }
  return k;
}

float iou(size_t inter, size_t na, size_t nb) {
  const size_t uni = na + nb - inter;
  return uni == 0 ? 0.f : static_cast<float>(static_cast<double>(inter) / static_cast<double>(uni));
}

// 64-bit words of a bitset holding every index of the sets.
size_t bitsetWords(const IndexSet* sets, size_t m) {
  uint64_t universe = 0;
  for (size_t i = 0; i < m; ++i)
    if (sets[i].size) universe = std::max<uint64_t>(universe, uint64_t(sets[i].data[sets[i].size - 1]) + 1);
  return static_cast<size_t>((universe + 63) / 64);
}

// Words of 64 points per cache tile: M tiles of this size stay in L2 while all pairs read them.
constexpr size_t kTileWords = 512;

// Bitset of a sorted set: consecutive indices mostly share a word, so each word is assembled in a
// register and stored once (a read-modify-write scatter per index was half of the matrix's time).
void fillBitset(const IndexSet& s, uint64_t* __restrict bits) {
  size_t k = 0;
  while (k < s.size) {
    const uint32_t w = s.data[k] >> 6;
    uint64_t word = 0;
    for (; k < s.size && (s.data[k] >> 6) == w; ++k) word |= uint64_t(1) << (s.data[k] & 63);
    bits[w] = word;
  }
}

// popcount(a & b) over n words with four independent accumulators (the single accumulator's add
// chain, not POPCNT throughput, limited the loop).
uint64_t andPopcount(const uint64_t* __restrict a, const uint64_t* __restrict b, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t w = 0;
  for (; w + 4 <= n; w += 4) {
    c0 += static_cast<uint64_t>(__builtin_popcountll(a[w] & b[w]));
    c1 += static_cast<uint64_t>(__builtin_popcountll(a[w + 1] & b[w + 1]));
    c2 += static_cast<uint64_t>(__builtin_popcountll(a[w + 2] & b[w + 2]));
    c3 += static_cast<uint64_t>(__builtin_popcountll(a[w + 3] & b[w + 3]));
  }
  for (; w < n; ++w) c0 += static_cast<uint64_t>(__builtin_popcountll(a[w] & b[w]));
  return c0 + c1 + c2 + c3;
}
}  // namespace

size_t intersectionSize(const IndexSet& a, const IndexSet& b) { return mergeIntersect<false>(a, b, nullptr); }
size_t intersect(const IndexSet& a, const IndexSet& b, uint32_t* out) { return mergeIntersect<true>(a, b, out); }

double overlap(const IndexSet& a, const IndexSet& b) {
  const size_t inter = intersectionSize(a, b);
  const size_t uni = a.size + b.size - inter;
  return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

OverlapMethod chooseOverlapMethod(const IndexSet* sets, size_t m) {
  uint64_t universe = 0, total = 0;
  for (size_t i = 0; i < m; ++i) {
    if (sets[i].size) universe = std::max<uint64_t>(universe, uint64_t(sets[i].data[sets[i].size - 1]) + 1);
    total += sets[i].size;
  }
  const uint64_t words = (universe + 63) / 64;
  // A pair costs ~words popcounts with bitsets and ~(|a|+|b|) unpredictable steps with a merge
  // (~4x a popcount). Bitsets win once sets hold on average more than one index per 8 words; they
  // also need M*words*8 bytes, capped at 1 GiB.
  const bool dense = m > 0 && total * 8 >= m * words;
  const bool fits = m * words * 8 <= (uint64_t(1) << 30);
  return dense && fits ? OverlapMethod::Bitset : OverlapMethod::Merge;
}

void overlapMatrix(const IndexSet* sets, size_t m, float* out, OverlapMethod method) {
  if (method == OverlapMethod::Auto) {
    method = chooseOverlapMethod(sets, m);
    if (method == OverlapMethod::Bitset)
      SPATIAL_TRY_CUDA(Overlap, m * (m - 1) / 2 * bitsetWords(sets, m), overlapMatrix(sets, m, out));
  }
  for (size_t i = 0; i < m; ++i) out[i * m + i] = sets[i].size ? 1.f : 0.f;
  if (m < 2) return;
  uint64_t total = 0;
  for (size_t i = 0; i < m; ++i) total += sets[i].size;

  if (method == OverlapMethod::Merge) {
    parallelChunks(m, total * m, [&](size_t i) {
      for (size_t j = i + 1; j < m; ++j) {
        const float v = iou(intersectionSize(sets[i], sets[j]), sets[i].size, sets[j].size);
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
    });
    return;
  }

  const size_t words = bitsetWords(sets, m);
  std::vector<uint64_t> bits(m * words, 0);
  // Each set's occupied word range lets tiles skip pairs that cannot meet.
  std::vector<size_t> lo(m, 0), hi(m, 0);
  parallelChunks(m, total, [&](size_t i) {
    fillBitset(sets[i], bits.data() + i * words);
    if (sets[i].size) {
      lo[i] = sets[i].data[0] >> 6;
      hi[i] = (sets[i].data[sets[i].size - 1] >> 6) + 1;
    }
  });
  std::vector<uint32_t> counts(m * m, 0);
  const size_t tiles = (words + kTileWords - 1) / kTileWords;
  for (size_t t = 0; t < tiles; ++t) {
    const size_t w0 = t * kTileWords, w1 = std::min(words, w0 + kTileWords);
    parallelChunks(m, (w1 - w0) * m * m / 2, [&](size_t i) {
      const size_t ai = std::max(w0, lo[i]), bi = std::min(w1, hi[i]);
      if (ai >= bi) return;
      const uint64_t* a = bits.data() + i * words;
      for (size_t j = i + 1; j < m; ++j) {
        const size_t s = std::max(ai, lo[j]), e = std::min(bi, hi[j]);
        if (s >= e) continue;
        counts[i * m + j] += static_cast<uint32_t>(andPopcount(a + s, bits.data() + j * words + s, e - s));
      }
    });
  }
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i + 1; j < m; ++j) {
      const float v = iou(counts[i * m + j], sets[i].size, sets[j].size);
      out[i * m + j] = v;
      out[j * m + i] = v;
    }
}

}  // namespace spatial
