/**
 * `@spatial/geom`: fast, exact multi-view geometry for spatial-intelligence data pipelines.
 *
 * Conventions (one set, everywhere): OpenCV camera axes (x right, y down, z forward), metres,
 * `Camera.pose` is camera-to-world (row-major 4x4), integer pixel coordinates are pixel centres.
 * @module
 */
export * from './geometry.js';
export * from './types.js';
export * from './errors.js';
export { PACKED_CAMERA_LENGTH } from './validate.js';
export { createRng, hashString, type Rng } from './random.js';
export type { Frame, Instance, Scene, SkippedFrame } from './scenes/types.js';
export * from './sampling.js';
export * from './targets.js';
export * from './camera-tokens.js';
