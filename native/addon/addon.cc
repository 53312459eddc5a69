// The addon's module init. The bindings live in one file per op family, each converting and
// validating its arguments (convert.h), calling the core and returning TypedArrays that own the
// core's output; each registers its functions through registry.h:
//   projection.cc  projectPoints, visibleSets, visibleSetsAsync, visibleSetsStoredAsync, depthFromStored,
//                  correspondences, backprojectDepth
//   compat.cc      visibleSetsMultiSpa (the MultiSPA rule)
//   sets.cc        intersect, overlap, overlapMatrix, overlapMatrixAsync
//   rays.cc        rayGrid, rayEmbedding
//   downsample.cc  voxelDownsample
//   sampling.cc    voxelCoverageSelect, voxelCoverageSelectAsync, alignSim3
//   motion.cc      trackDistanceChange, averageLinkageCut, rigidSegmentation[Async]
//   resample.cc    resampleImage, resampleDepth, resampleIds
//   raycast.cc     raycastBoxes
//   box_iou.cc     boxIou3d, boxIou3dMatrix
//   backend.cc     info, configure
// The raw interface is declared for TypeScript in lib/native.ts.
#include <napi.h>

#include "convert.h"
#include "registry.h"

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Pick the SIMD level now (CPUID, env SPATIAL_GEOM_SIMD): a request the CPU cannot honour makes
  // require() itself fail with the coded error (ERR_SPATIAL_SHAPE), which lib/native.ts passes on.
  try {
    spatial::simdLevel();
  } catch (const spatial::Error& e) {
    addon::throwJs(env, e.code(), e.what());
  }
  for (auto registrar : addon::registrars()) registrar(env, exports);
  return exports;
}

NODE_API_MODULE(spatial_geom, Init)
