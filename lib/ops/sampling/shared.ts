/**
 * Internal: argument checks shared by the native-backed sampling / target ops and their pure-TS
 * twins, so both reject the same inputs with the same codes and messages. Not exported from the
 * package root.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { Intrinsics, Points, View } from '../../types.js';
import { checkBoolean, checkInteger, checkIntrinsics, checkOptionsObject, checkPoints } from '../../validate.js';

/** Options of `voxelCoverageSelect` (see lib/sampling.ts for the semantics). */
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
  const candidates = checkInteger(o.candidates ?? 128, 1, U32_MAX, 'opts.candidates');
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

/** Validated arguments of `alignSim3`: N pairs. */
export function checkAlignArgs(src: unknown, dst: unknown, opts: unknown): { n: number; withScale: boolean } {
  const n = checkPoints(src, 'src');
  const m = checkPoints(dst, 'dst');
  if (m !== n) throw spatialError('ERR_SPATIAL_SHAPE', `dst.length must equal src.length (${3 * n}), got ${3 * m}`);
  const o = checkOptionsObject(opts ?? {});
  return { n, withScale: checkBoolean(o.withScale ?? true, 'opts.withScale') };
}

/** Options of `cameraTokens`. */
export interface CameraTokenOptions {
  /** Token footprint in pixels (e.g. 14, or 28 for Qwen2.5-VL's 14-px patch x 2 merge). */
  patchSize: number;
  /** Number of octaves F (1..32). */
  frequencies: number;
  /** Also encode `fx / W`, `fy / H` (default false). */
  includeFocal?: boolean;
}

/** Camera tokens: one D-vector per patch, row-major patches. */
export interface CameraTokens {
  rows: number;
  cols: number;
  /** Values per token: `Q * 2F` with Q = 4 when the focal lengths are included, else 2. */
  dim: number;
  /** rows*cols*dim floats: token (r, c) at `data[(r * cols + c) * dim ...]`. */
  data: Float32Array;
}

type Embed = (k: Intrinsics, opts: { patchSize: number; frequencies: number; includeFocal?: boolean }) => Float32Array;

/** The body of `cameraTokens`, shared by both backends (each passes its own `rayEmbedding`). */
export function buildCameraTokens(view: unknown, opts: unknown, embed: Embed): CameraTokens {
  if (typeof view !== 'object' || view === null)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a View { intrinsics, image?, depth?, pose? } for view but received ${describeValue(view)}`);
  const v = view as View;
  const k = checkIntrinsics(v.intrinsics, 'view.intrinsics');
  for (const key of ['image', 'depth'] as const) {
    const m = v[key];
    if (m !== undefined && (m.width !== k.width || m.height !== k.height))
      throw spatialError('ERR_SPATIAL_SHAPE', `view.${key} is ${m.width}x${m.height} but view.intrinsics expects ${k.width}x${k.height}`);
  }
  const o = checkOptionsObject(opts) as unknown as CameraTokenOptions;
  const data = embed(k, { patchSize: o.patchSize, frequencies: o.frequencies, includeFocal: o.includeFocal });
  const rows = Math.floor(k.height / o.patchSize);
  const cols = Math.floor(k.width / o.patchSize);
  return { rows, cols, dim: data.length / (rows * cols), data };
}
