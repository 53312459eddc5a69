// Thread policy of the core. Kernels stay plain loops over __restrict pointers (they vectorise);
// this header only splits index ranges over threads, and only when the work is large enough to pay
// for waking them (measured: two threads on small calls inside Node were slower than one).
#pragma once

#include <cstddef>
#include <functional>

namespace spatial {

// Number of threads batch ops may use (>= 1). Defaults to the hardware concurrency.
int threadCount();
// Sets the thread count; values < 1 restore the default.
void setThreadCount(int n);
// Minimum work units (point-camera pairs or equivalent) before a call goes multi-threaded.
size_t parallelThreshold();
void setParallelThreshold(size_t units);

// Runs body(chunk) for chunk in [0, chunks) on up to threadCount() threads when `work` reaches the
// threshold, else serially. Chunks are handed out dynamically; each chunk runs on one thread.
void parallelChunks(size_t chunks, size_t work, const std::function<void(size_t)>& body);

}  // namespace spatial
