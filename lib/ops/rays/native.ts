/**
 * The native-backed camera-ray ops: per-patch rays and their sinusoidal embedding (CA-MLLM's dense
 * camera-ray embedding). Conventions as in the geometry family (README: Conventions): intrinsics in
 * pixels, integer pixel coordinates at pixel centres. Besides the argument errors each function
 * lists, every op throws ERR_SPATIAL_IO when the native addon cannot be loaded.
 * @module
 */
import { native } from '../../native.js';
import type { Intrinsics, PatchGridSpec, RayEmbeddingOptions } from '../../types.js';
import { checkIntrinsics, packIntrinsics } from '../../validate.js';
import { checkRayEmbeddingArgs, resolvePatchGrid } from './shared.js';

/**
 * Per-patch camera rays: at each patch centre (u, v) the normalised ray `((u - cx) / fx, (v - cy) / fy)`.
 * With `{ patchSize: P }`: `cols = floor(W / P)`, `rows = floor(H / P)`, centre `u = (c + 0.5) * P - 0.5`.
 * With `{ rows, cols }`: centre `u = (c + 0.5) * W / cols - 0.5`. Integer (u, v) are pixel centres.
 *
 * @param k - intrinsics (pixels) of the image the patches tile.
 * @param grid - `{ patchSize }` (integer pixels in [1, min(W, H)]) or `{ rows, cols }` (integers in
 *   [1, H] and [1, W]).
 * @returns Float32Array(rows*cols*2), row-major patches: `out[(r * cols + c) * 2 + {0: x, 1: y}]`
 *   (unitless normalised image coordinates, i.e. the ray direction with z = 1).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `k` is not an Intrinsics object or `grid` not an object
 *   or a grid value not a number.
 * @throws ERR_SPATIAL_SHAPE when a grid value is not an integer in its range.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics.
 * @example
 * const rays = rayGrid({ fx: 100, fy: 100, cx: 31.5, cy: 31.5, width: 64, height: 64 }, { patchSize: 32 });
 * // 2x2 patches, centres at 15.5 and 47.5: rays = [-0.16, -0.16, 0.16, -0.16, -0.16, 0.16, 0.16, 0.16]
 */
export function rayGrid(k: Intrinsics, grid: PatchGridSpec): Float32Array {
  const ki = checkIntrinsics(k, 'k');
  const g = resolvePatchGrid(ki, grid);
  return native().rayGrid(packIntrinsics(ki), g.patchSize, g.rows, g.cols);
}

/**
 * Sinusoidal embedding of the per-patch rays (CA-MLLM's dense camera-ray embedding).
 *
 * Per patch (row-major), components `q` = [ray x, ray y] plus `[fx / W, fy / H]` when
 * `includeFocal`; each passed through `sin` and `cos` of `2^k * pi * value` for k = 0..F-1:
 * `out[((p * Q + q) * F + k) * 2 + {0: sin, 1: cos}]`, so each patch has `D = Q * 2F` values
 * (Q = 4 with `includeFocal`, else 2). Patch centres as in {@link rayGrid} with `{ patchSize }`.
 *
 * @param k - intrinsics (pixels).
 * @param opts - `patchSize` (integer pixels in [1, min(W, H)]), `frequencies` F (integer in [1, 32]),
 *   `includeFocal` (default false), `out` (optional caller-owned Float32Array of the result's length).
 * @returns Float32Array(rows*cols*D), `rows = floor(H / P)`, `cols = floor(W / P)`.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `k` or `opts` is not an object, `patchSize` / `frequencies`
 *   not a number, `includeFocal` not a boolean or `out` not a Float32Array.
 * @throws ERR_SPATIAL_SHAPE when `patchSize` or `frequencies` is out of range or `out` has the wrong length.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics.
 * @example
 * const k = { fx: 100, fy: 100, cx: 31.5, cy: 31.5, width: 64, height: 64 };
 * const emb = rayEmbedding(k, { patchSize: 32, frequencies: 4, includeFocal: true });
 * // emb.length = 2*2 patches * (4 components * 2 * 4 frequencies) = 128
 */
export function rayEmbedding(k: Intrinsics, opts: RayEmbeddingOptions): Float32Array {
  const a = checkRayEmbeddingArgs(k, opts);
  return native().rayEmbedding(packIntrinsics(a.k), a.grid.patchSize, a.frequencies, a.includeFocal, a.out);
}
