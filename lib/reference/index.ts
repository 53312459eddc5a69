/**
 * `@spatial/geom/reference`: pure-TypeScript twins of every native op, with the same signatures,
 * semantics and errors. Slow but obviously correct; the native backend is tested against it.
 * @module
 */
export * from '../ops/geometry/reference.js';
export * from '../ops/rays/reference.js';
export * from '../ops/pointcloud/reference.js';
export * from '../ops/compat/reference.js';
export * from '../types.js';
export { isSpatialError, type SpatialError, type SpatialErrorCode } from '../errors.js';
export * from '../ops/box-iou/reference.js';
export * from '../ops/motion/reference.js';
export * from '../ops/augment/reference.js';
export * from '../ops/raycast/reference.js';
export * from '../ops/sampling/reference.js';
export * from '../ops/targets/reference.js';
