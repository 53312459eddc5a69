/**
 * Reference twin of {@link geometry!voxelDownsample}.
 * @module
 */
import { checkDownsampleArgs, type Downsampled } from './shared.js';

const BIAS = 2 ** 20;

/**
 * Reference twin of {@link geometry!voxelDownsample}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: group by voxel key, average in double, most frequent label.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function voxelDownsample(points: Float32Array, voxelSize: number, labels?: Uint16Array): Downsampled {
  checkDownsampleArgs(points, voxelSize, labels);
  const groups = new Map<bigint, number[]>();
  const inv = 1 / voxelSize;
  for (let i = 0; i < points.length / 3; i++) {
    const [x, y, z] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    const k = [Math.floor(x * inv), Math.floor(y * inv), Math.floor(z * inv)];
    if (k.some((v) => Math.abs(v) >= BIAS)) throw new RangeError(`points[${i}] is too far from the origin`);
    const key = (BigInt(k[0] + BIAS) << 42n) | (BigInt(k[1] + BIAS) << 21n) | BigInt(k[2] + BIAS);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Float32Array(3 * keys.length);
  const counts = new Uint32Array(keys.length);
  const outLabels = labels ? new Uint16Array(keys.length) : undefined;
  keys.forEach((key, v) => {
    const idx = groups.get(key)!;
    for (let c = 0; c < 3; c++) out[3 * v + c] = idx.reduce((s, i) => s + points[3 * i + c], 0) / idx.length;
    counts[v] = idx.length;
    if (labels && outLabels) {
      const tally = new Map<number, number>();
      for (const i of idx) tally.set(labels[i], (tally.get(labels[i]) ?? 0) + 1);
      let best = -1, bestCount = 0;
      for (const [label, count] of [...tally].sort((a, b) => a[0] - b[0])) if (count > bestCount) [best, bestCount] = [label, count];
      outLabels[v] = best;
    }
  });
  return outLabels ? { points: out, labels: outLabels, counts } : { points: out, counts };
}
