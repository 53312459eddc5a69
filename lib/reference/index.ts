/**
 * `@spatial/geom/reference`: pure-TypeScript twins of every native op, with the same signatures,
 * semantics and errors. Slow but obviously correct; the native backend is tested against it.
 * @module
 */
export * from './geometry.js';
export * from './pointcloud.js';
export * from './compat.js';
export * from '../types.js';
export { isSpatialError, type SpatialError, type SpatialErrorCode } from '../errors.js';
export * from './box_iou.js';
export * from './motion.js';
export * from './resample.js';
export * from './augment.js';
export * from './raycast.js';
export * from './sampling.js';
export * from './targets.js';
export * from './camera-tokens.js';
export * from './depth-stored.js';
