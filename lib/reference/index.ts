/**
 * `@spatial/geom/reference`: pure-TypeScript twins of every native op, with the same signatures,
 * semantics and errors. Slow but obviously correct; the native backend is tested against it.
 * @module
 */
export * from './geometry.js';
export * from '../types.js';
export * from '../errors.js';
export * from './sampling.js';
export * from './targets.js';
export * from './camera-tokens.js';
