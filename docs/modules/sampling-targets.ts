/**
 * Frame sampling (Spatial-MLLM's voxel-coverage selection) and geometric training targets (VGGT
 * pose encoding and scene normalisation, per-patch depth, GeoVR's metric scale, CA-MLLM camera
 * tokens, similarity and scale-shift alignment). `spatial-geom targets` writes them per scene as
 * `.npz` (README: Training targets).
 *
 * Everything here is imported from `@spatial/geom`.
 * @module sampling-targets
 */
export * from '../../lib/ops/sampling/native.js';
export * from '../../lib/ops/targets/native.js';
