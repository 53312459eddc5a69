/**
 * Reference twin of space-aware frame sampling (native face: `native.ts` beside this file): plain Sets of voxel keys and a
 * naive greedy loop, the rule written out step by step. Same results as the native op, exactly.
 * @module
 */
import { checkVoxelCoverageArgs, type VoxelCoverageOptions, type VoxelCoverageSelection } from './shared.js';
import type { Points } from '../../types.js';
import { spatialError } from '../../errors.js';

export type { VoxelCoverageOptions, VoxelCoverageSelection } from './shared.js';

/** `floor(linspace(0, n - 1, m))` as numpy computes it (m <= n). */
export function linspaceCandidates(n: number, m: number): number[] {
  if (m === 0) return [];
  if (m === 1) return [0];
  const step = (n - 1) / (m - 1);
  const out: number[] = [];
  for (let i = 0; i < m - 1; i++) out.push(Math.floor(i * step));
  out.push(n - 1);
  return out;
}

/**
 * `float32(numpy.percentile(values, 50))` over the non-NaN values: the two middle values a <= b
 * of the sorted data, `b - (b - a) * 0.5` in double, rounded to float32. NaN when there is none.
 */
export function medianFloat32(arrays: Float32Array[]): number {
  let count = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) count++;
  if (count === 0) return NaN;
  const all = new Float32Array(count);
  let j = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) all[j++] = a[i];
  all.sort();
  const lo = all[Math.floor((count - 1) / 2)];
  const hi = all[Math.floor(count / 2)];
  return Math.fround(hi - (hi - lo) * 0.5) + 0;
}

const MAX_AXIS_INDEX = 2 ** 53 - 1;
const AXES = ['x', 'y', 'z'];

/**
 * Reference twin of {@link sampling-targets!voxelCoverageSelectDetailed}, the native op:
 * the same contract (parameters, shapes, units, edge cases, results), so its documentation and
 * example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function voxelCoverageSelectDetailed(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): VoxelCoverageSelection {
  const a = checkVoxelCoverageArgs(pointMaps, k, opts);
  const n = a.maps.length;
  const candidates = linspaceCandidates(n, Math.min(a.candidates, n));
  const M = candidates.length;
  // Float32Array maps compute in float32 (every operation rounded), Float64Array maps in double.
  const r = a.isDouble ? (x: number) => x : Math.fround;

  const conf = a.confidences;
  const tau = conf ? medianFloat32(candidates.map((f) => conf[f])) : NaN;
  const point01 = Math.fround(0.1);
  const kept = (f: number, i: number): boolean => {
    const p = a.maps[f];
    if (!Number.isFinite(p[3 * i]) || !Number.isFinite(p[3 * i + 1]) || !Number.isFinite(p[3 * i + 2])) return false;
    if (!conf) return true;
    const c = conf[f][i];
    return c >= tau && c > point01;
  };

  const mn = [Infinity, Infinity, Infinity];
  const mx = [-Infinity, -Infinity, -Infinity];
  let keptPoints = 0;
  for (const f of candidates)
    for (let i = 0; i < a.maps[f].length / 3; i++) {
      if (!kept(f, i)) continue;
      keptPoints++;
      for (let d = 0; d < 3; d++) {
        mn[d] = Math.min(mn[d], a.maps[f][3 * i + d]);
        mx[d] = Math.max(mx[d], a.maps[f][3 * i + d]);
      }
    }

  let voxel = 0;
  const sets: Set<number | string>[] = candidates.map(() => new Set());
  if (keptPoints > 0) {
    const ext = [0, 1, 2].map((d) => r(mx[d] - mn[d]));
    if (a.voxelSize > 0) {
      voxel = r(a.voxelSize);
      if (!(voxel > 0) || !Number.isFinite(voxel))
        throw spatialError('ERR_SPATIAL_SHAPE', `opts.voxelSize must be representable as a positive finite float32 for Float32Array point maps (got ${a.voxelSize})`);
    } else {
      voxel = r(Math.min(...ext) / 20);
      if (!(voxel > 0)) {
        const positive = ext.filter((e) => e > 0);
        voxel = positive.length ? r(Math.min(...positive) / 20) : 1;
        if (!(voxel > 0)) voxel = 1;
      }
    }
    const dims = ext.map((e, d) => {
      const top = Math.floor(r(e / voxel));
      if (!(top <= MAX_AXIS_INDEX))
        throw spatialError('ERR_SPATIAL_SHAPE', `voxelCoverageSelect: the voxel grid is too fine (more than 2^53 voxels along ${AXES[d]}: extent ${e}, voxel ${voxel}); use a larger opts.voxelSize`);
      return top + 1;
    });
    // Number keys while they are exact (< 2^53 cells), else strings: the same sets either way.
    const numeric = dims[0] * dims[1] * dims[2] <= MAX_AXIS_INDEX;
    candidates.forEach((f, c) => {
      const p = a.maps[f];
      for (let i = 0; i < p.length / 3; i++) {
        if (!kept(f, i)) continue;
        const ix = Math.floor(r(r(p[3 * i] - mn[0]) / voxel));
        const iy = Math.floor(r(r(p[3 * i + 1] - mn[1]) / voxel));
        const iz = Math.floor(r(r(p[3 * i + 2] - mn[2]) / voxel));
        sets[c].add(numeric ? (ix * dims[1] + iy) * dims[2] + iz : `${ix},${iy},${iz}`);
      }
    });
  } else if (a.voxelSize > 0) {
    voxel = r(a.voxelSize);
  }
  const total = new Set<number | string>();
  for (const s of sets) for (const key of s) total.add(key);

  // Greedy maximum coverage (strict >, ascending candidate order), then the temporal fill.
  const K = Math.min(a.k, M);
  const covered = new Set<number | string>();
  const selected = new Array<boolean>(M).fill(false);
  const order: number[] = [];
  const coverage: number[] = [];
  while (order.length < K) {
    let best = -1;
    let bestGain = 0;
    for (let c = 0; c < M; c++) {
      if (selected[c]) continue;
      let gain = 0;
      for (const key of sets[c]) if (!covered.has(key)) gain++;
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    if (best < 0) break;
    selected[best] = true;
    for (const key of sets[best]) covered.add(key);
    order.push(best);
    coverage.push(covered.size);
  }
  const greedyPicks = order.length;
  while (order.length < K) {
    let best = -1;
    let bestDistance = -1;
    for (let c = 0; c < M; c++) {
      if (selected[c]) continue;
      let nearest = Infinity;
      for (const s of order) nearest = Math.min(nearest, Math.abs(candidates[c] - candidates[s]));
      if (nearest > bestDistance) {
        bestDistance = nearest;
        best = c;
      }
    }
    selected[best] = true;
    order.push(best);
    coverage.push(covered.size);
  }
  const frames = order.map((c) => candidates[c]);
  return {
    frames: [...frames].sort((x, y) => x - y),
    order: frames,
    coverage,
    greedyPicks,
    voxelSize: voxel,
    totalVoxels: total.size,
    keptPoints,
    confidenceThreshold: tau,
    candidates,
  };
}

/**
 * Reference twin of {@link sampling-targets!voxelCoverageSelect}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function voxelCoverageSelect(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): number[] {
  return voxelCoverageSelectDetailed(pointMaps, k, opts).frames;
}

/**
 * Reference twin of {@link sampling-targets!voxelCoverageSelectAsync}, the native op: the
 * same contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: runs synchronously, settles with the same result.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation,
 *   as a rejected promise.
 */
export async function voxelCoverageSelectAsync(pointMaps: Points[], k: number, opts: VoxelCoverageOptions = {}): Promise<VoxelCoverageSelection> {
  return voxelCoverageSelectDetailed(pointMaps, k, opts);
}
