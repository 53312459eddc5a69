/**
 * Rigid transforms, in one place: row-major 4x4 `Float64Array` poses `[R t; 0 0 0 1]` named by
 * their frames (`worldFromCam` maps camera coordinates to world coordinates, `camFromWorld` the
 * other way; `aFromB * bFromC = aFromC`), quaternions `[x, y, z, w]`, and the one `Vec3`.
 * Used by the engine, the loaders, the synthetic scenes and the targets. (The reference kernels
 * keep their own 3x4 `camFromWorld` in lib/ops/geometry/reference-camera.ts, which mirrors the C++ core's
 * operation order for bit-exact comparisons.)
 *
 * Every function keeps a fixed operation order (sums in index order), so that outputs built on
 * them are reproducible to the bit.
 * @module
 */
import { spatialError } from './errors.js';
import type { Points, Pose } from './types.js';

/** A 3-vector (a point or a direction), metres unless stated. */
export type Vec3 = [number, number, number];

/** A quaternion `[x, y, z, w]` (scalar last, as TUM and VGGT write them). */
export type Quaternion = [number, number, number, number];

/**
 * Composition `aFromB * bFromC = aFromC` of row-major 4x4 matrices (sums in k order, starting
 * from 0). Works for any 4x4, rigid or not.
 * @example multiplyPoses(worldFromCam1, cam1FromCam2); // worldFromCam2
 */
export function multiplyPoses(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  return out;
}

/**
 * Inverse of a rigid row-major 4x4 `[R t; 0 1]`: `[R^T -R^T t; 0 1]` (`bFromA` of `aFromB`).
 * @example invertRigidPose(worldFromCam); // camFromWorld
 */
export function invertRigidPose(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 4 + c] = p[c * 4 + r];
    out[r * 4 + 3] = -(p[0 * 4 + r] * p[3] + p[1 * 4 + r] * p[7] + p[2 * 4 + r] * p[11]);
  }
  out[15] = 1;
  return out;
}

/**
 * General inverse of a row-major 4x4, in double, as `numpy.linalg.inv` computes it (LU with partial
 * pivoting, LAPACK getrf/getrs): no rigidity is assumed, so a pose whose rotation is slightly off
 * orthonormal (real pose files: up to ~1e-4) inverts exactly as MultiSPA's engine inverts it
 * (`--compat multispa`). The operation order is that of the C++ core's `invertGeneral4x4`
 * (native/core/src/compat.cpp), so both give the same bits.
 * @returns the inverse, or null when a pivot is 0 (singular).
 * @example invertGeneralPose(worldFromCam); // camFromWorld, as np.linalg.inv(E)
 */
export function invertGeneralPose(m: ArrayLike<number>): Float64Array | null {
  const a = Float64Array.from({ length: 16 }, (_, i) => m[i]);
  const perm = [0, 1, 2, 3];
  for (let k = 0; k < 4; k++) {
    let p = k;
    for (let i = k + 1; i < 4; i++) if (Math.abs(a[i * 4 + k]) > Math.abs(a[p * 4 + k])) p = i;
    if (a[p * 4 + k] === 0) return null;
    if (p !== k) {
      for (let j = 0; j < 4; j++) [a[k * 4 + j], a[p * 4 + j]] = [a[p * 4 + j], a[k * 4 + j]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
    }
    const r = 1 / a[k * 4 + k];
    for (let i = k + 1; i < 4; i++) a[i * 4 + k] *= r;
    for (let i = k + 1; i < 4; i++) for (let j = k + 1; j < 4; j++) a[i * 4 + j] -= a[i * 4 + k] * a[k * 4 + j];
  }
  const out = new Float64Array(16);
  const b = new Float64Array(4);
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < 4; i++) b[i] = perm[i] === c ? 1 : 0;
    for (let k = 0; k < 4; k++) for (let i = k + 1; i < 4; i++) b[i] -= b[k] * a[i * 4 + k];
    for (let k = 3; k >= 0; k--) {
      b[k] /= a[k * 4 + k];
      for (let i = 0; i < k; i++) b[i] -= b[k] * a[i * 4 + k];
    }
    for (let i = 0; i < 4; i++) out[i * 4 + c] = b[i];
  }
  return out;
}

/**
 * `aFromB = inverse(worldFromA) * worldFromB`: frame b's pose in frame a (maps b coordinates to a
 * coordinates). Both inputs are rigid; nothing is validated (`relativePose` in lib/ops/targets/shared.ts is
 * the checked public form).
 * @example aFromB(worldFromCam1, worldFromCam2); // cam1FromCam2
 */
export function aFromB(worldFromA: ArrayLike<number>, worldFromB: ArrayLike<number>): Float64Array {
  return multiplyPoses(invertRigidPose(worldFromA), worldFromB);
}

/**
 * Applies a rigid (or affine) row-major 4x4 `bFromA` to interleaved xyz points in frame a:
 * `scaleOut * (bFromA * (scaleIn * p))`, in double precision, into `out` (a new array of the
 * input's type by default; `out` may be `pointsInA` itself, for an in-place transform).
 * @returns The points in frame b (length 3N).
 * @example transformPoints(worldFromCam, pointsInCam); // points in the world
 */
export function transformPoints<T extends Points>(
  bFromA: ArrayLike<number>, pointsInA: T, opts: { scaleIn?: number; scaleOut?: number; out?: Points } = {},
): T {
  const m = bFromA, p = pointsInA;
  const pre = opts.scaleIn ?? 1, post = opts.scaleOut ?? 1;
  const out = (opts.out ?? (p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length))) as T;
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i] * pre, y = p[i + 1] * pre, z = p[i + 2] * pre;
    out[i] = (m[0] * x + m[1] * y + m[2] * z + m[3]) * post;
    out[i + 1] = (m[4] * x + m[5] * y + m[6] * z + m[7]) * post;
    out[i + 2] = (m[8] * x + m[9] * y + m[10] * z + m[11]) * post;
  }
  return out;
}

/**
 * Points in frame b brought into frame a by the inverse of the rigid `bFromA = [R t]`:
 * `R^T (p - t)`, into `out` (no inverse matrix is formed, so the rounding is that of this formula).
 * @example inverseTransformPoints(worldFromCam, pointsInWorld, out); // points in the camera
 */
export function inverseTransformPoints<T extends Points>(bFromA: ArrayLike<number>, pointsInB: Points, out: T): T {
  const m = bFromA, p = pointsInB;
  for (let i = 0; i < p.length; i += 3) {
    const dx = p[i] - m[3], dy = p[i + 1] - m[7], dz = p[i + 2] - m[11];
    out[i] = m[0] * dx + m[4] * dy + m[8] * dz;
    out[i + 1] = m[1] * dx + m[5] * dy + m[9] * dz;
    out[i + 2] = m[2] * dx + m[6] * dy + m[10] * dz;
  }
  return out;
}

/**
 * A direction in frame b expressed in frame a: `R^T v` for the rotation R of `bFromA` (no
 * translation: displacements, not points).
 * @example rotateInverse(worldFromCam1, displacementInWorld); // the displacement in camera 1's axes
 */
export function rotateInverse(bFromA: ArrayLike<number>, vInB: Vec3): Vec3 {
  const m = bFromA, v = vInB;
  return [m[0] * v[0] + m[4] * v[1] + m[8] * v[2], m[1] * v[0] + m[5] * v[1] + m[9] * v[2], m[2] * v[0] + m[6] * v[1] + m[10] * v[2]];
}

/** Translation `t` of a row-major 4x4 (the origin of frame a in frame b, for `bFromA`). */
export function translationOf(bFromA: ArrayLike<number>): Vec3 {
  return [bFromA[3], bFromA[7], bFromA[11]];
}

/**
 * Unit quaternion `[x, y, z, w]` of a rotation matrix (row-major 3x3 inside a 4x4, `stride` 4, or
 * a plain 3x3, `stride` 3), with `w >= 0` (Shepperd's method: no cancellation near 180 degrees).
 * At `w = 0` exactly, the first non-zero of x, y, z is made positive, so the encoding is unique.
 * @example quaternionFromRotation(IDENTITY, 4); // [0, 0, 0, 1]
 */
export function quaternionFromRotation(m: ArrayLike<number>, stride: number): Quaternion {
  const a = (r: number, c: number) => m[r * stride + c];
  const tr = a(0, 0) + a(1, 1) + a(2, 2);
  let x: number, y: number, z: number, w: number;
  // Shepperd: divide by the largest of 4w^2, 4x^2, 4y^2, 4z^2 (no cancellation near 180 degrees).
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = s / 4; x = (a(2, 1) - a(1, 2)) / s; y = (a(0, 2) - a(2, 0)) / s; z = (a(1, 0) - a(0, 1)) / s;
  } else if (a(0, 0) > a(1, 1) && a(0, 0) > a(2, 2)) {
    const s = Math.sqrt(1 + a(0, 0) - a(1, 1) - a(2, 2)) * 2;
    w = (a(2, 1) - a(1, 2)) / s; x = s / 4; y = (a(0, 1) + a(1, 0)) / s; z = (a(0, 2) + a(2, 0)) / s;
  } else if (a(1, 1) > a(2, 2)) {
    const s = Math.sqrt(1 + a(1, 1) - a(0, 0) - a(2, 2)) * 2;
    w = (a(0, 2) - a(2, 0)) / s; x = (a(0, 1) + a(1, 0)) / s; y = s / 4; z = (a(1, 2) + a(2, 1)) / s;
  } else {
    const s = Math.sqrt(1 + a(2, 2) - a(0, 0) - a(1, 1)) * 2;
    w = (a(1, 0) - a(0, 1)) / s; x = (a(0, 2) + a(2, 0)) / s; y = (a(1, 2) + a(2, 1)) / s; z = s / 4;
  }
  const n = Math.hypot(x, y, z, w);
  x /= n; y /= n; z /= n; w /= n;
  // Standardise the sign: w >= 0 (VGGT's standardize_quaternion).
  const flip = w < 0 || (w === 0 && (x < 0 || (x === 0 && (y < 0 || (y === 0 && z < 0)))));
  return flip ? [-x + 0, -y + 0, -z + 0, -w + 0] : [x + 0, y + 0, z + 0, w + 0];
}

/**
 * Rotation (row-major 3x3, 9 numbers) of a quaternion `[x, y, z, w]` of any non-zero norm
 * (VGGT's quat_to_mat: `s = 2 / |q|^2`).
 * @example rotationFromQuaternion(0, 0, 0, 1); // [1, 0, 0, 0, 1, 0, 0, 0, 1]
 */
export function rotationFromQuaternion(x: number, y: number, z: number, w: number): number[] {
  const s = 2 / (x * x + y * y + z * z + w * w);
  return [
    1 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w),
    s * (x * y + z * w), 1 - s * (x * x + z * z), s * (y * z - x * w),
    s * (x * z - y * w), s * (y * z + x * w), 1 - s * (x * x + y * y),
  ];
}

/**
 * Spherical linear interpolation of unit quaternions `[x, y, z, w]` along the shortest arc
 * (`s` = 0 gives `a`, 1 gives `b`'s rotation); normalised lerp when they are nearly parallel.
 * @example slerp([0, 0, 0, 1], [0, 0, 1, 0], 0.5); // 90 degrees about z
 */
export function slerp(a: readonly number[], b: readonly number[], s: number): Quaternion {
  let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const sign = dot < 0 ? -1 : 1; // q and -q are the same rotation: take the short way round
  dot *= sign;
  let wa: number, wb: number;
  if (dot > 0.9995) {
    // Nearly parallel: normalised lerp avoids dividing by sin(theta) ~ 0.
    wa = 1 - s;
    wb = s;
  } else {
    const theta = Math.acos(dot);
    wa = Math.sin((1 - s) * theta) / Math.sin(theta);
    wb = Math.sin(s * theta) / Math.sin(theta);
  }
  const out = [0, 1, 2, 3].map((i) => wa * a[i] + wb * sign * b[i]);
  const n = Math.hypot(...out);
  return out.map((v) => v / n) as Quaternion;
}

/**
 * Pose `[R(q) | t; 0 0 0 1]` from a translation `[tx, ty, tz]` and a quaternion `[qx, qy, qz, qw]`
 * (scalar last, as in TUM and VGGT). The quaternion is normalised first; it must be finite and
 * non-zero.
 * @returns Float64Array(16), row-major.
 * @throws ERR_SPATIAL_POSE for a zero or non-finite quaternion or a non-finite translation.
 * @example poseFromQuaternion([1, 2, 3], [0, 0, 0, 1]); // identity rotation, translation (1, 2, 3)
 */
export function poseFromQuaternion(translation: ArrayLike<number>, q: ArrayLike<number>): Pose {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!Number.isFinite(n) || n < 1e-12)
    throw spatialError('ERR_SPATIAL_POSE', `Expected a finite non-zero quaternion (qx, qy, qz, qw) for q but received ${Array.from(q).join(', ')}`);
  for (let i = 0; i < 3; i++)
    if (!Number.isFinite(translation[i])) throw spatialError('ERR_SPATIAL_POSE', `translation must be finite (element ${i} is ${translation[i]})`);
  const x = q[0] / n, y = q[1] / n, z = q[2] / n, w = q[3] / n;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), translation[0],
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), translation[1],
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), translation[2],
    0, 0, 0, 1,
  );
}

/**
 * Camera-to-world pose (`worldFromCam`, OpenCV axes) in a z-up world from the camera centre `p`
 * (metres) and yaw (radians about world z, 0 = looking along +x), pitch (radians, positive looks
 * up, |pitch| < pi/2) and roll (radians about the optical axis). Rigid by construction.
 * @example
 * poseFromYawPitchRoll([1, 2, 1.5], 0, 0, 0); // looks along +x: camera x = -y_world, y = -z_world
 */
export function poseFromYawPitchRoll(p: Vec3, yaw: number, pitch: number, roll: number): Pose {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  const f = [cp * cy, cp * sy, sp];
  const right = [sy, -cy, 0];
  const down = [sp * cy, sp * sy, -cp];
  const x = [0, 1, 2].map((k) => cr * right[k] + sr * down[k]);
  const y = [0, 1, 2].map((k) => -sr * right[k] + cr * down[k]);
  return Float64Array.of(x[0], y[0], f[0], p[0], x[1], y[1], f[1], p[1], x[2], y[2], f[2], p[2], 0, 0, 0, 1);
}
