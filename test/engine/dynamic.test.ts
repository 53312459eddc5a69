// The dynamic-clip engine: every object-movement answer recomputed by an independent route from the
// clip's tracks and poses; MultiSPA's displacement bins at their boundaries; the candidate balance;
// camera questions on clips with poses; determinism; eval of perfect and shuffled predictions; and
// `generate --format tapvid3d` on a NumPy-written .npz.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/engine/cli.js';
import { generateClip } from '../../lib/engine/dynamic.js';
import { scoreEval, scoreSample, type EvalSample } from '../../lib/engine/scoring/index.js';
import { DISPLACEMENT_BINS, displacementBins, motionCandidates, worldTracks } from '../../lib/engine/clip-prep.js';
import { rigidSegmentation } from '../../lib/ops/motion/native.js';
import { createRng } from '../../lib/random.js';
import { loadTapVid3dNpz } from '../../lib/scenes/clip.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-dyn-');
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tapvid3d');
const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
type Sample = EvalSample & { answer_values: Record<string, unknown>; conversations?: { value: string }[]; image: string[] };

const clip = synthesizeClip({ seed: 4, frames: 30, width: 320 });
let samples: Sample[] = [];
let out = '';

beforeAll(async () => {
  out = tmp();
  await generateClip(clip, { outDir: out, seed: 1, perTask: 40, evalFraction: 0 });
  samples = readJsonl(join(out, 'qa_train.jsonl'));
}, 60_000);

describe('object-movement answers', () => {
  it('cover the four question types and camera movement', () => {
    const types = new Set(samples.map((s) => s.question_type));
    for (const t of ['tapvid3d_total_distance_coord', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_coord', 'tapvid3d_displacement_vector_dot'])
      expect(samples.filter((s) => s.question_type === t).length, t).toBe(40);
    expect(types.has('displacement_vector')).toBe(true);
    const cam = samples.find((s) => s.question_type === 'x_movement')!;
    expect(cam.conversations![0].value).toMatch(/some objects in the images may move/);
  });

  it('equal an independent recomputation: frame 2 carried into camera 1 minus frame 1', () => {
    const n = clip.tracks, k = clip.intrinsics;
    let moving = 0, still = 0;
    for (const s of samples.filter((x) => x.question_type.startsWith('tapvid3d_'))) {
      const a = s.answer_values as { track: number; frame_indices: [number, number]; moving: boolean; displacement_cam1_m: number[]; distance_m: number; coordinates: number[] };
      const [f1, f2] = a.frame_indices, i = a.track;
      expect(f1).toBeLessThan(f2);
      expect(clip.visibility[f1 * n + i] && clip.visibility[f2 * n + i]).toBe(1);
      // X2 in camera-1 coordinates: R1^T (R2 X2 + t2 - t1); the displacement is that minus X1.
      const P1 = clip.poses![f1], P2 = clip.poses![f2];
      const X1 = [0, 1, 2].map((c) => clip.tracksXYZ[3 * (f1 * n + i) + c]);
      const X2 = [0, 1, 2].map((c) => clip.tracksXYZ[3 * (f2 * n + i) + c]);
      const w2 = [0, 1, 2].map((r) => P2[4 * r] * X2[0] + P2[4 * r + 1] * X2[1] + P2[4 * r + 2] * X2[2] + P2[4 * r + 3] - P1[4 * r + 3]);
      const inCam1 = [0, 1, 2].map((c) => P1[c] * w2[0] + P1[4 + c] * w2[1] + P1[8 + c] * w2[2]);
      const d = inCam1.map((v, c) => v - X1[c]);
      const dist = Math.hypot(...d);
      expect(a.moving).toBe(dist >= 0.01);
      if (clip.bodies![i] === 0) expect(a.moving).toBe(false); // the room never moves
      const want = a.moving ? d : [0, 0, 0];
      a.displacement_cam1_m.forEach((v, c) => expect(v).toBeCloseTo(want[c], 9));
      expect(a.distance_m).toBeCloseTo(a.moving ? dist : 0, 9);
      const mm = want.map((v) => Math.round(v * 1000));
      if (s.question_type.includes('total_distance')) expect(s.gt_value).toBe(Math.round(Math.hypot(...want) * 1000));
      else expect(s.gt_value).toEqual(mm);
      const answer = s.conversations![1].value;
      expect(answer.startsWith('The point did not move. ')).toBe(!a.moving);
      // The query point: floor(u / W * 1000) of the track's projection in frame 1, inside the image.
      const u = (k.fx * X1[0]) / X1[2] + k.cx, v = (k.fy * X1[1]) / X1[2] + k.cy;
      expect(a.coordinates).toEqual([Math.floor((u / k.width) * 1000), Math.floor((v / k.height) * 1000)]);
      if (s.question_type.endsWith('_coord')) expect(s.conversations![0].value).toContain(`[ ${a.coordinates[0]} , ${a.coordinates[1]} ]`);
      else expect(s.image[0]).toMatch(/^images\/prompts\//);
      a.moving ? moving++ : still++;
    }
    expect(moving).toBeGreaterThan(100);
    expect(still).toBeGreaterThan(0);
  });

  it('our scorer grades every generated answer correct', () => {
    const r = scoreEval(samples, samples.map((s) => ({ id: s.id, prediction: s.conversations![1].value })));
    expect(r.overall).toBe(1);
    expect(r.unparsed).toEqual([]);
  });

  it('shuffled answers of the same type score at the chance level of that type', () => {
    // Within each type, sample i gets the answer of a random other sample; the expected accuracy is
    // the mean over (i, j) pairs of [answer j is correct for i], estimated from 5000 random pairs.
    // 40 samples per type: sd of one permutation <= sqrt(0.25 / 40) = 0.08; we allow 4 sd (0.32),
    // and the distance types must stay far below the 100 % of perfect answers.
    const rng = createRng(8);
    for (const type of ['tapvid3d_total_distance_coord', 'tapvid3d_displacement_vector_dot']) {
      const of = samples.filter((s) => s.question_type === type);
      const perm = rng.shuffle(of.map((_, k) => k));
      const r = scoreEval(of, of.map((s, k) => ({ id: s.id, prediction: of[perm[k]].conversations![1].value })));
      let hits = 0;
      for (let k = 0; k < 5000; k++) if (scoreSample(rng.pick(of), rng.pick(of).conversations![1].value).correct) hits++;
      expect(Math.abs(r.tasks[type].accuracy - hits / 5000), type).toBeLessThanOrEqual(0.32);
      expect(hits / 5000).toBeLessThan(0.5);
    }
  });

  it('is deterministic for a seed', async () => {
    const again = tmp();
    await generateClip(clip, { outDir: again, seed: 1, perTask: 40, evalFraction: 0 });
    expect(readFileSync(join(again, 'qa_train.jsonl'), 'utf8')).toBe(readFileSync(join(out, 'qa_train.jsonl'), 'utf8'));
    const other = tmp();
    await generateClip(clip, { outDir: other, seed: 2, perTask: 40, evalFraction: 0 });
    expect(readFileSync(join(other, 'qa_train.jsonl'), 'utf8')).not.toBe(readFileSync(join(out, 'qa_train.jsonl'), 'utf8'));
  }, 60_000);

  it('--compat multispa: text rounded half-to-even, distance gt truncated, vector gt in metres', async () => {
    const dir = tmp();
    await generateClip(clip, { outDir: dir, seed: 1, perTask: 10, evalFraction: 0, compat: 'multispa', tasks: ['object_movement'] });
    for (const s of readJsonl(join(dir, 'qa_train.jsonl')) as Sample[]) {
      const a = s.answer_values as { displacement_cam1_m: number[]; distance_m: number };
      if (s.question_type.includes('total_distance')) expect(s.gt_value).toBe(Math.trunc(a.distance_m * 1000));
      else expect(s.gt_value).toEqual(a.displacement_cam1_m);
      const r = scoreEval([s], [{ id: s.id, prediction: s.conversations![1].value }], { format: 'multispa' });
      expect(r.overall).toBe(1);
    }
  });
});

describe('displacement bins and candidates', () => {
  it('bins like np.histogram_bin_edges(d, 10) + np.digitize - 1, clipped to 9', () => {
    // Edges 0, 0.1, ..., 1.0 (computed as lo + (hi - lo) k / 10): a value on an edge opens the next bin.
    expect(displacementBins([0, 0.1, 0.45, 0.5, 0.99, 1])).toEqual([0, 1, 4, 5, 9, 9]);
    expect(displacementBins([0.05, 0.05, 0.05])).toEqual([9, 9, 9]); // all equal: every edge coincides
    expect(displacementBins([2])).toEqual([9]);
    expect(displacementBins([])).toEqual([]);
    expect(DISPLACEMENT_BINS).toBe(10);
  });

  it('keeps static pairs apart and takes max(1, min(|bin 4|, pairsPerBin)) per bin', () => {
    const seg = rigidSegmentation(clip.tracksXYZ, clip.frames);
    const world = worldTracks(clip);
    const cands = motionCandidates(clip, world, seg, createRng('c'), { pointsPerGroup: 4, pairsPerBin: 3 });
    const byTrack = new Map<number, typeof cands>();
    for (const c of cands) byTrack.set(c.track, [...(byTrack.get(c.track) ?? []), c]);
    for (const list of byTrack.values()) {
      expect(list.filter((c) => !c.moving).length).toBeLessThanOrEqual(1);
      const perBin = new Array(10).fill(0);
      for (const c of list) if (c.moving) perBin[c.bin]++;
      expect(Math.max(...perBin)).toBeLessThanOrEqual(3);
      for (const c of list) expect(c.distance >= 0.01).toBe(c.moving);
    }
    // 4 points from each of the 4 groups (fewer when a point is seen in fewer than 2 frames).
    expect(byTrack.size).toBeGreaterThan(8);
    expect(byTrack.size).toBeLessThanOrEqual(16);
  });
});

describe('generate --format tapvid3d', () => {
  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let o = '', e = '';
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((o += String(s)), true));
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((e += String(s)), true));
    try {
      return { code: await main(args), out: o, err: e };
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
  }

  it('runs on a NumPy-written .npz and writes its JPEG frames unchanged', async () => {
    const dir = tmp();
    const r = await run(['generate', '--format', 'tapvid3d', '--scene', join(FIXTURES, 'tiny_object.npz'), '--out', dir, '--per-task', '3', '--tasks', 'object_movement']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/clip tiny_object: 3 frames, 8 tracks/);
    const lines = readJsonl(join(dir, 'qa_train.jsonl')).concat(readJsonl(join(dir, 'qa_eval.jsonl'))) as Sample[];
    expect(new Set(lines.map((s) => s.question_type)).size).toBe(4);
    const npz = await loadTapVid3dNpz(join(FIXTURES, 'tiny_object.npz'));
    const coord = lines.find((s) => s.question_type === 'tapvid3d_total_distance_coord')!;
    const frame = (coord.answer_values.frame_indices as number[])[0];
    expect(new Uint8Array(readFileSync(join(dir, coord.image[0])))).toEqual(npz.images!.encoded!(frame).bytes);
  });

  it('fails with one clear line on a clip without images or a bad option', async () => {
    const dir = tmp();
    let r = await run(['generate', '--format', 'tapvid3d', '--scene', join(FIXTURES, 'tiny_noimages.npz'), '--out', dir, '--image-size', '32x24']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^spatial-geom: error: clip tiny_noimages has no images.*\(ERR_SPATIAL_FORMAT\)\n$/);
    r = await run(['generate', '--format', 'tapvid3d', '--scene', join(FIXTURES, 'tiny_object.npz'), '--out', dir, '--tasks', 'depth']);
    expect(r.err).toMatch(/unknown task 'depth' for a clip/);
    r = await run(['generate', '--format', 'tapvid3d', '--scene', join(FIXTURES, 'tiny_noimages.npz'), '--out', dir, '--image-size', '32by24']);
    expect(r.err).toMatch(/--image-size must be WxH/);
  });
});
