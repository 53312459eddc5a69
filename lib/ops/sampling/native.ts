/**
 * Space-aware frame sampling (Spatial-MLLM): choose the frames of a video whose point maps cover
 * the most distinct voxels of the scene. Native (C++ core, multi-threaded per frame); the pure-TS
 * twin is in `@spatial/geom/reference`.
 * @module
 */
import { native, type NativeBinding } from '../../native.js';
import { checkVoxelCoverageArgs, type VoxelCoverageOptions, type VoxelCoverageSelection } from './shared.js';
import type { Points } from '../../types.js';

export type { VoxelCoverageOptions, VoxelCoverageSelection } from './shared.js';

type RawSelection = ReturnType<NativeBinding['voxelCoverageSelect']>;

function toSelection(r: RawSelection): VoxelCoverageSelection {
  return {
    frames: Array.from(r.frames), order: Array.from(r.order), coverage: Array.from(r.coverage), greedyPicks: r.greedyPicks,
    voxelSize: r.voxelSize, totalVoxels: r.totalVoxels, keptPoints: r.keptPoints, confidenceThreshold: r.confidenceThreshold,
    candidates: Array.from(r.candidates),
  };
}

/**
 * Space-aware frame selection by greedy maximum voxel coverage (Spatial-MLLM's SA sampling), with
 * the selection statistics. {@link voxelCoverageSelect} returns only the frames.
 *
 * Steps (Spatial-MLLM's space-aware frame sampling; identical in the reference twin):
 * 1. Candidates: `M = min(opts.candidates ?? 128, n)` frames `floor(linspace(0, n - 1, M))` (numpy's
 *    arithmetic). Other frames are ignored.
 * 2. With `opts.confidences`: `tau = float32(numpy.percentile(conf, 50))` over the candidates'
 *    non-NaN confidences; a point is kept when `conf >= tau` and `conf > float32(0.1)`.
 *    Non-finite points are never kept.
 * 3. Voxel edge: `opts.voxelSize`, else `min(extent_x, extent_y, extent_z) / 20` of the kept
 *    points' box (a zero smallest extent falls back to the smallest positive one / 20, a
 *    single-point box to 1).
 * 4. Voxel of a kept point: `floor((p - boxMin) / voxel)` per axis, in float32 arithmetic for
 *    Float32Array maps (as the reference's torch float32 tensors) and in double for Float64Array maps.
 * 5. Greedy maximum coverage: each round takes the candidate adding the most uncovered voxels
 *    (strict `>` scanning in time order: ties go to the earlier frame), while that gain is > 0.
 * 6. Fill (this library's rule; the reference stops early and may return fewer frames): until
 *    `min(k, M)` frames are chosen, add the unselected candidate whose frame index is farthest from
 *    the nearest selected frame index (ties to the earlier frame; with nothing selected, the first
 *    candidate). Greedy's coverage is at least (1 - 1/e) of the best k-frame coverage.
 *
 * @param pointMaps - n point maps (frames in time order), each 3N_f interleaved xyz in any common
 *   frame and unit (VGGT's normalised first-camera frame works as is: the voxel size is relative).
 *   All Float32Array or all Float64Array.
 * @param k - frames to choose (integer >= 0); `min(k, M)` are returned.
 * @param opts - `voxelSize`, `confidences` (N_f floats per frame), `candidates` (default 128).
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE on bad arguments, or when the voxel grid would have
 *   more than 2^53 cells along an axis (voxel size far below the scene extent).
 * @example
 * const sel = voxelCoverageSelectDetailed(vggtWorldPoints, 16, { confidences: vggtConf });
 * sel.frames;   // e.g. [0, 9, 17, ...] (16 ascending frame indices)
 * sel.coverage; // voxels covered after each pick
 */
export function voxelCoverageSelectDetailed(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): VoxelCoverageSelection {
  const a = checkVoxelCoverageArgs(pointMaps, k, opts);
  return toSelection(native().voxelCoverageSelect(a.maps, a.confidences, a.k, a.candidates, a.voxelSize));
}

/**
 * Space-aware frame selection: the `min(k, M)` chosen frame indices in temporal order. See
 * {@link voxelCoverageSelectDetailed} for the exact rule and the coverage curve.
 *
 * @param pointMaps - n point maps in time order, each 3N_f interleaved xyz (all Float32Array or all
 *   Float64Array), any common frame and unit; non-finite points are never kept.
 * @param k - frames to choose (integer >= 0).
 * @param opts - `voxelSize` (point-map units, > 0), `confidences` (Float32Array of N_f per frame),
 *   `candidates` (default 128).
 * @returns `min(k, M)` ascending frame indices (0-based, into `pointMaps`); `[]` when `k = 0`.
 * @throws the same codes as {@link voxelCoverageSelectDetailed}: ERR_SPATIAL_TYPE (TypeError) for a
 *   non-array `pointMaps`, mixed element types, a non-Float32Array confidence or a non-number option;
 *   ERR_SPATIAL_SHAPE for a length that is not 3N_f, confidences of the wrong count or length, a
 *   `voxelSize` that is not finite and > 0, a bad `k` / `candidates`, or a voxel grid too fine.
 * @example
 * voxelCoverageSelect(pointMaps, 16); // [0, 9, 17, ...]
 */
export function voxelCoverageSelect(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): number[] {
  return voxelCoverageSelectDetailed(pointMaps, k, opts).frames;
}

/**
 * {@link voxelCoverageSelectDetailed} on a worker thread (the event loop stays free: a 128-frame,
 * 518x518 selection takes a few hundred ms). The point maps and confidences are copied at the call:
 * they may be mutated or transferred (detached) while it runs.
 *
 * @param pointMaps - n point maps in time order, each 3N_f interleaved xyz (all Float32Array or all Float64Array).
 * @param k - frames to choose (integer >= 0).
 * @param opts - `voxelSize`, `confidences`, `candidates`, as in {@link voxelCoverageSelectDetailed}.
 * @returns a promise of the {@link VoxelCoverageSelection}.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE as {@link voxelCoverageSelectDetailed}, as a rejected
 *   promise (argument checks run before the job starts).
 * @example
 * const { frames, coverage } = await voxelCoverageSelectAsync(pointMaps, 16, { voxelSize: 0.05 });
 */
export async function voxelCoverageSelectAsync(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): Promise<VoxelCoverageSelection> {
  const a = checkVoxelCoverageArgs(pointMaps, k, opts);
  return toSelection(await native().voxelCoverageSelectAsync(a.maps, a.confidences, a.k, a.candidates, a.voxelSize));
}
