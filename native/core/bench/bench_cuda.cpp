// GPU bench of the CUDA kernels against the CPU core, in one run on one device:
//   visibility   1M points x 300 frames (640x480 depth maps)
//   overlap      matrix of the 300 frames' visible sets
//   rays         embeddings of 64 frames at 518x518, patch 14, 8 octaves, focal terms
//   projection   1M points x 8 / 64 frames: effective bandwidth vs the device's peak and a
//                device-to-device memcpy
// Each GPU case is timed twice: data already on the device (CUDA events, median of runs) and from
// host memory, transfers included (wall clock, median; the phase split comes from PhaseTimes).
// The CPU figure (wall clock, one or a few runs, all threads) is the core with CUDA switched off.
//   spatial_core_bench_cuda [points=1000000] [frames=300]
// Comparable PyTorch code: bench/torch_compare.py (same sizes and scene recipe).
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "spatial_geom/spatial_geom.h"
#include "spatial_geom_cuda/cuda_ops.h"

using namespace spatial;

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s failed: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

double median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Device time of fn (which only queues work on this thread's default stream), median of runs.
double deviceMs(int runs, const std::function<void()>& fn) {
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "cudaEventCreate");
  check(cudaEventCreate(&b), "cudaEventCreate");
  fn();  // warm-up
  check(cudaStreamSynchronize(cudaStreamPerThread), "warm-up");
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    check(cudaEventRecord(a, cudaStreamPerThread), "cudaEventRecord");
    fn();
    check(cudaEventRecord(b, cudaStreamPerThread), "cudaEventRecord");
    check(cudaEventSynchronize(b), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "cudaEventElapsedTime");
    t.push_back(ms);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return median(t);
}

// Wall time of fn, median of runs (after one warm-up when warm is set).
double wallMs(int runs, const std::function<void()>& fn, bool warm = true) {
  if (warm) fn();
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  return median(t);
}

void printPhases(const char* name, double wall, const cuda::PhaseTimes& p, int runs) {
  std::printf("%-34s %9.2f ms  (upload %.2f, kernel %.2f, download %.2f ms per run)\n", name, wall, p.uploadMs / runs,
              p.kernelMs / runs, p.downloadMs / runs);
}

std::vector<Camera> ringCameras(int frames, int w, int h) {
  std::vector<Camera> cams(frames);
  for (int f = 0; f < frames; ++f) {
    const double a = 2 * M_PI * f / frames, c = std::cos(a), s = std::sin(a);
    const double pose[16] = {c, 0, s, -4 * s, 0, 1, 0, 0, -s, 0, c, -4 * c, 0, 0, 0, 1};
    double packed[22] = {0.8 * w, 0.8 * w, (w - 1) / 2.0, (h - 1) / 2.0, double(w), double(h)};
    std::memcpy(packed + 6, pose, sizeof pose);
    cams[f] = makeCamera(packed, "camera");
  }
  return cams;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int frames = argc > 2 ? std::atoi(argv[2]) : 300;
  const CudaStatus status = cudaStatus();
  if (!status.available) {
    std::printf("no CUDA device: %s\n", status.reason.c_str());
    return 1;
  }
  int dev = 0, memClockKHz = 0, busBits = 0, sms = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&memClockKHz, cudaDevAttrMemoryClockRate, dev), "memory clock");
  check(cudaDeviceGetAttribute(&busBits, cudaDevAttrGlobalMemoryBusWidth, dev), "bus width");
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev), "SM count");
  // Double data rate: two transfers per clock on each bus bit.
  const double peakGBs = 2.0 * memClockKHz * 1e3 * (busBits / 8.0) / 1e9;
  std::printf("device %s, %d SMs, peak DRAM %.0f GB/s (clock %d MHz x %d bit); CPU threads %d\n",
              status.device.c_str(), sms, peakGBs, memClockKHz / 1000, busBits, threadCount());
  std::printf("points %zu, frames %d\n", n, frames);

  // Measured device memcpy (read + write bytes), the practical bandwidth ceiling.
  const size_t copyBytes = size_t(1) << 30;
  cuda::DeviceArray<char> copyA(copyBytes), copyB(copyBytes);
  const double copyMs = deviceMs(5, [&] {
    check(cudaMemcpyAsync(copyB.get(), copyA.get(), copyBytes, cudaMemcpyDeviceToDevice, cudaStreamPerThread), "memcpy");
  });
  const double copyGBs = 2.0 * copyBytes / copyMs / 1e6;
  std::printf("%-34s %9.2f ms  %7.0f GB/s (%.0f%% of peak)\n", "device memcpy 1 GiB", copyMs, copyGBs,
              100 * copyGBs / peakGBs);

  // Scene: points in a cube at the ring's centre, depth maps of random surfaces 3-5.5 m away.
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> U(-1.5f, 1.5f), D(3.f, 5.5f);
  std::vector<float> pts(3 * n);
  for (auto& x : pts) x = U(rng);
  const int W = 640, H = 480;
  const std::vector<Camera> cams = ringCameras(frames, W, H);
  std::vector<float> depthData(size_t(frames) * W * H);
  for (auto& d : depthData) d = D(rng);
  std::vector<DepthView> depths(frames);
  for (int f = 0; f < frames; ++f) depths[f] = DepthView{depthData.data() + size_t(f) * W * H, W, H};
  const VisibilityOptions opts;
  const size_t words = maskWords(n);

  // ---- Visibility.
  cuda::DeviceArray<float> dPts(pts.data(), pts.size());
  cuda::DeviceArray<float> dDepth(depthData.data(), depthData.size());
  std::vector<DepthView> dViews(frames);
  for (int f = 0; f < frames; ++f) dViews[f] = DepthView{dDepth.get() + size_t(f) * W * H, W, H};
  cuda::DeviceArray<uint64_t> dMasks(size_t(frames) * words);
  const double visDev = deviceMs(5, [&] {
    cuda::visibilityMasksOnDevice<float>(dPts.get(), n, cams.data(), dViews.data(), frames, opts, dMasks.get());
  });
  std::printf("%-34s %9.2f ms  %7.2f G point-frames/s\n", "visibility on device", visDev, n * frames / visDev / 1e6);
  std::vector<uint64_t> masks(size_t(frames) * words);
  const int hostRuns = 3;
  const double visHost = wallMs(hostRuns, [&] {
    cuda::visibilityMasks<float>(pts.data(), n, cams.data(), depths.data(), frames, opts, masks.data());
  });
  cuda::PhaseTimes visOnce;
  cuda::visibilityMasks<float>(pts.data(), n, cams.data(), depths.data(), frames, opts, masks.data(), &visOnce);
  printPhases("visibility from host", visHost, visOnce, 1);
  setBackendPreference(BackendPreference::Cpu);
  std::vector<uint64_t> cpuMasks(masks.size());
  const double visCpu = wallMs(1, [&] {
    visibilityMasks<float>(pts.data(), n, cams.data(), depths.data(), frames, opts, cpuMasks.data());
  }, false);
  std::printf("%-34s %9.2f ms  (masks %s the GPU's)\n", "visibility CPU", visCpu,
              cpuMasks == masks ? "equal to" : "DIFFER from");

  // ---- Overlap matrix of the frames' visible sets.
  std::vector<std::vector<uint32_t>> sets(frames);
  std::vector<IndexSet> views(frames);
  size_t visible = 0;
  for (int f = 0; f < frames; ++f) {
    sets[f].resize(maskCount(masks.data() + size_t(f) * words, words));
    maskToIndices(masks.data() + size_t(f) * words, words, sets[f].data());
    views[f] = IndexSet{sets[f].data(), sets[f].size()};
    visible += sets[f].size();
  }
  std::printf("visible sets: mean %.0f points per frame\n", double(visible) / frames);
  cuda::DeviceArray<float> dOverlap(size_t(frames) * frames);
  const double ovDev = deviceMs(5, [&] { cuda::overlapMatrixFromMasksOnDevice(dMasks.get(), frames, words, dOverlap.get()); });
  std::printf("%-34s %9.2f ms\n", "overlap from masks on device", ovDev);
  std::vector<float> overlapGpu(size_t(frames) * frames), overlapCpu(overlapGpu.size());
  cuda::PhaseTimes ovPhases;
  const double ovHost = wallMs(hostRuns, [&] { cuda::overlapMatrix(views.data(), frames, overlapGpu.data()); });
  cuda::overlapMatrix(views.data(), frames, overlapGpu.data(), &ovPhases);
  printPhases("overlap from host sets", ovHost, ovPhases, 1);
  const double ovCpu = wallMs(1, [&] { overlapMatrix(views.data(), frames, overlapCpu.data()); }, false);
  std::printf("%-34s %9.2f ms  (%s, matrix %s)\n", "overlap CPU", ovCpu,
              chooseOverlapMethod(views.data(), frames) == OverlapMethod::Bitset ? "bitset" : "merge",
              overlapCpu == overlapGpu ? "equal" : "DIFFERS");
  setBackendPreference(BackendPreference::Auto);

  // ---- Ray embeddings: 64 frames at 518x518, patch 14.
  const Intrinsics k{400, 400, 258.5, 258.5, 518, 518};
  const PatchGrid g = patchGridFromSize(k, 14);
  const int rayFrames = 64, octaves = 8;
  const size_t per = rayEmbeddingSize(g, octaves, true);
  cuda::DeviceArray<float> dEmb(per * rayFrames);
  const double rayDev = deviceMs(5, [&] {
    for (int f = 0; f < rayFrames; ++f) cuda::rayEmbeddingOnDevice(k, g, octaves, true, dEmb.get() + f * per);
  });
  std::printf("%-34s %9.2f ms  (%zu floats per frame)\n", "rays 64 x 518^2/14 F=8 on device", rayDev, per);
  std::vector<float> emb(per * rayFrames);
  const double rayHost = wallMs(5, [&] {
    for (int f = 0; f < rayFrames; ++f) cuda::rayEmbedding(k, g, octaves, true, emb.data() + f * per);
  });
  std::printf("%-34s %9.2f ms\n", "rays 64 frames from host", rayHost);
  setBackendPreference(BackendPreference::Cpu);
  const double rayCpu = wallMs(5, [&] {
    for (int f = 0; f < rayFrames; ++f) rayEmbedding(k, g, octaves, true, emb.data() + f * per);
  });
  std::printf("%-34s %9.2f ms\n", "rays 64 frames CPU", rayCpu);
  setBackendPreference(BackendPreference::Auto);

  // ---- Projection bandwidth: 12 bytes read per point, 12 bytes written per point-frame.
  for (int pf : {8, 64}) {
    if (pf > frames) break;
    cuda::DeviceArray<float> dUv(2 * n * pf), dZ(n * pf);
    const double ms = deviceMs(7, [&] {
      cuda::projectPointsOnDevice<float>(dPts.get(), n, cams.data(), pf, dUv.get(), dZ.get());
    });
    const double gbs = (12.0 * n + 12.0 * n * pf) / ms / 1e6;
    std::printf("project %2d frames on device %11.2f ms  %7.0f GB/s (%.0f%% of peak, %.0f%% of memcpy)\n", pf, ms, gbs,
                100 * gbs / peakGBs, 100 * gbs / copyGBs);
    std::vector<float> uv(2 * n * pf), z(n * pf);
    cuda::PhaseTimes p;
    const double host = wallMs(3, [&] { cuda::projectPoints<float>(pts.data(), n, cams.data(), pf, uv.data(), z.data()); });
    cuda::projectPoints<float>(pts.data(), n, cams.data(), pf, uv.data(), z.data(), &p);
    printPhases(("project " + std::to_string(pf) + " frames from host").c_str(), host, p, 1);
    setBackendPreference(BackendPreference::Cpu);
    const double cpu = wallMs(3, [&] { projectPoints<float>(pts.data(), n, cams.data(), pf, uv.data(), z.data()); });
    setBackendPreference(BackendPreference::Auto);
    std::printf("%-34s %9.2f ms\n", ("project " + std::to_string(pf) + " frames CPU").c_str(), cpu);
  }
  const CudaStatus after = cudaStatus();
  if (!after.lastError.empty()) std::printf("a call fell back to the CPU: %s\n", after.lastError.c_str());
  return 0;
}
