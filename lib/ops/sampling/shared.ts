/**
 * The shared part of the sampling family: the options, result type and argument checks of
 * `voxelCoverageSelect`, shared by the native face and the pure-TS twin so both reject the same
 * inputs with the same codes and messages. Not exported from the package root as a module.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { Points } from '../../types.js';
import { checkInteger, checkOptionsObject, checkPoints } from '../../validate.js';

/** The defaults of the coverage frame selection (Spatial-MLLM's 128 candidates); the CLI's help reads them here. */
export const COVERAGE_SELECT_DEFAULTS = { candidates: 128 } as const;

/** Options of `voxelCoverageSelect` (see `native.ts` for the semantics). */
export interface VoxelCoverageOptions {
  /** Voxel edge in the point maps' units (> 0). Default: the kept points' smallest box extent / 20. */
  voxelSize?: number;
  /** Per-frame confidences (one Float32Array of N_f values per point map): keeps `conf >= median and conf > 0.1`. */
  confidences?: Float32Array[];
  /** Number of evenly spaced candidate frames M (default 128, as Spatial-MLLM). */
  candidates?: number;
}

/** Validated arguments of `voxelCoverageSelect`. */
export interface VoxelCoverageArgs {
  maps: Points[];
  isDouble: boolean;
  k: number;
  candidates: number;
  /** 0 = automatic. */
  voxelSize: number;
  confidences?: Float32Array[];
}

const U32_MAX = 0xffffffff;

export function checkVoxelCoverageArgs(pointMaps: unknown, k: unknown, opts: unknown): VoxelCoverageArgs {
  if (!Array.isArray(pointMaps))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Float32Array or Float64Array for pointMaps but received ${describeValue(pointMaps)}`);
  const o = checkOptionsObject(opts ?? {});
  let isDouble = false;
  const counts = pointMaps.map((p, f) => {
    const n = checkPoints(p, `pointMaps[${f}]`);
    const d = p instanceof Float64Array;
    if (f === 0) isDouble = d;
    else if (d !== isDouble)
      throw spatialError('ERR_SPATIAL_TYPE', `Expected every point map to share pointMaps[0]'s element type (${isDouble ? 'Float64Array' : 'Float32Array'}) but pointMaps[${f}] is a ${d ? 'Float64Array' : 'Float32Array'}`);
    return n;
  });
  let confidences: Float32Array[] | undefined;
  if (o.confidences !== undefined) {
    if (!Array.isArray(o.confidences))
      throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Float32Array for opts.confidences but received ${describeValue(o.confidences)}`);
    if (o.confidences.length !== pointMaps.length)
      throw spatialError('ERR_SPATIAL_SHAPE', `opts.confidences.length must equal pointMaps.length (${pointMaps.length}), got ${o.confidences.length}`);
    confidences = o.confidences.map((c: unknown, f: number) => {
      if (!(c instanceof Float32Array))
        throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for opts.confidences[${f}] but received ${describeValue(c)}`);
      if (c.length !== counts[f])
        throw spatialError('ERR_SPATIAL_SHAPE', `opts.confidences[${f}].length must equal the number of points of pointMaps[${f}] (${counts[f]}), got ${c.length}`);
      return c;
    });
  }
  const kk = checkInteger(k, 0, U32_MAX, 'k');
  const candidates = checkInteger(o.candidates ?? COVERAGE_SELECT_DEFAULTS.candidates, 1, U32_MAX, 'opts.candidates');
  let voxelSize = 0;
  if (o.voxelSize !== undefined) {
    if (typeof o.voxelSize !== 'number')
      throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for opts.voxelSize but received ${describeValue(o.voxelSize)}`);
    if (!Number.isFinite(o.voxelSize) || !(o.voxelSize > 0))
      throw spatialError('ERR_SPATIAL_SHAPE', `opts.voxelSize must be a finite number > 0 (got ${o.voxelSize})`);
    voxelSize = o.voxelSize;
  }
  return { maps: pointMaps as Points[], isDouble, k: kk, candidates, voxelSize, confidences };
}

/** What {@link voxelCoverageSelectDetailed} returns. */
export interface VoxelCoverageSelection {
  /** The chosen original frame indices, ascending (temporal order); `min(k, M)` of them. */
  frames: number[];
  /** The same frames in the order they were picked (greedy picks first, then fill picks). */
  order: number[];
  /** Distinct voxels covered after each pick, in pick order (constant over the fill picks). */
  coverage: number[];
  /** How many picks added coverage (greedy); the remaining `frames.length - greedyPicks` are fill picks. */
  greedyPicks: number;
  /** Voxel edge used, in the point maps' units (rounded to float32 for Float32Array maps; 0 when no point was kept and none was given). */
  voxelSize: number;
  /** Distinct voxels over all candidate frames (the most any selection can cover). */
  totalVoxels: number;
  /** Points of the candidate frames that passed the finite + confidence test. */
  keptPoints: number;
  /** The confidence threshold tau (a float32 value), NaN without `opts.confidences`. */
  confidenceThreshold: number;
  /** The M candidate frame indices `floor(linspace(0, n - 1, M))`. */
  candidates: number[];
}
