/**
 * Camera augmentation done exactly (CA-MLLM): resize, crop, pad and principal-point shifts of a
 * view (image, depth, instance ids) with its intrinsics updated to match, random augmentation, and
 * the resampling kernels underneath.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module augmentation
 */
export * from '../../lib/ops/augment/native.js';
