/**
 * Pure-TS twins of `resampleImage`, `resampleDepth` and `resampleIds` (same signatures, rules,
 * errors and, bit for bit, outputs as the native ones in `lib/resample.ts`).
 * @module
 */
import { resampleDepthWith, resampleIdsWith, resampleImageWith, type ResampleSpec } from './shared.js';
import type { DepthMap, Image, InstanceIdMap } from '../../types.js';
import * as kernels from './reference-kernels.js';

export type { AxisMap, FillValue, ResampleSpec } from './shared.js';

/**
 * Reference twin of {@link index!resampleImage}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: bilinear colour.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleImage(image: Image, spec: ResampleSpec): Image {
  return resampleImageWith(kernels, image, spec);
}

/**
 * Reference twin of {@link index!resampleDepth}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: nearest neighbour, off-map -> 0.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleDepth(depth: DepthMap, spec: ResampleSpec): DepthMap {
  return resampleDepthWith(kernels, depth, spec);
}

/**
 * Reference twin of {@link index!resampleIds}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply. Here:
 * nearest neighbour, off-map -> 0.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleIds(ids: InstanceIdMap, spec: ResampleSpec): InstanceIdMap {
  return resampleIdsWith(kernels, ids, spec);
}
