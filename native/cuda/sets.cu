// CUDA overlap matrix: the CPU's bitset method. Sets become bitsets on the device, each pair's
// intersection is a popcount of AND-ed words (a "popcount GEMM" over 32 x 32 tiles of pairs), and
// the IoU is formed from integer counts exactly as the CPU does, so the matrices are bit-identical.
#include <algorithm>
#include <vector>

#include "cuda_util.cuh"
#include "spatial_geom/sets_impl.h"

namespace spatial {
namespace cuda {

using detail::blocksFor;
using detail::kBlock;
using detail::stream;

namespace {

constexpr int kTile = 32;                  // pairs per tile side
constexpr int kTileRows = 8;               // threadIdx.y extent: each thread owns kTile / kTileRows rows
constexpr int kChunkWords = 16;            // words staged in shared memory per step
constexpr unsigned kTargetBlocks = 1024;   // enough blocks to fill a large GPU

// Sorted indices -> bits of one set. Lanes whose indices share a word OR their bits together
// first (sorted input makes them neighbours), so one atomic per word and warp remains.
__global__ void scatterKernel(const uint32_t* __restrict__ idx, size_t count, uint64_t* __restrict__ bits) {
  const size_t t = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  const unsigned lane = threadIdx.x & 31;
  const bool has = t < count;
  const uint32_t v = has ? idx[t] : 0u;
  const uint64_t word = has ? uint64_t(v >> 6) : ~uint64_t(0);
  uint64_t bit = has ? uint64_t(1) << (v & 63) : 0;
  for (unsigned off = 1; off < 32; off <<= 1) {
    const uint64_t otherBit = __shfl_down_sync(0xffffffffu, bit, off);
    const uint64_t otherWord = __shfl_down_sync(0xffffffffu, word, off);
    if (lane + off < 32 && otherWord == word) bit |= otherBit;
  }
  const uint64_t prevWord = __shfl_up_sync(0xffffffffu, word, 1);
  if (has && (lane == 0 || prevWord != word)) atomicOr(reinterpret_cast<unsigned long long*>(bits + word), bit);
}

__global__ void rowCountKernel(const uint64_t* __restrict__ bits, size_t words, unsigned long long* __restrict__ sizes) {
  const uint64_t* row = bits + blockIdx.x * words;
  uint32_t count = 0;
  for (size_t w = threadIdx.x; w < words; w += blockDim.x) count += __popcll(row[w]);
  uint32_t total;
  detail::blockExclusiveScan(count, total);
  if (threadIdx.x == 0) sizes[blockIdx.x] = total;
}

// Block (tj, ti, split) adds |A_i & B_j| over its share of the words for the 32 x 32 pairs of tile
// (ti, tj), ti <= tj. Thread (x, y) owns pairs (32 ti + y + 8 r, 32 tj + x), r = 0..3.
__global__ void pairCountKernel(const uint64_t* __restrict__ bits, int32_t m, size_t words, size_t wordsPerSplit,
                                uint32_t* __restrict__ counts) {
  const int32_t ti = blockIdx.y, tj = blockIdx.x;
  if (ti > tj) return;  // whole block: the lower triangle mirrors the upper
  __shared__ uint64_t a[kTile][kChunkWords + 1];  // +1: rows fall into different banks
  __shared__ uint64_t b[kTile][kChunkWords + 1];
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * kTile + tx;
  const size_t begin = blockIdx.z * wordsPerSplit;
  const size_t end = begin + wordsPerSplit < words ? begin + wordsPerSplit : words;
  uint32_t acc[kTile / kTileRows] = {};
  for (size_t w0 = begin; w0 < end; w0 += kChunkWords) {
    for (int e = tid; e < kTile * kChunkWords; e += kTile * kTileRows) {
      const int r = e / kChunkWords, c = e % kChunkWords;
      const size_t w = w0 + c;
      const int32_t ia = ti * kTile + r, ib = tj * kTile + r;
      a[r][c] = (ia < m && w < end) ? bits[size_t(ia) * words + w] : 0;
      b[r][c] = (ib < m && w < end) ? bits[size_t(ib) * words + w] : 0;
    }
    __syncthreads();
#pragma unroll
    for (int c = 0; c < kChunkWords; ++c) {
      const uint64_t bw = b[tx][c];
#pragma unroll
      for (int r = 0; r < kTile / kTileRows; ++r) acc[r] += __popcll(a[ty + kTileRows * r][c] & bw);
    }
    __syncthreads();
  }
  const int32_t j = tj * kTile + tx;
  for (int r = 0; r < kTile / kTileRows; ++r) {
    const int32_t i = ti * kTile + ty + kTileRows * r;
    if (i < j && j < m && acc[r]) atomicAdd(counts + size_t(i) * m + j, acc[r]);
  }
}

// IoU from integer counts (iouFromCounts, sets_impl.h), rounded to float once: the CPU's overlap matrix.
__global__ void iouKernel(const uint32_t* __restrict__ counts, const unsigned long long* __restrict__ sizes, int32_t m,
                          float* __restrict__ out) {
  const size_t t = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  if (t >= size_t(m) * m) return;
  const int32_t i = static_cast<int32_t>(t / m), j = static_cast<int32_t>(t % m);
  if (i == j) {
    out[t] = sizes[i] ? 1.f : 0.f;
    return;
  }
  const int32_t lo = i < j ? i : j, hi = i < j ? j : i;
  out[t] = static_cast<float>(iouFromCounts(counts[size_t(lo) * m + hi], sizes[i], sizes[j]));
}

void overlapFromBitsets(const uint64_t* dBits, size_t m, size_t words, float* dOut) {
  if (m == 0) return;
  DeviceArray<unsigned long long> sizes(m);
  DeviceArray<uint32_t> counts(m * m);
  rowCountKernel<<<static_cast<unsigned>(m), kBlock, 0, stream()>>>(dBits, words, sizes.get());
  SPATIAL_CUDA_LAUNCHED(rowCountKernel);
  SPATIAL_CUDA_CHECK(cudaMemsetAsync(counts.get(), 0, m * m * sizeof(uint32_t), stream()));
  const unsigned tiles = static_cast<unsigned>((m + kTile - 1) / kTile);
  const size_t activeTiles = size_t(tiles) * (tiles + 1) / 2;
  const size_t chunks = std::max<size_t>(1, (words + kChunkWords - 1) / kChunkWords);
  const size_t splits = std::min<size_t>(chunks, std::max<size_t>(1, kTargetBlocks / activeTiles));
  const size_t wordsPerSplit = ((chunks + splits - 1) / splits) * kChunkWords;
  const dim3 grid(tiles, tiles, static_cast<unsigned>((words + wordsPerSplit - 1) / wordsPerSplit));
  if (words) {
    pairCountKernel<<<grid, dim3(kTile, kTileRows), 0, stream()>>>(dBits, static_cast<int32_t>(m), words, wordsPerSplit,
                                                                  counts.get());
    SPATIAL_CUDA_LAUNCHED(pairCountKernel);
  }
  iouKernel<<<blocksFor(m * m), kBlock, 0, stream()>>>(counts.get(), sizes.get(), static_cast<int32_t>(m), dOut);
  SPATIAL_CUDA_LAUNCHED(iouKernel);
  detail::finish();  // sizes and counts are freed on return
}

}  // namespace

void overlapMatrixFromMasksOnDevice(const uint64_t* dMasks, size_t m, size_t words, float* dOut) {
  overlapFromBitsets(dMasks, m, words, dOut);
}

void overlapMatrix(const IndexSet* sets, size_t m, float* out, PhaseTimes* times) {
  if (m == 0) return;
  uint64_t universe = 0;
  size_t largest = 0;
  for (size_t i = 0; i < m; ++i) {
    if (sets[i].size) universe = std::max<uint64_t>(universe, uint64_t(sets[i].data[sets[i].size - 1]) + 1);
    largest = std::max(largest, sets[i].size);
  }
  const size_t words = static_cast<size_t>((universe + 63) / 64);
  detail::PhaseClock clock(times);
  DeviceArray<uint64_t> bits(m * words);
  DeviceArray<uint32_t> staging(largest);
  DeviceArray<float> dOut(m * m);
  if (words) SPATIAL_CUDA_CHECK(cudaMemsetAsync(bits.get(), 0, m * words * sizeof(uint64_t), stream()));
  // One staging buffer: each upload is stream-ordered after the previous set's scatter.
  for (size_t i = 0; i < m; ++i) {
    if (!sets[i].size) continue;
    detail::upload(staging.get(), sets[i].data, sets[i].size * sizeof(uint32_t));
    scatterKernel<<<blocksFor(sets[i].size), kBlock, 0, stream()>>>(staging.get(), sets[i].size, bits.get() + i * words);
    SPATIAL_CUDA_LAUNCHED(scatterKernel);
  }
  clock.lap(&PhaseTimes::uploadMs);
  overlapFromBitsets(bits.get(), m, words, dOut.get());
  clock.lap(&PhaseTimes::kernelMs);
  detail::download(out, dOut.get(), m * m * sizeof(float));
  clock.lap(&PhaseTimes::downloadMs);
  detail::finish();
}

}  // namespace cuda
}  // namespace spatial
