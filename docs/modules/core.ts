/**
 * Types, errors and the seeded random generator shared by every part of `@spatial/geom`.
 *
 * Conventions (one set, everywhere): OpenCV camera axes (x right, y down, z forward), metres,
 * `Camera.pose` is camera-to-world (`worldFromCam`, row-major 4x4), integer pixel coordinates are
 * pixel centres, transforms are named by their frames (`camFromWorld`, `worldFromCam`). Bad input
 * throws a `TypeError` (wrong type) or `RangeError` (wrong value) with a stable `code`.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module core
 */
export * from '../../lib/types.js';
export { isSpatialError, type SpatialError, type SpatialErrorCode } from '../../lib/errors.js';
export { PACKED_CAMERA_LENGTH } from '../../lib/validate.js';
export { createRng, hashString, type Rng } from '../../lib/random.js';
export type { Vec3 } from '../../lib/pose.js';
