/**
 * The shared part of the rays family (`rayGrid`, `rayEmbedding`, and the camera tokens built on them):
 * the patch grid of an image and the length of an embedding, used by both backends.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { Intrinsics, RayEmbeddingOptions } from '../../types.js';
import { checkBoolean, checkInteger, checkIntrinsics, checkOptionsObject, checkOut, isObject } from '../../validate.js';

/** Resolves a patch grid spec against intrinsics: rows, cols and the pixel step of a patch. */
export function resolvePatchGrid(k: Intrinsics, grid: unknown, name = 'grid'): { rows: number; cols: number; stepX: number; stepY: number; patchSize: number } {
  if (!isObject(grid)) throw spatialError('ERR_SPATIAL_TYPE', `Expected { patchSize } or { rows, cols } for ${name} but received ${describeValue(grid)}`);
  if (grid.patchSize !== undefined) {
    const p = checkInteger(grid.patchSize, 1, Math.min(k.width, k.height), `${name}.patchSize`);
    return { rows: Math.floor(k.height / p), cols: Math.floor(k.width / p), stepX: p, stepY: p, patchSize: p };
  }
  const rows = checkInteger(grid.rows, 1, k.height, `${name}.rows`);
  const cols = checkInteger(grid.cols, 1, k.width, `${name}.cols`);
  return { rows, cols, stepX: k.width / cols, stepY: k.height / rows, patchSize: 0 };
}

/** Length of a ray embedding: rows * cols * Q * 2F with Q = 4 when the focal lengths are included, else 2. */
export function rayEmbeddingLength(g: { rows: number; cols: number }, frequencies: number, includeFocal: boolean): number {
  return g.rows * g.cols * (includeFocal ? 4 : 2) * 2 * frequencies;
}

/** Validated arguments of `rayEmbedding`, the same for both backends. */
export interface RayEmbeddingArgs {
  k: Intrinsics;
  grid: ReturnType<typeof resolvePatchGrid>;
  frequencies: number;
  includeFocal: boolean;
  /** The caller's output buffer (checked to the result's length), when given. */
  out?: Float32Array;
}

/** Checks the arguments of `rayEmbedding` (codes and messages: see its TSDoc). */
export function checkRayEmbeddingArgs(k: unknown, opts: unknown): RayEmbeddingArgs {
  const ki = checkIntrinsics(k, 'k');
  const o = checkOptionsObject(opts) as Partial<RayEmbeddingOptions>;
  const grid = resolvePatchGrid(ki, { patchSize: o.patchSize }, 'opts');
  const frequencies = checkInteger(o.frequencies, 1, 32, 'opts.frequencies');
  const includeFocal = checkBoolean(o.includeFocal ?? false, 'opts.includeFocal');
  const out = checkOut(o.out, rayEmbeddingLength(grid, frequencies, includeFocal), 'opts.out');
  return { k: ki, grid, frequencies, includeFocal, out };
}
