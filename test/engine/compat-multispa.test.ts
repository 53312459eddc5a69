// `--compat multispa` as the published engine computes (issue 16, section 4): the general 4x4 pose
// inverse in double (projection and inv(E1) E2), world +z up unless the scene declares one, points
// projected in double and compared with the stored depth times 1 / scale. Checked against
// independent computations here (a cofactor inverse, numpy's formulas written out), no reference
// checkout needed (bench/multispa/compare.py runs the real one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateScene } from '../../lib/engine/pipeline.js';
import { roundHalfEven } from '../../lib/rounding.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import { tempDirs } from '../helpers/tmp.js';
import { visibleSetsMultiSpa } from '../../lib/ops/compat/native.js';
import { multiSpaProjector } from '../../lib/ops/compat/shared.js';
import { projectInto, storedCamera, type TaskContext } from '../../lib/engine/context.js';
import { numberRules } from '../../lib/engine/format.js';
import { cameraRelation, sceneUp, wrapDegreesMultiSpa, yawPitch } from '../../lib/engine/relations.js';
import { invertGeneralPose, invertRigidPose } from '../../lib/pose.js';
import * as ref from '../../lib/reference/index.js';
import type { Camera, Pose } from '../../lib/types.js';
import { depthMapArb, intrinsicsArb } from '../geometry/arbitraries.js';
import { intrinsics, lookAt, poseFromAxisAngle } from '../helpers/cameras.js';

/** Inverse by cofactors (Cramer's rule), an independent formula from the LU of lib/pose.ts. */
function cofactorInverse(m: ArrayLike<number>): number[] {
  const a = (r: number, c: number) => m[r * 4 + c];
  const minor = (r: number, c: number) => {
    const rows = [0, 1, 2, 3].filter((i) => i !== r), cols = [0, 1, 2, 3].filter((j) => j !== c);
    const b = (i: number, j: number) => a(rows[i], cols[j]);
    return b(0, 0) * (b(1, 1) * b(2, 2) - b(1, 2) * b(2, 1)) - b(0, 1) * (b(1, 0) * b(2, 2) - b(1, 2) * b(2, 0)) + b(0, 2) * (b(1, 0) * b(2, 1) - b(1, 1) * b(2, 0));
  };
  const det = [0, 1, 2, 3].reduce((s, c) => s + (c % 2 ? -1 : 1) * a(0, c) * minor(0, c), 0);
  const out = new Array<number>(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) out[c * 4 + r] = (((r + c) % 2 ? -1 : 1) * minor(r, c)) / det;
  return out;
}

/** A pose whose rotation is scaled by (1 + eps) and sheared by eps: not orthonormal, still accepted (< 1e-3). */
function perturbed(pose: Pose, eps: number): Float64Array {
  const p = Float64Array.from(pose);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) p[r * 4 + c] *= 1 + eps * (1 + r - c);
  return p;
}

const nonRigidPoseArb = fc
  .record({ angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), eps: fc.double({ min: -1.5e-4, max: 1.5e-4, noNaN: true }), tx: fc.double({ min: -3, max: 3, noNaN: true }), tz: fc.double({ min: -3, max: 3, noNaN: true }) })
  .map(({ angle, eps, tx, tz }) => perturbed(poseFromAxisAngle([0.3, 1, 0.2], angle, [tx, 0.5, tz]), eps));

describe('invertGeneralPose (np.linalg.inv)', () => {
  it('inverts non-orthonormal poses as the cofactor inverse does, and is not the rigid inverse', () => {
    fc.assert(
      fc.property(nonRigidPoseArb, (pose) => {
        const inv = invertGeneralPose(pose)!;
        const co = cofactorInverse(pose);
        for (let i = 0; i < 16; i++) expect(Math.abs(inv[i] - co[i])).toBeLessThan(1e-12);
      }),
      { seed: 16, numRuns: 200 },
    );
    const pose = perturbed(poseFromAxisAngle([0, 0, 1], 0.4, [1, 2, 3]), 1e-4);
    const rigid = invertRigidPose(pose), general = invertGeneralPose(pose)!;
    expect(Math.max(...rigid.map((v, i) => Math.abs(v - general[i])))).toBeGreaterThan(1e-5);
  });

  it('pivots (zero leading entry) and reports a singular matrix as null', () => {
    const perm = [0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    expect(Array.from(invertGeneralPose(perm)!)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(invertGeneralPose([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeNull();
  });
});

describe('compat projection (double, general inverse, K @ x_c / z_c)', () => {
  it('equals a double projection through the cofactor inverse of a non-orthonormal pose', () => {
    fc.assert(
      fc.property(nonRigidPoseArb, intrinsicsArb, fc.tuple(fc.float({ min: -4, max: 4, noNaN: true }), fc.float({ min: -4, max: 4, noNaN: true }), fc.float({ min: -4, max: 4, noNaN: true })), (pose, k, [x, y, z]) => {
          const cam: Camera = { intrinsics: k, pose };
          const e = cofactorInverse(pose);
          const xc = e[0] * x + e[1] * y + e[2] * z + e[3], yc = e[4] * x + e[5] * y + e[6] * z + e[7], zc = e[8] * x + e[9] * y + e[10] * z + e[11];
          fc.pre(Math.abs(zc) > 0.05);
          const got = multiSpaProjector(cam)(x, y, z);
          expect(Math.abs(got.z - zc)).toBeLessThan(1e-12);
          expect(Math.abs(got.u - (k.fx * xc / zc + k.cx))).toBeLessThan(1e-9 * (1 + Math.abs(got.u)));
          expect(Math.abs(got.v - (k.fy * yc / zc + k.cy))).toBeLessThan(1e-9 * (1 + Math.abs(got.v)));
          // The engine's projectInto takes this path under compat, in double (not float32).
          const ctx = { points: Float32Array.of(x, y, z), rules: numberRules('multispa'), frames: [{ colorCamera: cam }] } as unknown as TaskContext;
          expect(projectInto(ctx, 0, storedCamera(ctx, 0))).toEqual(got);
        }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('a 1e-4 scale in the pose moves z by 1e-4 relative, as the reference sees it (not the rigid inverse)', () => {
    const s = 1 + 1e-4;
    const pose = Float64Array.of(s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1);
    const k = intrinsics(500, 500, 320, 240, 640, 480);
    const p = multiSpaProjector({ intrinsics: k, pose })(0, 0, 2);
    expect(p.z).toBe(2 / s);
    // Visible against D = 2 m with the general inverse (z = 1.9998), not with the rigid one (2.0002).
    const depth = { width: 640, height: 480, data: new Float32Array(640 * 480).fill(2) };
    for (const g of [{ visibleSetsMultiSpa }, ref]) expect(Array.from(g.visibleSetsMultiSpa(Float32Array.of(0, 0, 2), [{ intrinsics: k, pose }], [depth])[0])).toEqual([0]);
  });
});

describe('compat depth test against stored * (1 / scale) in double', () => {
  it('z = 2.36700008 is hidden behind stored 2367 mm (2.367 m), though below float32 2.367', () => {
    const k = intrinsics(1, 1, 0, 0, 1, 1);
    const pose = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2e-8, 0, 0, 0, 1);
    const pts = Float32Array.of(0, 0, 2.367); // float32 2.3670001029968262, z_c = that - 2e-8
    const depth = { width: 1, height: 1, data: Float32Array.of(2.367) };
    for (const g of [{ visibleSetsMultiSpa }, ref]) {
      expect(Array.from(g.visibleSetsMultiSpa(pts, [{ intrinsics: k, pose }], [depth])[0])).toEqual([0]);
      expect(Array.from(g.visibleSetsMultiSpa(pts, [{ intrinsics: k, pose }], [depth], { depthScales: [1000] })[0])).toEqual([]);
      expect(Array.from(g.visibleSetsMultiSpa(pts, [{ intrinsics: k, pose }], [depth], { depthScales: [undefined] })[0])).toEqual([0]);
    }
  });

  it('rejects depthScales of the wrong length or value with ERR_SPATIAL_SHAPE, naming it', () => {
    const k = intrinsics(1, 1, 0, 0, 1, 1);
    const cam = { intrinsics: k, pose: Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) };
    const depth = { width: 1, height: 1, data: Float32Array.of(1) };
    for (const g of [{ visibleSetsMultiSpa }, ref]) {
      expect(() => g.visibleSetsMultiSpa(Float32Array.of(0, 0, 1), [cam], [depth], { depthScales: [] })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts\.depthScales must hold one value/) }));
      expect(() => g.visibleSetsMultiSpa(Float32Array.of(0, 0, 1), [cam], [depth], { depthScales: [-5] })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts\.depthScales\[0\]/) }));
    }
  });

  it('native == reference on non-orthonormal poses, with and without stored depth scales', () => {
    fc.assert(
      fc.property(
        nonRigidPoseArb,
        intrinsicsArb.chain((k) => fc.tuple(fc.constant(k), depthMapArb({ ...k, width: Math.max(1, k.width >> 1), height: Math.max(1, k.height >> 1) }))),
        fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { maxLength: 150 }),
        fc.constantFrom(undefined, 1000, 5000),
        (pose, [k, depth], coords, scale) => {
          const pts = Float32Array.from(coords.slice(0, coords.length - (coords.length % 3)));
          const cams = [{ intrinsics: k, pose }];
          // Stored depths are integers / scale, as a 16-bit PNG holds them.
          const d = scale ? { ...depth, data: depth.data.map((v) => (Number.isFinite(v) ? Math.round(v * scale) / scale : v)) } : depth;
          const opts = { depthScales: [scale] };
          expect(visibleSetsMultiSpa(pts, cams, [d], opts)).toEqual(ref.visibleSetsMultiSpa(pts, cams, [d], opts));
        },
      ),
      { seed: 18, numRuns: 200 },
    );
  });
});

describe('compat camera relations', () => {
  it('up is world +z unless the scene declares one; ours estimates it from the cameras', () => {
    const poses = [lookAt([0, 0, 0], [1, 0, 0], [0, -1, 0]), lookAt([0, 0, 0], [0, 0, 1], [0, -1, 0])];
    expect(sceneUp(undefined, poses, 'multispa')).toEqual([0, 0, 1]);
    expect(sceneUp('-y', poses, 'multispa')).toEqual([0, -1, 0]);
    const est = sceneUp(undefined, poses, 'ours');
    expect(est[1]).toBeLessThan(-0.9); // the cameras are held with world -y up
  });

  it('yaw = atan2(f_y, f_x), pitch = asin(f_z / |f|) of the optical axis, differences wrapped only past 180', () => {
    const p1 = lookAt([0, 0, 0], [Math.cos(3), Math.sin(3), 0.2]), p2 = lookAt([0, 0, 0], [Math.cos(-3), Math.sin(-3), -0.1]);
    const rel = cameraRelation(p1, p2, sceneUp(undefined, [p1, p2], 'multispa'), 'multispa');
    const deg = (r: number) => r * (180 / Math.PI);
    const [f1, f2] = [[p1[2], p1[6], p1[10]], [p2[2], p2[6], p2[10]]];
    const raw = deg(Math.atan2(f2[1], f2[0])) - deg(Math.atan2(f1[1], f1[0]));
    expect(rel.yaw).toBe(raw > 180 ? raw - 360 : raw < -180 ? raw + 360 : raw);
    expect(rel.pitch).toBe(deg(Math.asin(f2[2] / Math.hypot(...f2))) - deg(Math.asin(f1[2] / Math.hypot(...f1))));
    expect(wrapDegreesMultiSpa(-180)).toBe(-180);
    expect(wrapDegreesMultiSpa(190.5)).toBe(190.5 - 360);
    expect(yawPitch(p1, [0, 0, 1], 'multispa').yaw).toBeCloseTo(deg(3), 10);
  });

  it('inv(E1) E2 with the general inverse on non-orthonormal poses (displacement, distance)', () => {
    fc.assert(
      fc.property(nonRigidPoseArb, nonRigidPoseArb, (e1, e2) => {
        const inv = cofactorInverse(e1);
        const t = [0, 1, 2].map((r) => inv[r * 4] * e2[3] + inv[r * 4 + 1] * e2[7] + inv[r * 4 + 2] * e2[11] + inv[r * 4 + 3]);
        const rel = cameraRelation(e1, e2, [0, 0, 1], 'multispa');
        for (let r = 0; r < 3; r++) expect(Math.abs(rel.displacement[r] - t[r])).toBeLessThan(1e-12);
        expect(rel.distance).toBe(Math.sqrt(rel.displacement[0] ** 2 + rel.displacement[1] ** 2 + rel.displacement[2] ** 2));
      }),
      { seed: 19, numRuns: 200 },
    );
  });

  it('ours is unchanged: the rigid inverse and (-180, 180] wrap', () => {
    const p1 = perturbed(lookAt([0, 0, 0], [1, 0, 0]), 1e-4), p2 = lookAt([1, 0, 0], [0, 1, 0]);
    const rel = cameraRelation(p1, p2, [0, 0, 1]);
    const rigid = invertRigidPose(p1);
    expect(rel.displacement[0]).toBe(rigid[0] * p2[3] + rigid[1] * p2[7] + rigid[2] * p2[11] + rigid[3]);
    expect(rel.distance).toBe(Math.hypot(...rel.displacement));
  });
});

describe('generateScene --compat multispa on non-orthonormal poses, no declared up', () => {
  const tmp = tempDirs('spatial-compat-');
  it('depth and coordinate answers follow the general-inverse double projection; camera answers inv(E1) E2 and +z yaw', async () => {
    const scene = synthesizeScene({ seed: 5, frames: 16, width: 160, height: 120 });
    scene.up = undefined;
    scene.frames.forEach((f, i) => (f.pose = perturbed(f.pose, (i % 3 - 1) * 1e-4)));
    const out = tmp();
    await generateScene(scene, { outDir: out, seed: 2, perTask: 4, evalFraction: 0, compat: 'multispa', tasks: ['depth', 'camera', 'correspondence'] });
    const samples = readFileSync(join(out, 'qa_train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const poseOf = (id: string) => scene.frames.find((f) => f.id === id)!.pose;
    const kOf = (id: string) => { const f = scene.frames.find((g) => g.id === id)!; return f.colorIntrinsics ?? f.intrinsics; };
    const expected = (p: number, id: string) => {
      const e = cofactorInverse(poseOf(id)), k = kOf(id);
      const [x, y, z] = scene.points!.subarray(3 * p, 3 * p + 3);
      const xc = e[0] * x + e[1] * y + e[2] * z + e[3], yc = e[4] * x + e[5] * y + e[6] * z + e[7], zc = e[8] * x + e[9] * y + e[10] * z + e[11];
      return { u: (k.fx * xc) / zc + k.cx, v: (k.fy * yc) / zc + k.cy, z: zc };
    };
    // A rounding is checked unless its argument lies within 1e-9 of a tie (both formulas are exact to ~1e-13).
    const sameRound = (got: number, x: number) => Math.abs(Math.abs(x % 1) - 0.5) < 1e-9 || got === roundHalfEven(x);
    let depth = 0, camera = 0, corr = 0;
    for (const s of samples) {
      const av = s.answer_values;
      if (s.question_type === 'depth_estimation_coor') {
        const e = expected(av.point, s.frames[0]), k = kOf(s.frames[0]);
        expect(Math.abs(av.depth_m - e.z)).toBeLessThan(1e-12);
        expect(sameRound(av.depth_mm, e.z * 1000)).toBe(true);
        expect(sameRound(av.coordinates[0], (e.u / k.width) * 1000) && sameRound(av.coordinates[1], (e.v / k.height) * 1000)).toBe(true);
        depth++;
      } else if (s.question_type === 'visual_correspondence_coor_2_coor') {
        const e = expected(av.point, s.frames[1]), k = kOf(s.frames[1]);
        expect(sameRound(s.gt_value[0], (e.u / k.width) * 1000) && sameRound(s.gt_value[1], (e.v / k.height) * 1000)).toBe(true);
        corr++;
      } else if (s.task === 'camera_movement') {
        const [e1, e2] = [poseOf(s.frames[0]), poseOf(s.frames[1])];
        const inv = cofactorInverse(e1);
        const t = [0, 1, 2].map((r) => inv[r * 4] * e2[3] + inv[r * 4 + 1] * e2[7] + inv[r * 4 + 2] * e2[11] + inv[r * 4 + 3]);
        for (let r = 0; r < 3; r++) expect(Math.abs(av.displacement_m[r] - t[r])).toBeLessThan(1e-12);
        const yaw = (p: Pose) => Math.atan2(p[6], p[2]) * (180 / Math.PI);
        let dy = yaw(e2) - yaw(e1);
        if (Math.abs(dy) > 180) dy += dy > 0 ? -360 : 360;
        expect(Math.abs(av.yaw_deg - dy)).toBeLessThan(1e-9);
        camera++;
      }
    }
    expect(depth).toBeGreaterThan(0);
    expect(corr).toBeGreaterThan(0);
    expect(camera).toBeGreaterThan(0);
  }, 120_000);
});
