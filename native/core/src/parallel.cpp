#include "spatial_geom/parallel.h"

#include <atomic>
#include <thread>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace spatial {

namespace {
int defaultThreads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}
std::atomic<int> gThreads{0};
// 2^20 point-camera pairs is ~0.5 ms of projection on one core: below that, waking a second
// thread costs about as much as it saves (bench/threshold measures this).
std::atomic<size_t> gThreshold{size_t(1) << 20};
}  // namespace

int threadCount() {
  const int t = gThreads.load();
  return t > 0 ? t : defaultThreads();
}

void setThreadCount(int n) { gThreads.store(n > 0 ? n : 0); }

size_t parallelThreshold() { return gThreshold.load(); }
void setParallelThreshold(size_t units) { gThreshold.store(units); }

void parallelChunks(size_t chunks, size_t work, const std::function<void(size_t)>& body) {
  const int threads = (work >= parallelThreshold() && chunks > 1) ? threadCount() : 1;
#ifdef _OPENMP
  if (threads > 1) {
    const int t = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), chunks));
    std::atomic<size_t> next{0};
#pragma omp parallel num_threads(t)
    {
      for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) body(c);
    }
    return;
  }
#endif
  for (size_t c = 0; c < chunks; ++c) body(c);
}

}  // namespace spatial
