#include "spatial_geom/sets.h"

#include <algorithm>
#include <atomic>

#include "cuda_dispatch.h"
#include "simd_kernels.h"
#include "spatial_geom/parallel.h"
#include "spatial_geom/sets_impl.h"

namespace spatial {

namespace {
void throwUnsorted(const IndexSet& s, size_t i, const std::string& what) {
  throw Error(ErrorCode::Format, what + " must be strictly ascending (element " + std::to_string(i) + " is " +
                                     std::to_string(s.data[i]) + " after " + std::to_string(s.data[i - 1]) + ")");
}
}  // namespace

void checkSortedSet(const IndexSet& s, const std::string& what) {
  if (const size_t i = simd::kernelsFor(CpuPath::Auto).firstUnsorted(s.data, s.size)) throwUnsorted(s, i, what);
}

void checkSortedSets(const IndexSet* sets, size_t m, const std::string& what) {
  std::vector<size_t> first(m, 0);
  uint64_t total = 0;
  for (size_t i = 0; i < m; ++i) total += sets[i].size;
  const auto firstUnsorted = simd::kernelsFor(CpuPath::Auto).firstUnsorted;
  parallelChunks(m, total, [&](size_t i) { first[i] = firstUnsorted(sets[i].data, sets[i].size); });
  for (size_t i = 0; i < m; ++i)
    if (first[i]) throwUnsorted(sets[i], first[i], what + "[" + std::to_string(i) + "]");
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

// 64-bit words of a bitset holding every index of the sets.
size_t bitsetWords(const IndexSet* sets, size_t m) {
  uint64_t universe = 0;
  for (size_t i = 0; i < m; ++i)
    if (sets[i].size) universe = std::max<uint64_t>(universe, uint64_t(sets[i].data[sets[i].size - 1]) + 1);
  return static_cast<size_t>((universe + 63) / 64);
}

using simd::kTileWords;

// |S_i ∩ S_j| for i < j in counts[i * m + j], through bitset tiles built from the index lists on the
// fly (the full M x words bitsets are never stored). With `check`, the lists are also checked to be
// strictly ascending as they are read; returns false when one is not (the counts are then void).
bool bitsetCounts(const IndexSet* sets, const size_t m, const size_t words, const bool check, const CpuPath path,
                  std::vector<uint32_t>& counts) {
  const auto countTiles = simd::kernelsFor(path).countTiles;
  const size_t tiles = (words + kTileWords - 1) / kTileWords;
  // Contiguous runs of tiles, handed out dynamically; a few per thread so one busy core (the
  // machine is shared) does not hold up the call. Each run has its own counts and tile buffers.
  const size_t runs = std::min(tiles, size_t(2) * static_cast<size_t>(threadCount()));
  std::vector<size_t> start(runs * m), pos(runs * m);
  std::vector<uint32_t> part(runs * m * m, 0);
  std::vector<uint8_t> unsorted(runs, 0);
  uint64_t total = 0;
  for (size_t i = 0; i < m; ++i) total += sets[i].size;
  parallelChunks(runs, total + m * (m - 1) / 2 * words / 8, [&](size_t r) {
    // Where each list enters the run's first tile (binary search: ~17 cache misses per list).
    const uint32_t first = static_cast<uint32_t>(tiles * r / runs * kTileWords * 64);
    for (size_t i = 0; i < m; ++i)
      start[r * m + i] = pos[r * m + i] =
          r == 0 ? 0 : static_cast<size_t>(std::lower_bound(sets[i].data, sets[i].data + sets[i].size, first) - sets[i].data);
    bool bad = false;
    countTiles(sets, m, words, tiles * r / runs, tiles * (r + 1) / runs, pos.data() + r * m, part.data() + r * m * m, bad);
    unsorted[r] = bad;
  });
  counts.assign(m * m, 0);
  for (size_t r = 0; r < runs; ++r)
    for (size_t k = 0; k < m * m; ++k) counts[k] += part[r * m * m + k];
  if (!check) return true;
  // Every element was read exactly once, each against its predecessor, iff each run ended where the
  // next one started (always true for sorted lists): then no flag means every list is sorted.
  bool ok = std::none_of(unsorted.begin(), unsorted.end(), [](uint8_t u) { return u != 0; });
  for (size_t r = 0; r < runs; ++r)
    for (size_t i = 0; i < m; ++i) ok &= pos[r * m + i] == (r + 1 < runs ? start[(r + 1) * m + i] : sets[i].size);
  return ok;
}
}  // namespace

size_t intersectionSize(const IndexSet& a, const IndexSet& b) { return mergeIntersect<false>(a, b, nullptr); }
size_t intersect(const IndexSet& a, const IndexSet& b, uint32_t* out) { return mergeIntersect<true>(a, b, out); }

double overlap(const IndexSet& a, const IndexSet& b) {
  return iouFromCounts(intersectionSize(a, b), a.size, b.size);
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

namespace {
// overlapMatrix and checkedOverlapMatrix: with `what`, the sets are checked first (the bitset path
// checks while it reads them) and nothing is written to out unless they are all sorted.
void overlapMatrixImpl(const IndexSet* sets, size_t m, float* out, OverlapMethod method, CpuPath path,
                       const std::string* what) {
  if (method == OverlapMethod::Auto) {
    method = chooseOverlapMethod(sets, m);
    if (method == OverlapMethod::Bitset && path == CpuPath::Auto) {
      const size_t work = m * (m - 1) / 2 * bitsetWords(sets, m);
      if (what && offloadToCuda(CudaOp::Overlap, work)) {
        checkSortedSets(sets, m, *what);
        what = nullptr;
      }
      SPATIAL_TRY_CUDA(Overlap, work, overlapMatrix(sets, m, out));
    }
  }
  if (what && (method == OverlapMethod::Merge || m < 2)) {
    checkSortedSets(sets, m, *what);
    what = nullptr;
  }
  uint64_t total = 0;
  for (size_t i = 0; i < m; ++i) total += sets[i].size;

  if (method == OverlapMethod::Merge || m < 2) {
    parallelChunks(m, total * m, [&](size_t i) {
      for (size_t j = i + 1; j < m; ++j) {
        const float v = static_cast<float>(iouFromCounts(intersectionSize(sets[i], sets[j]), sets[i].size, sets[j].size));
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
    });
  } else {
    std::vector<uint32_t> counts;
    if (!bitsetCounts(sets, m, bitsetWords(sets, m), what != nullptr, path, counts)) {
      checkSortedSets(sets, m, *what);  // throws: some list is not sorted
      throw Error(ErrorCode::Format, *what + " must hold strictly ascending indices");
    }
    for (size_t i = 0; i < m; ++i)
      for (size_t j = i + 1; j < m; ++j) {
        const float v = static_cast<float>(iouFromCounts(counts[i * m + j], sets[i].size, sets[j].size));
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
  }
  for (size_t i = 0; i < m; ++i) out[i * m + i] = sets[i].size ? 1.f : 0.f;
}
}  // namespace

void overlapMatrix(const IndexSet* sets, size_t m, float* out, OverlapMethod method, CpuPath path) {
  overlapMatrixImpl(sets, m, out, method, path, nullptr);
}

void checkedOverlapMatrix(const IndexSet* sets, size_t m, float* out, const std::string& what) {
  overlapMatrixImpl(sets, m, out, OverlapMethod::Auto, CpuPath::Auto, &what);
}

}  // namespace spatial
