// Camera augmentation inside QA generation (issue 16, section 3). On random synthetic scenes and
// clips with random augmentations (and one real scene): each answer's 3-D point projected with the
// sample's (augmented) intrinsics_list and pose_list lands on answer_values.pixel and on the stated
// 0-1000 coordinates; every written image has the size in width_list/height_list; the recorded ops
// replay onto the stored frame with applyAugmentOps to give the written image and the listed
// intrinsics; camera, depth and size answers do not change; the same seed gives the same bytes.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyAugmentOps, augmentIntrinsics, type AugmentOp } from '../../lib/ops/augment/native.js';
import { checkCameraAugmentOptions, drawCameraAugment } from '../../lib/engine/camera-augment.js';
import { generateClip } from '../../lib/engine/dynamic.js';
import { numberRules } from '../../lib/engine/format.js';
import { generateScene } from '../../lib/engine/pipeline.js';
import { createRng } from '../../lib/random.js';
import { loadFrameColor, loadScene } from '../../lib/scenes/load.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import type { Scene } from '../../lib/scenes/types.js';
import { runCli } from '../helpers/cli.js';
import { type ListedSample, checkSampleProjections, PIXEL_TOLERANCE } from '../helpers/sample-cameras.js';
import { sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-camaug-');
const readJsonl = (p: string): ListedSample[] => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const splits = (out: string) => [...readJsonl(join(out, 'qa_train.jsonl')), ...readJsonl(join(out, 'qa_eval.jsonl'))];
const PIXEL_TYPES = ['depth_estimation_dot', 'depth_estimation_coor', 'depth_comparison_annotated', 'depth_comparison_coordinate', 'visual_correspondence_coor_2_coor', 'visual_correspondence_multiple_choice'];

/** Every written image has the size its sample lists. */
async function expectImageSizes(out: string, samples: ListedSample[]): Promise<number> {
  let n = 0;
  for (const s of samples)
    for (const [i, rel] of s.image.entries()) {
      const meta = await sharp(join(out, rel)).metadata();
      expect([meta.width, meta.height], `${s.id} image ${i + 1}`).toEqual([s.width_list[i], s.height_list[i]]);
      n++;
    }
  return n;
}

function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name))] = createHash('sha256').update(readFileSync(join(e.parentPath, e.name))).digest('hex');
  return out;
}

describe('the augmentation draw', () => {
  it('resize, shift and crop within the stated ranges; a fixed scale is one resize; bad ranges name the flag', () => {
    const k = { fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480 };
    const rng = createRng(1);
    let crops = 0, shifts = 0;
    for (let t = 0; t < 200; t++) {
      const ops = drawCameraAugment(k, rng);
      const resize = ops.find((o) => o.op === 'resize') as Extract<AugmentOp, { op: 'resize' }> | undefined;
      const w = resize?.width ?? 640;
      expect(w >= 512 && w <= 768).toBe(true);
      for (const o of ops) {
        if (o.op === 'shift') {
          shifts++;
          expect(Number.isInteger(o.dx) && Math.abs(o.dx) <= Math.round(0.05 * w)).toBe(true);
        }
        if (o.op === 'crop') {
          crops++;
          expect(o.width >= Math.round(0.9 * w) - 1 && o.width <= w && o.x >= 0 && o.x + o.width <= w).toBe(true);
        }
      }
      expect(() => augmentIntrinsics(k, ops)).not.toThrow();
    }
    expect(crops).toBeGreaterThan(150);
    expect(shifts).toBeGreaterThan(150);
    expect(drawCameraAugment(k, rng, { fixedScale: 1.2 })).toEqual([{ op: 'resize', width: 768, height: 576 }]);
    expect(drawCameraAugment(k, rng, { fixedScale: 1 })).toEqual([]);
    expect(() => checkCameraAugmentOptions({ scale: [1.2, 0.8] })).toThrow(/--augment-scale/);
    expect(() => checkCameraAugmentOptions({ crop: [0.5, 1.5] })).toThrow(/--augment-crop/);
    expect(() => checkCameraAugmentOptions({ fixedScale: 1.2, crop: [0.9, 1] })).toThrow(/--camera-scale/);
  });
});

describe.each([
  { name: 'synthetic scene 7, default ranges', seed: 7, augment: {} },
  { name: 'synthetic scene 8, wide ranges', seed: 8, augment: { scale: [0.5, 1.5], shift: [-0.15, 0.15], crop: [0.6, 1] } },
  { name: 'synthetic scene 9, fixed scale 0.8', seed: 9, augment: { fixedScale: 0.8 } },
] as const)('$name', ({ seed, augment }) => {
  let scene: Scene;
  let out = '';
  let plain = '';
  let samples: ListedSample[] = [];
  beforeAll(async () => {
    scene = synthesizeScene({ seed, frames: 24, width: 320, height: 240 });
    out = tmp();
    plain = tmp();
    // PNG (lossless) so the written pixels can be compared with the replayed ops byte for byte.
    const opts = { seed: seed + 100, perTask: 5, evalFraction: 0.2, imageFormat: 'png' as const };
    await generateScene(scene, { outDir: out, ...opts, cameraAugment: { ...augment } as never });
    await generateScene(scene, { outDir: plain, ...opts });
    samples = splits(out);
  }, 240_000);

  it(`projections land on answer_values.pixel within ${PIXEL_TOLERANCE} px and on the 0-1000 coordinates`, () => {
    const check = checkSampleProjections(samples, numberRules('ours'));
    for (const t of PIXEL_TYPES) expect(check.byType[t] ?? 0, t).toBeGreaterThanOrEqual(3);
    expect(check.maxError).toBeLessThan(PIXEL_TOLERANCE);
  });

  it('written images have the listed sizes; listed intrinsics are the stored camera through the recorded ops; ops replay to the written image', async () => {
    expect(await expectImageSizes(out, samples)).toBeGreaterThan(50);
    const k0 = scene.frames[0].intrinsics;
    let replayed = 0, augmented = 0;
    for (const s of samples) {
      const ops = s.answer_values.augment as AugmentOp[][];
      expect(ops.length, s.id).toBe(s.image.length);
      for (const [i, list] of ops.entries()) {
        const k = augmentIntrinsics(k0, list);
        expect(s.intrinsics_list[i], s.id).toEqual([k.fx, k.fy, k.cx, k.cy]);
        expect([s.width_list[i], s.height_list[i]], s.id).toEqual([k.width, k.height]);
        if (list.length) augmented++;
      }
      // Images without a drawn prompt are the stored frame with the ops applied, byte for byte.
      if (s.question_type.endsWith('_coor') || s.question_type.endsWith('_coordinate') || s.question_type === 'total_distance') {
        for (const [i, rel] of s.image.entries()) {
          const frame = scene.frames.find((f) => f.id === (s as unknown as { frames: string[] }).frames[i])!;
          const want = applyAugmentOps({ intrinsics: k0, image: await loadFrameColor(frame) }, ops[i]).image!;
          const got = await sharp(join(out, rel)).raw().toBuffer({ resolveWithObject: true });
          expect(got.info.channels, s.id).toBe(want.channels);
          expect(Buffer.compare(got.data, Buffer.from(want.data)), s.id).toBe(0);
          replayed++;
        }
      }
    }
    expect(augmented).toBeGreaterThan(50);
    expect(replayed).toBeGreaterThan(10);
  });

  it('depth, camera-motion and object-size answers are those of the stored cameras', () => {
    const byKey = new Map(splits(plain).map((s) => [s.id, s]));
    let compared = 0;
    for (const s of samples) {
      if (s.question_type.startsWith('depth_estimation')) {
        const d = s.answer_values.depth_mm as number;
        const p = s.answer_values.point_world as number[], pose = s.pose_list[0];
        const z = (p[0] - pose[3]) * pose[2] + (p[1] - pose[7]) * pose[6] + (p[2] - pose[11]) * pose[10];
        expect(Math.abs(z * 1000 - d), s.id).toBeLessThanOrEqual(0.5 + 1e-3);
        compared++;
      }
      // Camera and size questions draw their frames before any augmentation: the same questions.
      if (!s.question_type.startsWith('depth') && !s.question_type.startsWith('visual')) {
        const p = byKey.get(s.id);
        if (!p || s.question_type.startsWith('object_perception')) continue;
        expect(s.gt_value, s.id).toEqual(p.gt_value);
        expect((s as unknown as { frames: string[] }).frames, s.id).toEqual((p as unknown as { frames: string[] }).frames);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it('the same seed gives byte-identical output', async () => {
    const again = tmp();
    await generateScene(scene, { outDir: again, seed: seed + 100, perTask: 5, evalFraction: 0.2, imageFormat: 'png', cameraAugment: { ...augment } as never });
    expect(treeHashes(again)).toEqual(treeHashes(out));
  }, 240_000);
});

describe('dynamic clip with camera augmentation', () => {
  it('object-movement pixels and coordinates are in the augmented image; sizes match; deterministic', async () => {
    const clip = synthesizeClip({ seed: 6, frames: 20, width: 320 });
    const [a, b] = [tmp(), tmp()];
    for (const out of [a, b]) await generateClip(clip, { outDir: out, seed: 2, perTask: 6, cameraAugment: { scale: [0.6, 1.4], crop: [0.7, 1] } });
    const samples = splits(a);
    const check = checkSampleProjections(samples, numberRules('ours'));
    for (const t of ['tapvid3d_total_distance_coord', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_coord', 'tapvid3d_displacement_vector_dot'])
      expect(check.byType[t] ?? 0, t).toBeGreaterThanOrEqual(3);
    expect(check.maxError).toBeLessThan(PIXEL_TOLERANCE);
    expect(samples.some((s) => (s.answer_values.augment as AugmentOp[][]).some((o) => o.length))).toBe(true);
    await expectImageSizes(a, samples);
    expect(treeHashes(b)).toEqual(treeHashes(a));
  }, 240_000);
});

describe('a real scene with camera augmentation', () => {
  const holo = sample('hololens-scannet');
  it.skipIf(!holo.present)('hololens-scannet (540x360, 15 frames): projections, sizes, the CLI flags', async () => {
    const out = join(tmp(), 'out');
    const r = await runCli(['generate', '--scene', holo.dir, '--format', 'scannet', '--out', out, '--per-task', '4', '--overlap', '0.3,0.95', '--tasks', 'depth,correspondence',
      '--camera-augment', '--augment-scale', '0.7,1.3', '--augment-crop', '0.8,1', '--seed', '5']);
    expect(r.code, r.err).toBe(0);
    const samples = splits(out);
    const check = checkSampleProjections(samples, numberRules('ours'));
    for (const t of PIXEL_TYPES) expect(check.byType[t] ?? 0, t).toBeGreaterThanOrEqual(2);
    expect(check.maxError).toBeLessThan(PIXEL_TOLERANCE);
    await expectImageSizes(out, samples);
    const scene = await loadScene(holo.dir, 'scannet');
    const k = scene.frames[0].colorIntrinsics ?? scene.frames[0].intrinsics;
    for (const s of samples) for (const [i, ops] of (s.answer_values.augment as AugmentOp[][]).entries()) {
      const a = augmentIntrinsics(k, ops);
      expect(s.intrinsics_list[i]).toEqual([a.fx, a.fy, a.cx, a.cy]);
    }
    // --camera-scale: every image at one scale.
    const fixed = join(tmp(), 'fixed');
    const f = await runCli(['generate', '--scene', holo.dir, '--format', 'scannet', '--out', fixed, '--per-task', '2', '--overlap', '0.3,0.95', '--tasks', 'depth', '--camera-scale', '1.2']);
    expect(f.code, f.err).toBe(0);
    for (const s of splits(fixed)) expect([s.width_list, s.height_list]).toEqual([s.image.map(() => 648), s.image.map(() => 432)]);
  }, 300_000);
});
