/**
 * The typed seam to the compiled addon (`build/Release/spatial_geom.node`). Public modules wrap
 * these raw functions; nothing else touches the binding. Every raw function validates its own
 * arguments too, so even a malformed direct call throws instead of crashing the process. The
 * `*Async` functions copy their inputs at the call and write `out` / `labels` when the job ends (a
 * detached one rejects with ERR_SPATIAL_IO): see native/addon/async.h.
 * @module
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spatialError } from './errors.js';
import type { NativeBackendInfo, SimdLevel } from './types.js';

/** Raw interface of the addon (packed cameras: see `PACKED_CAMERA_LENGTH`). */
export interface NativeBinding {
  projectPoints(points: Float32Array | Float64Array, cameras: Float64Array, uv: Float32Array, depth: Float32Array): void;
  visibleSets(points: Float32Array | Float64Array, cameras: Float64Array, depths: Float32Array[], near: number, tolerance: number): Uint32Array[];
  visibleSetsAsync(points: Float32Array | Float64Array, cameras: Float64Array, depths: Float32Array[], near: number, tolerance: number): Promise<Uint32Array[]>;
  visibleSetsStoredAsync(points: Float32Array | Float64Array, cameras: Float64Array, depths: Uint16Array[], scale: number, near: number, tolerance: number): Promise<Uint32Array[]>;
  depthFromStored(stored: Uint16Array, scale: number, out: Float32Array): void;
  intersect(a: Uint32Array, b: Uint32Array): Uint32Array;
  overlap(a: Uint32Array, b: Uint32Array): number;
  overlapMatrix(sets: Uint32Array[], out: Float32Array): void;
  overlapMatrixAsync(sets: Uint32Array[], out: Float32Array): Promise<void>;
  correspondences(points: Float32Array | Float64Array, cameras: Float64Array, setA: Uint32Array, setB: Uint32Array): {
    index: Uint32Array; uvA: Float32Array; uvB: Float32Array; depthA: Float32Array; depthB: Float32Array;
  };
  backprojectDepth(depth: Float32Array, camera: Float64Array, stride: number): Float32Array;
  rayGrid(intrinsics: Float64Array, patchSize: number, rows: number, cols: number): Float32Array;
  rayEmbedding(intrinsics: Float64Array, patchSize: number, frequencies: number, includeFocal: boolean, out?: Float32Array): Float32Array;
  info(): NativeBackendInfo & { cuda: { compiled: boolean; available: boolean; device?: string; reason?: string } };
  configure(threads?: number, backend?: 'auto' | 'cpu' | 'cuda', parallelThreshold?: number, simd?: SimdLevel): NativeBackendInfo;
  voxelDownsample(points: Float32Array, labels: Uint16Array | undefined, voxelSize: number): { points: Float32Array; labels?: Uint16Array; counts: Uint32Array };
  visibleSetsMultiSpa(points: Float32Array, cameras: Float64Array, depths: Float32Array[], depthSizes: Float64Array, depthScales?: Float64Array): Uint32Array[];
  boxIou3d(a: Float64Array, b: Float64Array): number;
  boxIou3dMatrix(a: Float64Array, b: Float64Array, out: Float64Array): void;
  // Rigid-body segmentation (native/addon/motion.cc), wrapped by lib/ops/motion/native.ts.
  trackDistanceChange(tracks: Float32Array | Float64Array, frames: number, smoothing: number, out: Float64Array): void;
  averageLinkageCut(condensed: Float64Array, n: number, cut: number, labels: Int32Array): number;
  rigidSegmentation(tracks: Float32Array | Float64Array, frames: number, smoothing: number, cut: number, labels: Int32Array): number;
  rigidSegmentationAsync(tracks: Float32Array | Float64Array, frames: number, smoothing: number, cut: number, labels: Int32Array): Promise<number>;
  /** Bilinear colour resample; `map` = [scaleX, offsetX, scaleY, offsetY] (source = scale * dst + offset). */
  resampleImage(src: Uint8Array, srcWidth: number, srcHeight: number, channels: number, dst: Uint8Array, dstWidth: number, dstHeight: number, map: Float64Array, fill: Uint8Array): void;
  /** Nearest-neighbour depth resample (outside -> 0). */
  resampleDepth(src: Float32Array, srcWidth: number, srcHeight: number, dst: Float32Array, dstWidth: number, dstHeight: number, map: Float64Array): void;
  /** Nearest-neighbour uint16 id resample (outside -> 0). */
  resampleIds(src: Uint16Array, srcWidth: number, srcHeight: number, dst: Uint16Array, dstWidth: number, dstHeight: number, map: Float64Array): void;
  // Box ray caster (native/addon/raycast.cc), wrapped by lib/ops/raycast/native.ts. room/roomIds: length 0 or 6.
  raycastBoxes(
    boxes: Float64Array, ids: Uint16Array, room: Float64Array, roomIds: Uint16Array, palette: Uint8Array, camera: Float64Array,
    depth: Float32Array, instanceIds: Uint16Array, color?: Uint8Array,
  ): void;
  // Space-aware frame sampling and Sim(3) alignment (native/addon/sampling.cc). voxelSize 0 = automatic.
  voxelCoverageSelect(pointMaps: (Float32Array | Float64Array)[], confidences: Float32Array[] | undefined, k: number, candidates: number, voxelSize: number): {
    frames: Uint32Array; order: Uint32Array; coverage: Float64Array; greedyPicks: number; voxelSize: number;
    totalVoxels: number; keptPoints: number; confidenceThreshold: number; candidates: Uint32Array;
  };
  voxelCoverageSelectAsync(pointMaps: (Float32Array | Float64Array)[], confidences: Float32Array[] | undefined, k: number, candidates: number, voxelSize: number): Promise<ReturnType<NativeBinding['voxelCoverageSelect']>>;
  alignSim3(src: Float32Array | Float64Array, dst: Float32Array | Float64Array, withScale: boolean): {
    scale: number; rotation: Float64Array; translation: Float64Array; rmse: number; count: number;
  };
}

/**
 * The package's root directory: the nearest folder above this module whose package.json is ours.
 * Found by walking up rather than by a fixed `..`, because this module runs from lib/ (tests),
 * dist/ (ESM) and dist/cjs/ (the CommonJS bundle).
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === '@spatial/geom') return dir;
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    if (dirname(dir) === dir) return resolve(start, '..');
  }
}

let binding: NativeBinding | undefined;
let loadError: Error | undefined;

/**
 * Loads the addon once, with node-gyp-build's lookup: a source build in build/Release first (a
 * developer's checkout, or `SPATIAL_GEOM_BUILD_FROM_SOURCE=1 npm rebuild @spatial/geom`), else the
 * prebuilt binary shipped in the package (`prebuilds/<platform>-<arch>/`). Throws ERR_SPATIAL_IO
 * saying how to get a binary when neither loads, and the addon's own coded error (ERR_SPATIAL_SHAPE)
 * when env SPATIAL_GEOM_SIMD asks for a SIMD level that is unknown or above this CPU's. Either error
 * is then thrown by every later call.
 */
export function native(): NativeBinding {
  if (binding) return binding;
  if (loadError) throw loadError;
  let path: string | undefined;
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
    path = nodeGypBuild.resolve(packageRoot);
    binding = require(path) as NativeBinding;
    return binding;
  } catch (e) {
    const err = e as Error & { code?: string };
    // The addon's own load-time errors (SPATIAL_GEOM_SIMD asks for more than the CPU has) already
    // carry a code and say what to do: pass them on as they are.
    if (err.code?.startsWith('ERR_SPATIAL_')) loadError = err;
    else
      loadError = spatialError(
        'ERR_SPATIAL_IO',
        `the native addon ${path ? `(${path}) ` : ''}could not be loaded: ${err.message.split('\n')[0]}. ` +
          `No prebuilt binary fits ${process.platform}-${process.arch}, or it did not load here: build it from source with ` +
          '`SPATIAL_GEOM_BUILD_FROM_SOURCE=1 npm rebuild @spatial/geom` (needs g++, cmake >= 3.21, and the packages ' +
          'cmake-js and node-addon-api), or use the pure-TS reference from "@spatial/geom/reference".',
      );
    throw loadError;
  }
}
