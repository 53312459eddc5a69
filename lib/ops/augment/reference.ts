/**
 * Pure-TS twins of the camera augmentations of `native.ts` beside this file: the same signatures, validation,
 * pixel maps and intrinsics, running the reference resampling kernels (bit-identical outputs).
 * @module
 */
import type { Rng } from '../../random.js';
import type { DepthMap, Image, InstanceIdMap, View } from '../../types.js';
import * as kernels from './reference-kernels.js';
import {
  applyAugmentOpsWith, applyOneWith, checkView, cropOp, padOp, resampleDepthWith, resampleIdsWith, resampleImageWith,
  resizeOp, sampleAugmentOps, shiftOp, type AugmentOp, type AugmentRanges, type AugmentResult, type FillValue,
  type ResampleSpec,
} from './shared.js';

export type {
  AugmentOp, AugmentRanges, AugmentResult, AxisMap, CropOp, FillValue, OpPixelMap, PadOp, ResampleSpec, ResizeOp, ShiftOp,
} from './shared.js';
export { augmentIntrinsics, opPixelMap } from './shared.js';

/**
 * Reference twin of {@link augmentation!resizeView}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resizeView(view: View, size: { width: number; height: number } | { scale: number }): View {
  return applyOneWith(kernels, view, resizeOp(view, size), 'size');
}

/**
 * Reference twin of {@link augmentation!cropView}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function cropView(view: View, box: { x: number; y: number; width: number; height: number; fill?: FillValue }): View {
  return applyOneWith(kernels, view, cropOp(box), 'box');
}

/**
 * Reference twin of {@link augmentation!padView}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function padView(view: View, padding: { left?: number; top?: number; right?: number; bottom?: number; fill?: FillValue }): View {
  return applyOneWith(kernels, view, padOp(padding), 'padding');
}

/**
 * Reference twin of {@link augmentation!shiftPrincipalPoint}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function shiftPrincipalPoint(view: View, dx: number, dy: number, opts?: { fill?: FillValue }): View {
  return applyOneWith(kernels, view, shiftOp(dx, dy, opts), 'shift');
}

/**
 * Reference twin of {@link augmentation!applyAugmentOps}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function applyAugmentOps(view: View, ops: AugmentOp[]): View {
  return applyAugmentOpsWith(kernels, view, ops);
}

/**
 * Reference twin of {@link augmentation!randomCameraAugment}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: same draws, same ops.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function randomCameraAugment(view: View, rng: Rng, ranges: AugmentRanges = {}): AugmentResult {
  const v = checkView(view);
  const ops = sampleAugmentOps(v.intrinsics, rng, ranges);
  return { view: applyAugmentOpsWith(kernels, v, ops), ops };
}

/*
 * Pure-TS twins of `resampleImage`, `resampleDepth` and `resampleIds` (same signatures, rules,
 * errors and, bit for bit, outputs as the native ones in `native.ts` beside this file).
 */

/**
 * Reference twin of {@link augmentation!resampleImage}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: bilinear colour.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleImage(image: Image, spec: ResampleSpec): Image {
  return resampleImageWith(kernels, image, spec);
}

/**
 * Reference twin of {@link augmentation!resampleDepth}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: nearest neighbour, off-map -> 0.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleDepth(depth: DepthMap, spec: ResampleSpec): DepthMap {
  return resampleDepthWith(kernels, depth, spec);
}

/**
 * Reference twin of {@link augmentation!resampleIds}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply. Here:
 * nearest neighbour, off-map -> 0.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function resampleIds(ids: InstanceIdMap, spec: ResampleSpec): InstanceIdMap {
  return resampleIdsWith(kernels, ids, spec);
}
