/**
 * Exact intersection-over-union of oriented 3D boxes (native C++ core; pure-TS twin in
 * `@spatial/geom/reference`). Boxes use the 9-DoF layout of `./shared.ts`.
 * @module
 */
import { BOX9_LENGTH, checkBox9, packBoxes, type Box9 } from './shared.js';
import { native } from '../../native.js';

/**
 * Exact IoU of two oriented 3D boxes `[x, y, z, dx, dy, dz, alpha, beta, gamma]`
 * (rotation `R = Rz(alpha) Rx(beta) Ry(gamma)`, angles in radians, any length unit).
 *
 * `IoU = I / (Va + Vb - I)` with `V = dx*dy*dz` and `I` the exact volume of the intersection
 * polyhedron (box a clipped by the six half-spaces of box b). Edge cases: disjoint or touching boxes
 * give 0; a box with a zero edge has no volume and gives 0 (0, not NaN, for two such boxes);
 * the result is in [0, 1] and symmetric up to rounding (~1e-15).
 *
 * @param a - 9 numbers (Array, Float32Array or Float64Array).
 * @param b - 9 numbers.
 * @throws ERR_SPATIAL_TYPE (not an array of numbers), ERR_SPATIAL_SHAPE (length != 9, a non-finite
 *   value, a negative edge length).
 * @example
 * boxIou3d([0, 0, 0, 2, 2, 2, 0, 0, 0], [0, 0, 0, 2, 2, 2, Math.PI / 4, 0, 0]) // 1/sqrt(2)
 */
export function boxIou3d(a: Box9, b: Box9): number {
  return native().boxIou3d(checkBox9(a, 'a'), checkBox9(b, 'b'));
}

/**
 * IoU of every pair of two box lists: `out[i * M + j] = boxIou3d(a[i], b[j])`.
 *
 * @param a - N boxes: an array of 9-number boxes or a packed `Float64Array(9N)`.
 * @param b - M boxes, same forms.
 * @returns `Float64Array(N*M)`, row-major (empty when N or M is 0).
 * @example
 * boxIou3dMatrix([[0, 0, 0, 2, 2, 2, 0, 0, 0]], [[1, 0, 0, 2, 2, 2, 0, 0, 0], [9, 9, 9, 1, 1, 1, 0, 0, 0]]) // [1/3, 0]
 */
export function boxIou3dMatrix(a: Float64Array | readonly Box9[], b: Float64Array | readonly Box9[]): Float64Array {
  const pa = packBoxes(a, 'a'), pb = packBoxes(b, 'b');
  const out = new Float64Array((pa.length / BOX9_LENGTH) * (pb.length / BOX9_LENGTH));
  native().boxIou3dMatrix(pa, pb, out);
  return out;
}

export { BOX9_LENGTH, boxCorners, boxRotationZXY, type Box9 } from './shared.js';
