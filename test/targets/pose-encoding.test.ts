// VGGT pose encoding (absT_quaR_FoV) and relative poses: hand-computed values, sign standardisation,
// encode -> decode round trips (fast-check), and bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePoseAbsTQuatFov, encodePoseAbsTQuatFov, relativePose } from '../../lib/index.js';
import type { Intrinsics, Pose } from '../../lib/types.js';
import { IDENTITY, intrinsics, poseFromAxisAngle } from '../helpers/cameras.js';

const K = intrinsics(500, 400, 319.5, 239.5, 640, 480);

function mul(a: Float64Array, b: Float64Array): Float64Array {
  const o = new Float64Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) o[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c];
  return o;
}
function inv(p: Float64Array): Float64Array {
  const o = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) o[r * 4 + c] = p[c * 4 + r];
    o[r * 4 + 3] = -(p[r] * p[3] + p[4 + r] * p[7] + p[8 + r] * p[11]);
  }
  o[15] = 1;
  return o;
}
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
}

describe('encodePoseAbsTQuatFov', () => {
  it('encodes the first frame as the identity and FoVs from the focal lengths', () => {
    const first = poseFromAxisAngle([1, 2, 3], 0.7, [4, 5, 6]);
    const enc = encodePoseAbsTQuatFov([first], K);
    expect(Array.from(enc.subarray(0, 7))).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(enc[7]).toBe(2 * Math.atan(240 / 400)); // fov_h = 2 atan((H / 2) / fy)
    expect(enc[8]).toBe(2 * Math.atan(320 / 500)); // fov_w = 2 atan((W / 2) / fx)
  });

  it('encodes camera-from-first extrinsics: translation and XYZW quaternion', () => {
    // Frame 1 sits 1 m along the first camera's +x, same orientation: X_cam1 = X_first - (1, 0, 0).
    const shifted = poseFromAxisAngle([0, 0, 1], 0, [1, 0, 0]);
    // Frame 2 is rotated by +90 deg about z (camera-to-world): camFromFirst = Rz(-90 deg).
    const turned = poseFromAxisAngle([0, 0, 1], Math.PI / 2, [0, 0, 0]);
    const enc = encodePoseAbsTQuatFov([IDENTITY, shifted, turned], [K, K, K]);
    expectClose(enc.subarray(9, 16), [-1, 0, 0, 0, 0, 0, 1], 1e-15);
    expectClose(enc.subarray(18, 25), [0, 0, 0, 0, 0, -Math.SQRT1_2, Math.SQRT1_2], 1e-15);
  });

  it('standardises the quaternion sign to w >= 0 (and x > 0 at w = 0)', () => {
    // camFromFirst = Rx(pi): q = +-(1, 0, 0, 0); and a rotation whose raw quaternion has w < 0 (angle > pi).
    const flipped = Float64Array.of(1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1); // Rx(pi) exactly: w = 0
    const big = poseFromAxisAngle([0, 1, 0], -(2 * Math.PI - 0.5), [0, 0, 0]); // same as +0.5 about y
    const enc = encodePoseAbsTQuatFov([IDENTITY, flipped, big], K);
    expect(Array.from(enc.subarray(12, 16))).toEqual([1, 0, 0, 0]);
    expect(enc[24]).toBeGreaterThanOrEqual(0);
    expectClose(enc.subarray(21, 25), [0, -Math.sin(0.25), 0, Math.cos(0.25)], 1e-12); // camFromFirst = Ry(-0.5)
  });

  it('maps world points exactly as the cameras do (X_cam = R X_first + t)', () => {
    const poses = [poseFromAxisAngle([0.3, -1, 0.2], 0.4, [1, 2, 3]), poseFromAxisAngle([1, 1, 0], -1.1, [-2, 0.5, 4])];
    const enc = encodePoseAbsTQuatFov(poses, K);
    const [tx, ty, tz, x, y, z, w] = enc.subarray(9, 16);
    const R = [
      1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
      2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
      2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ];
    const Xw = [0.7, -1.3, 5];
    const first = inv(poses[0]), cam = inv(poses[1]);
    const apply = (m: ArrayLike<number>, p: number[], stride: number, t?: number[]) =>
      [0, 1, 2].map((r) => m[r * stride] * p[0] + m[r * stride + 1] * p[1] + m[r * stride + 2] * p[2] + (t ? t[r] : m[r * stride + 3]));
    expectClose(apply(R, apply(first, Xw, 4), 3, [tx, ty, tz]), apply(cam, Xw, 4), 1e-12);
  });

  it('rejects bad inputs', () => {
    expect(() => encodePoseAbsTQuatFov([IDENTITY, IDENTITY], [K])).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'intrinsics.length must equal poses.length (2), got 1' }));
    expect(() => encodePoseAbsTQuatFov([new Float64Array(16)], K)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_POSE' }));
    expect(() => encodePoseAbsTQuatFov(IDENTITY as never, K)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: expect.stringMatching(/Expected an Array of Pose/) }));
    expect(() => encodePoseAbsTQuatFov([IDENTITY], { ...K, fx: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_CAMERA' }));
    expect(encodePoseAbsTQuatFov([], K)).toHaveLength(0);
  });
});

describe('decodePoseAbsTQuatFov', () => {
  it('puts the principal point where VGGT assumes it, or at the exact image centre', () => {
    const enc = encodePoseAbsTQuatFov([IDENTITY], K);
    const vggt = decodePoseAbsTQuatFov(enc, { width: 640, height: 480 });
    expect(vggt.intrinsics[0]).toMatchObject({ cx: 320, cy: 240, width: 640, height: 480 });
    expect(vggt.intrinsics[0].fx).toBeCloseTo(500, 12);
    expect(vggt.intrinsics[0].fy).toBeCloseTo(400, 12);
    expect(Array.from(vggt.poses[0])).toEqual(Array.from(IDENTITY));
    const centre = decodePoseAbsTQuatFov(enc, { width: 640, height: 480, principalPoint: 'center' });
    expect(centre.intrinsics[0]).toMatchObject({ cx: 319.5, cy: 239.5 });
  });

  it('accepts un-normalised quaternions (raw head outputs), like VGGT quat_to_mat', () => {
    const enc = encodePoseAbsTQuatFov([IDENTITY, poseFromAxisAngle([1, -2, 0.5], 0.9, [1, 2, 3])], K);
    const scaled = Float64Array.from(enc);
    for (let i = 12; i < 16; i++) scaled[i] *= 3.7;
    const a = decodePoseAbsTQuatFov(enc, { width: 640, height: 480 });
    const b = decodePoseAbsTQuatFov(scaled, { width: 640, height: 480 });
    expectClose(b.poses[1], a.poses[1], 1e-14);
  });

  it('round-trips poses (relative to the first camera) and focal lengths', () => {
    // Tolerance 1e-9: the chain (inverse, product, Shepperd quaternion, quat_to_mat, inverse) is a
    // handful of well-conditioned double operations on O(10) m translations: errors are ~1e-14.
    const pose = fc.tuple(
      fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })),
      fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
      fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true })),
    ).map(([axis, angle, t]) => poseFromAxisAngle(axis[0] || axis[1] || axis[2] ? axis : [0, 0, 1], angle, t));
    const k = fc.record({ fx: fc.double({ min: 50, max: 3000, noNaN: true }), fy: fc.double({ min: 50, max: 3000, noNaN: true }), w: fc.integer({ min: 1, max: 4000 }), h: fc.integer({ min: 1, max: 4000 }) })
      .map(({ fx, fy, w, h }): Intrinsics => ({ fx, fy, cx: (w - 1) / 2, cy: (h - 1) / 2, width: w, height: h }));
    fc.assert(
      fc.property(fc.array(pose, { minLength: 1, maxLength: 6 }), k, (poses: Pose[], ki) => {
        const enc = encodePoseAbsTQuatFov(poses, ki);
        for (let i = 0; i < poses.length; i++) expect(enc[9 * i + 6]).toBeGreaterThanOrEqual(0);
        const dec = decodePoseAbsTQuatFov(enc, { width: ki.width, height: ki.height, principalPoint: 'center' });
        const firstFromWorld = inv(poses[0]);
        poses.forEach((p, i) => {
          expectClose(dec.poses[i], mul(firstFromWorld, p), 1e-9);
          expect(Math.abs(dec.intrinsics[i].fx - ki.fx) / ki.fx).toBeLessThan(1e-9);
          expect(Math.abs(dec.intrinsics[i].fy - ki.fy) / ki.fy).toBeLessThan(1e-9);
          expect(dec.intrinsics[i]).toMatchObject({ cx: ki.cx, cy: ki.cy, width: ki.width, height: ki.height });
        });
        // Re-encoding the decoded cameras gives the same numbers.
        expectClose(encodePoseAbsTQuatFov(dec.poses, dec.intrinsics), enc, 1e-9);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects bad encodings', () => {
    const enc = encodePoseAbsTQuatFov([IDENTITY], K);
    const size = { width: 640, height: 480 };
    expect(() => decodePoseAbsTQuatFov(enc.subarray(0, 8), size)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'enc.length must be a multiple of 9 (got 8)' }));
    const zeroQ = Float64Array.from(enc);
    zeroQ[6] = 0;
    expect(() => decodePoseAbsTQuatFov(zeroQ, size)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_POSE', message: expect.stringMatching(/finite non-zero quaternion/) }));
    const badFov = Float64Array.from(enc);
    badFov[7] = 0; // VGGT's ReLU can output 0
    expect(() => decodePoseAbsTQuatFov(badFov, size)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_CAMERA', message: 'enc[7] (fov_h of frame 0) must be in (0, pi) radians (got 0)' }));
    expect(() => decodePoseAbsTQuatFov(enc, { width: 0, height: 480 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts\.width/) }));
    expect(() => decodePoseAbsTQuatFov(enc, { ...size, principalPoint: 'middle' as never })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE' }));
    expect(() => decodePoseAbsTQuatFov([1, 2] as never, size)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
  });
});

describe('relativePose', () => {
  it('is inverse(a) * b: the pose of b in a camera frame', () => {
    const a = poseFromAxisAngle([0, 0, 1], Math.PI / 2, [1, 0, 0]);
    const b = poseFromAxisAngle([0, 0, 1], Math.PI / 2, [1, 2, 0]);
    // b's centre is 2 m along world +y from a's; a's camera x axis is world +y: so (2, 0, 0) in a.
    expectClose(relativePose(a, b), [1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-15);
    expectClose(relativePose(b, b), IDENTITY, 1e-15);
    const c = poseFromAxisAngle([1, 2, -1], 2.1, [0.3, -4, 2]);
    expectClose(mul(a, relativePose(a, c)), c, 1e-12);
    expect(() => relativePose(a, new Float64Array(15))).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/^b\.length must be 16/) }));
  });
});
