// The data engine end to end on the built-in synthetic scene: every task type is produced, a sample
// of answers is recomputed independently (reference backend, from answer_values and the scene),
// outputs are deterministic for a seed, and the pair sampler stays in the band.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/tmp.js';
import type { QASample } from '../../lib/engine/context.js';
import { generateScene, type GenerateReport } from '../../lib/engine/pipeline.js';
import { invertRigidPose, multiplyPoses } from '../../lib/pose.js';
import { scoreSample } from '../../lib/engine/scoring/index.js';
import { projectPoints } from '../../lib/ops/geometry/native.js';
import * as ref from '../../lib/reference/index.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import type { Scene } from '../../lib/scenes/types.js';

const tmp = tempDirs('spatial-engine-');

const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

let scene: Scene;
let out: string;
let report: GenerateReport;
let samples: QASample[];

beforeAll(async () => {
  scene = synthesizeScene({ seed: 3, frames: 40, width: 320, height: 240 });
  out = tmp();
  report = await generateScene(scene, { outDir: out, seed: 11, perTask: 6, evalFraction: 0 });
  samples = readJsonl(join(out, 'qa_train.jsonl'));
}, 120_000);

const frameOf = (id: string) => scene.frames.find((f) => f.id === id)!;
const camOf = (id: string) => ({ intrinsics: frameOf(id).colorIntrinsics ?? frameOf(id).intrinsics, pose: frameOf(id).pose });
const pointOf = (p: number) => Float64Array.from(scene.points!.subarray(3 * p, 3 * p + 3));
const project = (p: number, frameId: string) => {
  const r = ref.projectPoints(pointOf(p), camOf(frameId));
  return { u: r.uv[0], v: r.uv[1], z: r.depth[0] };
};
const visibleIn = (p: number, frameId: string) => {
  const f = frameOf(frameId);
  return ref.visibleSets(Float32Array.from(pointOf(p)), [{ intrinsics: f.intrinsics, pose: f.pose }], [f.depth!], { tolerance: 0.05 })[0].length === 1;
};
const norm = (x: number, size: number) => Math.min(999, Math.max(0, Math.floor((x / size) * 1000)));

describe('data engine on the synthetic scene', () => {
  it('produces every task type', () => {
    const types = new Set(samples.map((s) => s.question_type));
    for (const t of [
      'depth_estimation_dot', 'depth_estimation_coor', 'depth_comparison_annotated', 'depth_comparison_coordinate',
      'visual_correspondence_coor_2_coor', 'visual_correspondence_multiple_choice',
      'x_movement', 'y_movement', 'z_movement', 'yaw_movement', 'pitch_movement', 'yaw_angle', 'pitch_angle', 'total_distance', 'displacement_vector',
      'object_perception_height_estimation', 'object_perception_length_estimation', 'object_perception_width_estimation',
    ])
      expect(types, t).toContain(t);
    expect(report.points).toBeGreaterThan(1000);
  });

  it('depth answers: camera-space z of the point, in mm, at its pixel, and the point is visible', () => {
    for (const s of samples.filter((x) => x.task === 'depth_perception')) {
      const av = s.answer_values as Record<string, unknown>;
      const frame = s.frames[0];
      // The task projects its candidate points in one batch: the same float32s as one point per call.
      const one = (p: number) => projectPoints(scene.points!.subarray(3 * p, 3 * p + 3), camOf(frame));
      if (s.subtask === 'depth_estimation') {
        const r = one(av.point as number);
        expect(av.pixel).toEqual(Array.from(r.uv));
        expect(av.depth_m).toBe(r.depth[0]);
      } else expect(av.pixels).toEqual((av.points as number[]).map((p) => Array.from(one(p).uv)));
      if (s.subtask === 'depth_estimation') {
        const p = av.point as number;
        const pr = project(p, frame);
        expect(s.gt_value).toBe(Math.round(pr.z * 1000));
        expect(visibleIn(p, frame)).toBe(true);
        if (s.question_type === 'depth_estimation_coor') {
          const k = camOf(frame).intrinsics;
          expect(s.conversations[0].value).toContain(`[ ${norm(pr.u, k.width)} , ${norm(pr.v, k.height)} ]`);
        }
      } else {
        const [a, b] = av.points as number[];
        const [za, zb] = [project(a, frame).z, project(b, frame).z].map((z) => Math.round(z * 1000));
        expect(za).not.toBe(zb);
        const closerIsA = za < zb;
        const wantA = (av.relation === 'closer') === closerIsA;
        if (s.question_type === 'depth_comparison_annotated') expect(s.gt_value).toBe(wantA ? 'A' : 'B');
        else {
          const k = camOf(frame).intrinsics;
          const w = project(wantA ? a : b, frame);
          expect(s.gt_value).toEqual([norm(w.u, k.width), norm(w.v, k.height)]);
        }
      }
      expect(s.conversations[1].value).toContain('`');
    }
  });

  it('correspondence answers: the point is visible in both frames and lands at the answer in image 2', () => {
    const cs = samples.filter((x) => x.task === 'visual_correspondence');
    expect(cs.length).toBeGreaterThan(0);
    for (const s of cs) {
      const av = s.answer_values as Record<string, unknown>;
      const p = av.point as number;
      const [f1, f2] = s.frames;
      expect(visibleIn(p, f1) && visibleIn(p, f2)).toBe(true);
      const b = project(p, f2);
      const k2 = camOf(f2).intrinsics;
      // The task projects all common points in one batch: the same float32s as one point per call.
      for (const [key, f] of [['pixel1', f1], ['pixel2', f2]] as const)
        expect(av[key], key).toEqual(Array.from(projectPoints(scene.points!.subarray(3 * p, 3 * p + 3), camOf(f)).uv));
      if (s.subtask === 'coor_2_coor') expect(s.gt_value).toEqual([norm(b.u, k2.width), norm(b.v, k2.height)]);
      else {
        const options = av.options as [number, number][];
        const answer = options[['A', 'B', 'C', 'D'].indexOf(s.gt_value as string)];
        expect(answer).toEqual([Math.floor(b.u + 0.5), Math.floor(b.v + 0.5)]);
        for (let i = 0; i < 4; i++)
          for (let j = i + 1; j < 4; j++) expect(Math.hypot(options[i][0] - options[j][0], options[i][1] - options[j][1])).toBeGreaterThanOrEqual(0.05 * k2.width);
      }
      // Pairs come from the overlap band.
      expect(av.overlap as number).toBeGreaterThanOrEqual(0.06 - 1e-6);
      expect(av.overlap as number).toBeLessThanOrEqual(0.35 + 1e-6);
    }
  });

  it('camera answers: recomputed from the two poses (camera 2 centre in camera 1 axes; yaw about +z)', () => {
    const cs = samples.filter((x) => x.task === 'camera_movement');
    expect(cs.length).toBeGreaterThan(0);
    for (const s of cs) {
      const [p1, p2] = s.frames.map((id) => frameOf(id).pose);
      // Independent formula: d = R1^T (C2 - C1).
      const c = [p2[3] - p1[3], p2[7] - p1[7], p2[11] - p1[11]];
      const d = [0, 1, 2].map((r) => p1[r] * c[0] + p1[4 + r] * c[1] + p1[8 + r] * c[2]);
      const yawOf = (p: Float64Array) => (Math.atan2(p[6], p[2]) * 180) / Math.PI;
      let yaw = yawOf(p2) - yawOf(p1);
      yaw = yaw > 180 ? yaw - 360 : yaw <= -180 ? yaw + 360 : yaw;
      const rel = multiplyPoses(invertRigidPose(p1), p2);
      expect(rel[3]).toBeCloseTo(d[0], 9);
      switch (s.question_type) {
        case 'x_movement': expect(s.gt_value).toBe(d[0] > 0 ? 'right' : 'left'); break;
        case 'y_movement': expect(s.gt_value).toBe(d[1] > 0 ? 'down' : 'up'); break;
        case 'z_movement': expect(s.gt_value).toBe(d[2] > 0 ? 'forward' : 'backward'); break;
        case 'yaw_movement': expect(s.gt_value).toBe(yaw > 0 ? 'left' : 'right'); break;
        case 'yaw_angle': expect(s.gt_value).toBe(Math.round(Math.abs(yaw))); break;
        case 'total_distance': expect(s.gt_value).toBe(Math.round(Math.hypot(...d) * 1000)); break;
        case 'displacement_vector': expect(s.gt_value).toEqual(d.map((x) => Math.round(x * 1000))); break;
        default: break;
      }
    }
  });

  it('object size answers: the instance box extent, and the chosen images cover it within 10 %', () => {
    const os = samples.filter((x) => x.task === 'object_perception');
    expect(os.length).toBeGreaterThan(0);
    for (const s of os) {
      const av = s.answer_values as { instance: number; axis: number };
      const inst = scene.instances!.find((i) => i.id === av.instance)!;
      const size = inst.box.max[av.axis] - inst.box.min[av.axis];
      expect(s.gt_value).toBe(Math.round(size * 1000));
      if (s.question_type.includes('height')) expect(av.axis).toBe(2);
      expect(s.frames.length).toBeLessThanOrEqual(5);
      // Coverage of the union of the images' visible instance points along the axis.
      let lo = Infinity, hi = -Infinity;
      for (const id of s.frames) {
        const f = frameOf(id);
        const [set] = ref.visibleSets(scene.points!, [{ intrinsics: f.intrinsics, pose: f.pose }], [f.depth!], { tolerance: 0.05 });
        for (const p of set) if (scene.pointInstances![p] === inst.id) { lo = Math.min(lo, scene.points![3 * p + av.axis]); hi = Math.max(hi, scene.points![3 * p + av.axis]); }
      }
      expect(Math.abs(hi - lo - size)).toBeLessThanOrEqual(0.1 * size + 1e-6);
      expect(inst.structural).toBeFalsy();
    }
  });

  it('samples have the LLaVA form and the structured fields', () => {
    for (const s of samples) {
      expect(s.image.length).toBe(s.height_list.length);
      expect(s.conversations[0].value.split('<image>').length - 1).toBe(s.image.length);
      expect(s.scene).toBe(scene.id);
      expect(s.id.startsWith(`${scene.id}:${s.question_type}:`)).toBe(true);
    }
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
  });

  it('the scorer grades every answer text the engine wrote as correct (templates and parser agree)', () => {
    for (const s of samples) {
      const { conversations, ...rest } = s;
      const r = scoreSample({ ...rest, text: conversations[0].value } as never, conversations[1].value);
      expect(r.correct, `${s.id}: ${conversations[1].value}`).toBe(true);
    }
  });

  it('two runs with one seed are byte-identical; another seed differs', async () => {
    const a = tmp(), b = tmp(), c = tmp();
    const small = synthesizeScene({ seed: 5, frames: 16, width: 160, height: 120 });
    await generateScene(small, { outDir: a, seed: 1, perTask: 3 });
    await generateScene(small, { outDir: b, seed: 1, perTask: 3 });
    await generateScene(small, { outDir: c, seed: 2, perTask: 3 });
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl', 'stats.json']) expect(readFileSync(join(a, f))).toEqual(readFileSync(join(b, f)));
    expect(readFileSync(join(a, 'qa_train.jsonl'))).not.toEqual(readFileSync(join(c, 'qa_train.jsonl')));
  });
});
