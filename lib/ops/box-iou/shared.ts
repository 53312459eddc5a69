/**
 * Oriented 3D boxes in the 9-DoF layout of VG-LLM / CA-MLLM 3D detection: validation, the ZXY Euler
 * rotation and the corners. Shared by the native-backed IoU (`boxIou3d`), its pure-TS twin and the
 * detection scorer.
 *
 * Layout: `[x, y, z, dx, dy, dz, alpha, beta, gamma]`: centre, full edge lengths (>= 0, same unit as
 * the centre), Euler angles in radians. Rotation `R = Rz(alpha) · Rx(beta) · Ry(gamma)` (matrix
 * product in that order: pytorch3d's `euler_angles_to_matrix(angles, "ZXY")`), each factor a
 * right-handed rotation (`Rz = [[c,-s,0],[s,c,0],[0,0,1]]`, etc.). Corners are
 * `R · (dims ⊙ (unit corner - 0.5)) + centre`, so column k of R is the box's local axis k.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';

/** A 9-DoF box `[x, y, z, dx, dy, dz, alpha, beta, gamma]` (any array-like of 9 numbers). */
export type Box9 = ArrayLike<number>;

/** Values per box. */
export const BOX9_LENGTH = 9;

const BOX_FIELDS = ['x', 'y', 'z', 'dx', 'dy', 'dz', 'alpha', 'beta', 'gamma'] as const;

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array;
}

/** Checks the values of one box (finite, dims >= 0) stored at `values[offset..offset+9)`. */
function checkBoxValues(values: ArrayLike<unknown>, offset: number, name: string): void {
  for (let k = 0; k < BOX9_LENGTH; k++) {
    const v = values[offset + k];
    if (typeof v !== 'number')
      throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name}.${BOX_FIELDS[k]} but received ${describeValue(v)}`);
    if (!Number.isFinite(v) || (k >= 3 && k < 6 && v < 0))
      throw spatialError('ERR_SPATIAL_SHAPE', `${name}.${BOX_FIELDS[k]} must be finite${k >= 3 && k < 6 ? ' and >= 0' : ''} (got ${v})`);
  }
}

/**
 * Validates one box and returns it as a new `Float64Array(9)`.
 * @throws ERR_SPATIAL_TYPE (not an array of numbers), ERR_SPATIAL_SHAPE (length != 9, a non-finite
 *   value, or a negative edge length).
 */
export function checkBox9(box: unknown, name = 'box'): Float64Array {
  if (!isArrayLikeOfNumbers(box))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of 9 numbers [x, y, z, dx, dy, dz, alpha, beta, gamma] for ${name} but received ${describeValue(box)}`);
  if (box.length !== BOX9_LENGTH) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be 9 (got ${box.length})`);
  checkBoxValues(box, 0, name);
  return Float64Array.from(box);
}

/**
 * Validates a list of boxes and packs it as `Float64Array(9N)`: either an array of boxes or an
 * already packed `Float64Array` whose length is a multiple of 9 (copied).
 */
export function packBoxes(boxes: unknown, name = 'boxes'): Float64Array {
  if (boxes instanceof Float64Array) {
    if (boxes.length % BOX9_LENGTH !== 0)
      throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be a multiple of 9 (x, y, z, dx, dy, dz, alpha, beta, gamma) (got ${boxes.length})`);
    for (let i = 0; i < boxes.length / BOX9_LENGTH; i++) checkBoxValues(boxes, i * BOX9_LENGTH, `${name}[${i}]`);
    return boxes.slice();
  }
  if (!Array.isArray(boxes))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of boxes or a Float64Array(9N) for ${name} but received ${describeValue(boxes)}`);
  const out = new Float64Array(boxes.length * BOX9_LENGTH);
  boxes.forEach((b, i) => out.set(checkBox9(b, `${name}[${i}]`), i * BOX9_LENGTH));
  return out;
}

/**
 * Rotation of a 9-DoF box: `R = Rz(alpha) · Rx(beta) · Ry(gamma)`, row-major `Float64Array(9)`.
 * @example boxRotationZXY(Math.PI / 2, 0, 0) // ≈ [0,-1,0, 1,0,0, 0,0,1]
 */
export function boxRotationZXY(alpha: number, beta: number, gamma: number): Float64Array {
  const ca = Math.cos(alpha), sa = Math.sin(alpha);
  const cb = Math.cos(beta), sb = Math.sin(beta);
  const cg = Math.cos(gamma), sg = Math.sin(gamma);
  const rz = [ca, -sa, 0, sa, ca, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, cb, -sb, 0, sb, cb];
  const ry = [cg, 0, sg, 0, 1, 0, -sg, 0, cg];
  // Same multiplication order as the C++ core (native/core/src/box_iou.cpp).
  const zx = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) zx[r * 3 + c] = rz[r * 3] * rx[c] + rz[r * 3 + 1] * rx[3 + c] + rz[r * 3 + 2] * rx[6 + c];
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out[r * 3 + c] = zx[r * 3] * ry[c] + zx[r * 3 + 1] * ry[3 + c] + zx[r * 3 + 2] * ry[6 + c];
  return out;
}

/**
 * The 8 corners of a box, `Float64Array(24)` (xyz interleaved). Corner `c = i + 2j + 4k` has local
 * offset `((i - 0.5) dx, (j - 0.5) dy, (k - 0.5) dz)`.
 * @example boxCorners([0, 0, 0, 2, 2, 2, 0, 0, 0]).slice(0, 3) // [-1, -1, -1]
 */
export function boxCorners(box: Box9): Float64Array {
  const b = checkBox9(box, 'box');
  return cornersOf(b, 0, 0, 0);
}

/** Corners of a validated box relative to an origin (the IoU twin uses A's centre as origin). */
export function cornersOf(b: ArrayLike<number>, ox: number, oy: number, oz: number): Float64Array {
  const r = boxRotationZXY(b[6], b[7], b[8]);
  const h0 = 0.5 * b[3], h1 = 0.5 * b[4], h2 = 0.5 * b[5];
  const cx = b[0] - ox, cy = b[1] - oy, cz = b[2] - oz;
  const out = new Float64Array(24);
  for (let idx = 0; idx < 8; idx++) {
    const l0 = idx & 1 ? h0 : -h0;
    const l1 = idx & 2 ? h1 : -h1;
    const l2 = idx & 4 ? h2 : -h2;
    out[3 * idx] = r[0] * l0 + r[1] * l1 + r[2] * l2 + cx;
    out[3 * idx + 1] = r[3] * l0 + r[4] * l1 + r[5] * l2 + cy;
    out[3 * idx + 2] = r[6] * l0 + r[7] * l1 + r[8] * l2 + cz;
  }
  return out;
}
