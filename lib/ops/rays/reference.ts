/**
 * Reference twins of the camera-ray ops (`rayGrid`, `rayEmbedding`), pure TypeScript.
 * @module
 */
import type { Intrinsics, PatchGridSpec, RayEmbeddingOptions } from '../../types.js';
import { checkIntrinsics } from '../../validate.js';
import { checkRayEmbeddingArgs, rayEmbeddingLength, resolvePatchGrid } from './shared.js';

const patchCentre = (index: number, step: number): number => (index + 0.5) * step - 0.5;

/**
 * Reference twin of {@link geometry!rayGrid}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function rayGrid(k: Intrinsics, grid: PatchGridSpec): Float32Array {
  const ki = checkIntrinsics(k, 'k');
  const g = resolvePatchGrid(ki, grid);
  const out = new Float32Array(g.rows * g.cols * 2);
  for (let r = 0; r < g.rows; r++)
    for (let c = 0; c < g.cols; c++) {
      out[(r * g.cols + c) * 2] = (patchCentre(c, g.stepX) - ki.cx) / ki.fx;
      out[(r * g.cols + c) * 2 + 1] = (patchCentre(r, g.stepY) - ki.cy) / ki.fy;
    }
  return out;
}

/**
 * Reference twin of {@link geometry!rayEmbedding}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function rayEmbedding(k: Intrinsics, opts: RayEmbeddingOptions): Float32Array {
  const { k: ki, grid: g, frequencies: F, includeFocal: focal, out: given } = checkRayEmbeddingArgs(k, opts);
  const out = given ?? new Float32Array(rayEmbeddingLength(g, F, focal));
  const Q = focal ? 4 : 2;
  for (let p = 0; p < g.rows * g.cols; p++) {
    const x = (patchCentre(p % g.cols, g.stepX) - ki.cx) / ki.fx;
    const y = (patchCentre(Math.floor(p / g.cols), g.stepY) - ki.cy) / ki.fy;
    const values = focal ? [x, y, ki.fx / ki.width, ki.fy / ki.height] : [x, y];
    values.forEach((value, q) => {
      for (let f = 0; f < F; f++) {
        const a = Math.PI * 2 ** f * value;
        out[((p * Q + q) * F + f) * 2] = Math.sin(a);
        out[((p * Q + q) * F + f) * 2 + 1] = Math.cos(a);
      }
    });
  }
  return out;
}
