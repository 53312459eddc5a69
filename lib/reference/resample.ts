/**
 * Pure-TS twins of `resampleImage`, `resampleDepth` and `resampleIds` (same signatures, rules,
 * errors and, bit for bit, outputs as the native ones in `lib/resample.ts`).
 * @module
 */
import { resampleDepthWith, resampleIdsWith, resampleImageWith, type ResampleSpec } from '../augment-core.js';
import type { DepthMap, Image, InstanceIdMap } from '../types.js';
import * as kernels from './resample-kernels.js';

export type { AxisMap, FillValue, ResampleSpec } from '../augment-core.js';

/** Reference of {@link import('../resample.js').resampleImage}: bilinear colour. */
export function resampleImage(image: Image, spec: ResampleSpec): Image {
  return resampleImageWith(kernels, image, spec);
}

/** Reference of {@link import('../resample.js').resampleDepth}: nearest neighbour, off-map -> 0. */
export function resampleDepth(depth: DepthMap, spec: ResampleSpec): DepthMap {
  return resampleDepthWith(kernels, depth, spec);
}

/** Reference of {@link import('../resample.js').resampleIds}: nearest neighbour, off-map -> 0. */
export function resampleIds(ids: InstanceIdMap, spec: ResampleSpec): InstanceIdMap {
  return resampleIdsWith(kernels, ids, spec);
}
