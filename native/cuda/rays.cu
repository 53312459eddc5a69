// CUDA ray embedding: one thread per (patch, component) runs the CPU's encodeSinusoid
// (rays_impl.h) into the same layout. CUDA's double sin/cos may differ from libm's by an ulp, which
// survives the float cast rarely and then by one float ulp (|error| < 1e-6).
#include "cuda_util.cuh"
#include "spatial_geom/rays_impl.h"

namespace spatial {
namespace cuda {

using detail::blocksFor;
using detail::kBlock;
using detail::stream;

namespace {

__global__ void rayEmbeddingKernel(const Intrinsics k, const PatchGrid g, int32_t frequencies, int32_t components,
                                   float* __restrict__ out) {
  const size_t t = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  const size_t patches = size_t(g.rows) * g.cols;
  if (t >= patches * components) return;
  const size_t p = t / components;
  const int32_t q = static_cast<int32_t>(t % components);
  const int32_t r = static_cast<int32_t>(p / g.cols), c = static_cast<int32_t>(p % g.cols);
  double value;
  switch (q) {
    case 0: value = rayComponent(c, g.stepX, k.cx, k.fx); break;
    case 1: value = rayComponent(r, g.stepY, k.cy, k.fy); break;
    case 2: value = k.fx / k.width; break;
    default: value = k.fy / k.height; break;
  }
  encodeSinusoid(value, frequencies, out + t * 2 * frequencies);
}

}  // namespace

void rayEmbeddingOnDevice(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal,
                          float* dOut) {
  const int32_t q = rayEmbeddingComponents(includeFocal);
  const size_t threads = size_t(g.rows) * g.cols * q;
  if (threads == 0) return;
  rayEmbeddingKernel<<<blocksFor(threads), kBlock, 0, stream()>>>(k, g, frequencies, q, dOut);
  SPATIAL_CUDA_LAUNCHED(rayEmbeddingKernel);
}

void rayEmbedding(const Intrinsics& k, const PatchGrid& g, int32_t frequencies, bool includeFocal, float* out,
                  PhaseTimes* times) {
  const size_t size = rayEmbeddingSize(g, frequencies, includeFocal);
  if (size == 0) return;
  detail::PhaseClock clock(times);
  DeviceArray<float> dOut(size);
  rayEmbeddingOnDevice(k, g, frequencies, includeFocal, dOut.get());
  clock.lap(&PhaseTimes::kernelMs);
  detail::download(out, dOut.get(), size * sizeof(float));
  clock.lap(&PhaseTimes::downloadMs);
  detail::finish();
}

}  // namespace cuda
}  // namespace spatial
