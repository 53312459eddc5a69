// Issue 16, section 5: dynamic clips as dataset units (tapvid3d:FILE or a folder of .npz in
// --scenes, through the same shards, merge and queue specs as scenes), per-scene shortfalls in the
// dataset summary and manifest.json, and `generate` on a scene whose band holds no pair saying which
// band, the scene's overlap range and an --overlap that works.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkUnitSpec, type Manifest, parseSceneList, planUnits } from '../../lib/engine/dataset.js';
import { ALL_CLIP_TASKS, ALL_TASKS } from '../../lib/engine/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-gaps-');
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tapvid3d');
const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function clipFolder(): string {
  const dir = join(tmp(), 'clips');
  mkdirSync(dir);
  for (const f of ['tiny_fixed.npz', 'tiny_object.npz']) copyFileSync(join(FIXTURES, f), join(dir, f));
  return dir;
}

describe('dynamic clips as dataset units', () => {
  it('tapvid3d:DIR stands for its .npz files, tapvid3d:FILE for one; clip units take the clip tasks; specs survive the queue check', async () => {
    const dir = clipFolder();
    const scenes = await parseSceneList(`tapvid3d:${dir},synthetic:0,tapvid3d:${join(FIXTURES, 'tiny_noimages.npz')}`, { syntheticFrames: 4, syntheticSize: [64, 48] });
    expect(scenes.map((s) => s.name)).toEqual(['tiny_fixed', 'tiny_object', 'synthetic-0', 'tiny_noimages']);
    const units = planUnits(scenes, { split: { mode: 'samples' } });
    expect(units.map((u) => u.tasks)).toEqual([ALL_CLIP_TASKS, ALL_CLIP_TASKS, ALL_TASKS, ALL_CLIP_TASKS]);
    expect(units[0].key).toMatch(/^tiny_fixed\.all\.s0\./);
    // --tasks names both kinds: each unit takes its own; per task family with --split-tasks.
    const mixed = planUnits(scenes, { tasks: ['object_movement', 'depth'], splitTasks: true, split: { mode: 'samples' } });
    expect(mixed.map((u) => `${u.scene.name}:${u.tasks}`)).toEqual(['tiny_fixed:object_movement', 'tiny_object:object_movement', 'synthetic-0:depth', 'tiny_noimages:object_movement']);
    expect(() => planUnits(scenes.slice(0, 2), { tasks: ['depth'] })).toThrow(/none of depth applies/);
    // A queue job carries the spec as JSON: it checks and keeps its key.
    for (const u of units) expect(checkUnitSpec(JSON.parse(JSON.stringify(u))).key).toBe(u.key);
    expect(() => checkUnitSpec({ ...JSON.parse(JSON.stringify(units[0])), scene: { ...units[0].scene, source: { ...units[0].scene.source, format: 'mp4' } } })).toThrow(/format must be one of/);
    // Camera augmentation and the room side travel in a job's options, checked field by field.
    const augmented = planUnits(scenes, { options: { cameraAugment: { scale: [0.7, 1.3], crop: [0.8, 1] } }, split: { mode: 'rooms', evalFraction: 0.5 } });
    for (const u of augmented) expect(checkUnitSpec(JSON.parse(JSON.stringify(u))).key).toBe(u.key);
    expect(new Set(augmented.map((u) => u.key)).size).toBe(augmented.length);
    expect(augmented[0].key).not.toBe(planUnits(scenes, { split: { mode: 'rooms', evalFraction: 0.5 } })[0].key);
    const bad = JSON.parse(JSON.stringify(augmented[0]));
    bad.options.cameraAugment = { scale: [1.3, 0.7] };
    expect(() => checkUnitSpec(bad)).toThrow(/cameraAugment\.scale/);
    bad.options.cameraAugment = { rotate: 5 };
    expect(() => checkUnitSpec(bad)).toThrow(/unexpected field "rotate"/);
    await expect(parseSceneList(`tapvid3d:${join(FIXTURES, 'make_fixtures.py')}`)).rejects.toThrow(/must be a .npz or .json file/);
    await expect(parseSceneList(`tapvid3d:${tmp()}`)).rejects.toThrow(/holds no .npz clip/);
  });

  describe('a dataset of clips and scenes', () => {
    let out = '';
    let stdout = '';
    beforeAll(async () => {
      out = tmp();
      const r = await runCli(['dataset', '--scenes', `tapvid3d:${clipFolder()},synthetic:0..1`, '--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '3',
        '--overlap', '0.05,0.95', '--out', out, '--split', 'samples', '--eval-fraction', '0.2']);
      expect(r.code, r.err).toBe(0);
      stdout = r.out;
    }, 300_000);

    it('merges clip samples (object movement, with their cameras) beside scene samples', () => {
      const all = [...readJsonl(join(out, 'qa_train.jsonl')), ...readJsonl(join(out, 'qa_eval.jsonl'))];
      const clipSamples = all.filter((s) => s.question_type.startsWith('tapvid3d_'));
      expect(new Set(clipSamples.map((s) => s.scene))).toEqual(new Set(['tiny_fixed', 'tiny_object']));
      for (const s of clipSamples) {
        expect(s.intrinsics_list.length).toBe(s.image.length);
        expect(s.image.every((p: string) => p.startsWith('shards/tiny_'))).toBe(true);
      }
      expect(all.some((s) => s.scene === 'synthetic-0' && s.question_type === 'depth_estimation_coor')).toBe(true);
    });

    it('records each scene\'s shortfall (made / wanted per question type) in manifest.json and prints it', () => {
      const m: Manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      const shortfalls = m.shortfalls!;
      // The fixture clips have no camera poses: no camera question, all 9 types short.
      for (const clip of ['tiny_fixed', 'tiny_object']) {
        expect(shortfalls[clip].x_movement).toEqual({ made: 0, wanted: 3 });
        expect(Object.keys(shortfalls[clip]).length).toBe(9);
      }
      for (const [scene, types] of Object.entries(shortfalls))
        for (const [type, v] of Object.entries(types)) {
          expect(v.made, `${scene} ${type}`).toBeLessThan(v.wanted);
          const shard = m.shards.find((x) => x.scene === scene)!;
          const meta = JSON.parse(readFileSync(join(out, 'shards', shard.key, 'shard.json'), 'utf8'));
          expect(meta.samples[type] ?? 0, `${scene} ${type}`).toBe(v.made);
        }
      expect(stdout).toContain(`per-scene shortfalls (${Object.keys(shortfalls).length} of 4 scenes`);
      expect(stdout).toContain('tiny_fixed: x_movement 0/3');
    });
  });
});

describe('generate when the overlap band holds no pair', () => {
  it('names the band and the scene\'s overlap range, and the --overlap it suggests selects pairs', async () => {
    const dir = tmp();
    const { writeSyntheticManifest } = await import('../helpers/scene-files.js');
    const scene = await writeSyntheticManifest(join(dir, 'scene'), { seed: 1, frames: 8, width: 160, height: 120 });
    const first = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', join(dir, 'a'), '--per-task', '2', '--tasks', 'camera', '--overlap', '0.99,1']);
    expect(first.code, first.err).toBe(0);
    const m = /no frame pair has an overlap in the band \[0\.99, 1\.00\]; this scene's (\d+) overlapping pairs have overlaps from ([\d.]+) to ([\d.]+): try --overlap ([\d.]+,[\d.]+); camera and correspondence questions were not generated/.exec(first.err);
    expect(m, first.err).not.toBeNull();
    const stats = JSON.parse(readFileSync(join(dir, 'a', 'stats.json'), 'utf8'));
    expect(Number(m![1])).toBe(stats.overlapRange.pairs);
    expect(Number(m![3])).toBeLessThan(0.99);
    const second = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', join(dir, 'b'), '--per-task', '2', '--tasks', 'camera', '--overlap', m![4]]);
    expect(second.code, second.err).toBe(0);
    expect(second.err).not.toContain('no frame pair');
    expect(JSON.parse(readFileSync(join(dir, 'b', 'stats.json'), 'utf8')).pairSelection.selected).toBe(stats.overlapRange.pairs);
  }, 120_000);
});
