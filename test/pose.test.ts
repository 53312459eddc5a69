// lib/pose.ts, the one rigid-transform module: hand-computed values, round trips (inverse after
// compose, quaternion <-> matrix), transformPoints against the matrix product, and the old public
// names that now re-export it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as root from '../lib/index.js';
import {
  aFromB, inverseTransformPoints, invertRigidPose, multiplyPoses, poseFromQuaternion, poseFromYawPitchRoll, quaternionFromRotation,
  rotateInverse, rotationFromQuaternion, slerp, transformPoints, translationOf, type Vec3,
} from '../lib/pose.js';
import { IDENTITY, poseFromAxisAngle } from './helpers/cameras.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
}

const unit = fc.double({ min: -1, max: 1, noNaN: true });
const rigid = fc.tuple(fc.tuple(unit, unit, unit), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.tuple(unit, unit, unit))
  .filter(([axis]) => Math.hypot(...axis) > 1e-3)
  .map(([axis, angle, t]) => poseFromAxisAngle(axis, angle, [5 * t[0], 5 * t[1], 5 * t[2]]));

// 90 degrees about z, then translated by (1, 2, 3): x -> y, y -> -x.
const ROT_Z90 = Float64Array.of(0, -1, 0, 1, 1, 0, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1);

describe('pose: hand-computed values', () => {
  it('multiplyPoses composes aFromB * bFromC', () => {
    const shift = Float64Array.of(1, 0, 0, 10, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    expect(Array.from(multiplyPoses(ROT_Z90, shift))).toEqual([0, -1, 0, 1, 1, 0, 0, 12, 0, 0, 1, 3, 0, 0, 0, 1]);
    expect(Array.from(multiplyPoses(shift, ROT_Z90))).toEqual([0, -1, 0, 11, 1, 0, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]);
  });

  it('invertRigidPose gives [R^T, -R^T t]', () => {
    expect(Array.from(invertRigidPose(ROT_Z90))).toEqual([0, 1, 0, -2, -1, 0, 0, 1, 0, 0, 1, -3, 0, 0, 0, 1]);
  });

  it('quaternions: 90 degrees about z is (0, 0, sqrt(1/2), sqrt(1/2)), any norm', () => {
    const h = Math.SQRT1_2;
    expectClose(poseFromQuaternion([1, 2, 3], [0, 0, 1, 1]), ROT_Z90, 1e-15);
    expectClose(quaternionFromRotation(ROT_Z90, 4), [0, 0, h, h], 1e-15);
    expectClose(rotationFromQuaternion(0, 0, 2, 2), [0, -1, 0, 1, 0, 0, 0, 0, 1], 1e-15);
    expect(quaternionFromRotation([1, 0, 0, 0, 1, 0, 0, 0, 1], 3)).toEqual([0, 0, 0, 1]);
    // 180 degrees about x: w = 0, sign fixed so the first non-zero is positive.
    expect(quaternionFromRotation([1, 0, 0, 0, -1, 0, 0, 0, -1], 3)).toEqual([1, 0, 0, 0]);
    expect(() => poseFromQuaternion([0, 0, 0], [0, 0, 0, 0])).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_POSE' }));
  });

  it('slerp: halfway from identity to 180 degrees about z is 90 degrees; q and -q take the short way', () => {
    const h = Math.SQRT1_2;
    expectClose(slerp([0, 0, 0, 1], [0, 0, 1, 0], 0.5), [0, 0, h, h], 1e-15);
    expectClose(slerp([0, 0, h, h], [0, 0, -h, -h], 0.5), [0, 0, h, h], 1e-15);
    expectClose(slerp([0, 0, 0, 1], [0, 0, h, h], 0), [0, 0, 0, 1], 1e-15);
    expectClose(slerp([0, 0, 0, 1], [0, 0, h, h], 1), [0, 0, h, h], 1e-15);
  });

  it('transformPoints / inverseTransformPoints / rotateInverse / translationOf', () => {
    expect(Array.from(transformPoints(ROT_Z90, Float64Array.of(1, 0, 0, 0, 1, 0)))).toEqual([1, 3, 3, 0, 2, 3]);
    expect(Array.from(transformPoints(ROT_Z90, Float64Array.of(1, 0, 0), { scaleIn: 2, scaleOut: 0.5 }))).toEqual([0.5, 2, 1.5]);
    expect(Array.from(inverseTransformPoints(ROT_Z90, Float64Array.of(1, 3, 3), new Float64Array(3)))).toEqual([1, 0, 0]);
    expect(rotateInverse(ROT_Z90, [0, 1, 0])).toEqual([1, 0, 0]);
    expect(translationOf(ROT_Z90)).toEqual([1, 2, 3]);
    const f32 = Float32Array.of(1, 0, 0);
    expect(transformPoints(ROT_Z90, f32, { out: f32 })).toBe(f32);
    expect(Array.from(f32)).toEqual([1, 3, 3]);
    expect(transformPoints(ROT_Z90, Float32Array.of(1, 2, 3))).toBeInstanceOf(Float32Array);
  });

  it('poseFromYawPitchRoll: looking along +x is camera x = -y_world, y = -z_world', () => {
    expect(Array.from(poseFromYawPitchRoll([1, 2, 1.5], 0, 0, 0))).toEqual([0, 0, 1, 1, -1, 0, 0, 2, 0, -1, 0, 1.5, 0, 0, 0, 1]);
  });
});

describe('pose: round trips', () => {
  it('inverse after compose is the identity; aFromB(a, b) takes a to b', () => {
    fc.assert(fc.property(rigid, rigid, (a, b) => {
      expectClose(multiplyPoses(invertRigidPose(a), a), IDENTITY, 1e-12);
      expectClose(multiplyPoses(a, invertRigidPose(a)), IDENTITY, 1e-12);
      expectClose(invertRigidPose(invertRigidPose(a)), a, 1e-12);
      expectClose(multiplyPoses(a, aFromB(a, b)), b, 1e-12);
      expectClose(aFromB(a, b), multiplyPoses(invertRigidPose(a), b), 0);
    }), { seed: 20261202 });
  });

  it('quaternion -> matrix -> quaternion (w >= 0) and matrix -> quaternion -> matrix', () => {
    fc.assert(fc.property(rigid, (p) => {
      const q = quaternionFromRotation(p, 4);
      expect(q[3]).toBeGreaterThanOrEqual(0);
      expectClose([Math.hypot(...q)], [1], 1e-14);
      const back = poseFromQuaternion(translationOf(p), q);
      expectClose(back, p, 1e-12);
      const r = rotationFromQuaternion(q[0], q[1], q[2], q[3]);
      expectClose(r, [p[0], p[1], p[2], p[4], p[5], p[6], p[8], p[9], p[10]], 1e-12);
      expectClose(quaternionFromRotation(back, 4), q, 1e-12);
    }), { seed: 20261202 });
  });

  it('transformPoints equals the matrix product on homogeneous points; the inverse transform undoes it', () => {
    fc.assert(fc.property(rigid, fc.array(fc.tuple(unit, unit, unit), { minLength: 1, maxLength: 8 }), (m, pts) => {
      const p = Float64Array.from(pts.flat());
      const out = transformPoints(m, p);
      pts.forEach((v, i) => {
        const col = Float64Array.of(1, 0, 0, v[0], 0, 1, 0, v[1], 0, 0, 1, v[2], 0, 0, 0, 1); // translation by v
        const prod = multiplyPoses(m, col);
        expectClose(out.subarray(3 * i, 3 * i + 3), translationOf(prod), 1e-12);
      });
      expectClose(inverseTransformPoints(m, out, new Float64Array(p.length)), p, 1e-12);
      expectClose(transformPoints(invertRigidPose(m), out), p, 1e-12);
      const d: Vec3 = [pts[0][0], pts[0][1], pts[0][2]];
      const inv = invertRigidPose(m);
      expectClose(rotateInverse(m, d), [inv[0] * d[0] + inv[1] * d[1] + inv[2] * d[2], inv[4] * d[0] + inv[5] * d[1] + inv[6] * d[2], inv[8] * d[0] + inv[9] * d[1] + inv[10] * d[2]], 1e-15);
    }), { seed: 20261202 });
  });

  it('poseFromYawPitchRoll is rigid (R^T R = I, det R = 1)', () => {
    fc.assert(fc.property(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (yaw, pitch, roll) => {
      const p = poseFromYawPitchRoll([1, 2, 3], yaw, pitch, roll);
      expectClose(multiplyPoses(invertRigidPose(p), p), IDENTITY, 1e-12);
      const det = p[0] * (p[5] * p[10] - p[6] * p[9]) - p[1] * (p[4] * p[10] - p[6] * p[8]) + p[2] * (p[4] * p[9] - p[5] * p[8]);
      expectClose([det], [1], 1e-12);
    }), { seed: 20261202 });
  });
});

describe('pose: the old public names', () => {
  it('poseFromQuaternion and poseFromYawPitchRoll on the package root are the pose module\'s', () => {
    expect(root.poseFromQuaternion).toBe(poseFromQuaternion);
    expect(root.poseFromYawPitchRoll).toBe(poseFromYawPitchRoll);
  });

  it('relativePose (the checked public form) is aFromB', () => {
    fc.assert(fc.property(rigid, rigid, (a, b) => expectClose(root.relativePose(a, b), aFromB(a, b), 0)), { seed: 20261202 });
  });
});
