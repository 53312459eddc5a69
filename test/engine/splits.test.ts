// Leak-free splits (issue 16, section 1): rooms from ScanNet scan names, seeded room draws and
// named eval lists, exactly N eval samples per question type spread evenly over eval rooms, and a
// `dataset` over a folder of ScanNet-style scans whose train and eval rooms are disjoint, with the
// per-type counts and shortfalls in manifest.json and on stdout.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Manifest, type Plan, parseSceneList, planUnits, planSplit } from '../../lib/engine/dataset.js';
import { type EvalCandidate, pickEvalPerType, roomOf, splitRooms } from '../../lib/engine/splits.js';
import { runCli } from '../helpers/cli.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-splits-');
const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('rooms', () => {
  it('a ScanNet scan belongs to the room without its _NN suffix; other names are their own room', () => {
    expect(roomOf('scene0000_00')).toBe('scene0000');
    expect(roomOf('scene0000_01')).toBe('scene0000');
    expect(roomOf('scene0707_00')).toBe('scene0707');
    for (const name of ['synthetic-3', 'office_01', 'scene0000', 'redwood-tum', 'scene0000_00_extra']) expect(roomOf(name)).toBe(name);
  });

  it('a seeded fraction of rooms goes to eval, every scan of a room on the same side, the same for any list order', () => {
    const scans = Array.from({ length: 40 }, (_, r) => Array.from({ length: 1 + (r % 3) }, (_, k) => `scene${String(r).padStart(4, '0')}_0${k}`)).flat();
    const a = splitRooms(scans, { evalFraction: 0.25, seed: 7 });
    expect(a.eval.length).toBe(10);
    expect(a.train.length).toBe(30);
    expect(a.train.filter((r) => a.eval.includes(r))).toEqual([]);
    expect(splitRooms(scans.slice().reverse(), { evalFraction: 0.25, seed: 7 })).toEqual(a);
    expect(splitRooms(scans, { evalFraction: 0.25, seed: 8 }).eval).not.toEqual(a.eval);
    // At least one eval room for a small fraction, at least one train room for a large one.
    expect(splitRooms(['a', 'b', 'c'], { evalFraction: 0.01 }).eval.length).toBe(1);
    expect(splitRooms(['a', 'b', 'c'], { evalFraction: 0.99 }).train.length).toBe(1);
    expect(splitRooms(['a', 'b', 'c'], { evalFraction: 0 }).eval).toEqual([]);
  });

  it('a named eval list takes scan or room names (ScanNet val lists as they are); errors name the flag', () => {
    const scans = ['scene0000_00', 'scene0000_01', 'scene0001_00', 'scene0002_00'];
    expect(splitRooms(scans, { evalScenes: ['scene0000_01', 'scene0999_00'] })).toEqual({ train: ['scene0001', 'scene0002'], eval: ['scene0000'] });
    expect(() => splitRooms(scans, { evalScenes: ['scene0999_00'] })).toThrow(/--eval-scenes names none/);
    expect(() => splitRooms(scans, { evalScenes: ['scene0000_00'], evalFraction: 0.5 })).toThrow(/exclusive/);
    expect(() => splitRooms(scans, { evalFraction: 1.5 })).toThrow(/--eval-fraction/);
  });

  it('planned units carry their side; --split samples keeps the within-scene split', async () => {
    const scenes = await parseSceneList('synthetic:0..9', { syntheticFrames: 4, syntheticSize: [64, 48] });
    const units = planUnits(scenes, { seed: 1, split: { mode: 'rooms', evalFraction: 0.3, evalPerType: 20 }, options: { perTask: 5 } });
    const split = planSplit(units, 20);
    expect(split.eval_rooms.length).toBe(3);
    for (const u of units) {
      const side = split.eval_rooms.includes(u.scene.name) ? 'eval' : 'train';
      expect(u.options.sceneSplit).toBe(side);
      // Eval rooms generate enough candidates for 20 per type over 3 rooms: ceil(2 * 20 / 3) = 14.
      expect(u.options.perTask).toBe(side === 'eval' ? 14 : 5);
    }
    const samples = planUnits(scenes, { split: { mode: 'samples', evalFraction: 0.2 } });
    expect(samples.every((u) => u.options.sceneSplit === undefined && u.options.evalFraction === 0.2)).toBe(true);
    expect(planSplit(samples).mode).toBe('samples');
    expect(() => planSplit(samples, 5)).toThrow(/--eval-per-type needs the split by room/);
  });
});

describe('exactly N per question type, spread evenly over rooms', () => {
  const cands = (room: string, scene: string, n: number): EvalCandidate[] => Array.from({ length: n }, (_, i) => ({ room, scene, line: `${scene}#${i}` }));

  it('least-covered rooms first: counts per room differ by at most one unless a room runs out', () => {
    const byType = new Map([
      ['a', [...cands('r1', 'r1_00', 10), ...cands('r2', 'r2_00', 10), ...cands('r3', 'r3_00', 10)]],
      ['b', [...cands('r1', 'r1_00', 1), ...cands('r2', 'r2_00', 10), ...cands('r3', 'r3_00', 10)]],
      ['c', [...cands('r1', 'r1_00', 2)]],
    ]);
    const { picked, counts, shortfall } = pickEvalPerType(byType, 7, ['a', 'b', 'c', 'd']);
    expect(counts).toEqual({ a: 7, b: 7, c: 2, d: 0 });
    expect(shortfall).toEqual({ c: 5, d: 7 });
    const perRoom = (type: string) => ['r1', 'r2', 'r3'].map((r) => picked.get(type)!.filter((c) => c.room === r).length);
    expect(perRoom('a')).toEqual([3, 2, 2]);
    expect(perRoom('b')).toEqual([1, 3, 3]);
    // Deterministic, and the scans of one room take turns.
    expect(pickEvalPerType(byType, 7, ['a', 'b', 'c', 'd']).picked).toEqual(picked);
    const twoScans = new Map([['a', [...cands('r1', 'r1_00', 5), ...cands('r1', 'r1_01', 5)]]]);
    expect(pickEvalPerType(twoScans, 4).picked.get('a')!.map((c) => c.line)).toEqual(['r1_00#0', 'r1_00#1', 'r1_01#0', 'r1_01#1']);
  });
});

describe('dataset over a folder of ScanNet-style scans', () => {
  const SCANS = ['scene0000_00', 'scene0000_01', 'scene0001_00', 'scene0002_00', 'scene0002_01', 'scene0003_00', 'scene0004_00'];
  let scans = '';
  let out = '';
  let stdout = '';
  const N = 6;

  beforeAll(async () => {
    scans = tmp();
    for (const [i, name] of SCANS.entries()) {
      const file = await writeSyntheticManifest(join(scans, name), { seed: i, frames: 8, width: 160, height: 120 });
      // Samples name their scene by its id: a ScanNet scan's id is its folder name.
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), id: name }));
    }
    out = tmp();
    const r = await runCli(['dataset', '--scenes', `manifest:${scans}`, '--out', out, '--eval-fraction', '0.4', '--eval-per-type', String(N), '--per-task', '2',
      '--overlap', '0.05,0.95', '--seed', '3']);
    expect(r.code, r.err).toBe(0);
    stdout = r.out;
  }, 600_000);

  it('puts whole rooms on each side: train and eval rooms are disjoint and the manifest lists them', () => {
    const manifest: Manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const split = manifest.split!;
    expect(split.mode).toBe('rooms');
    expect(split.eval_rooms.length).toBe(2); // round(0.4 * 5 rooms)
    expect(split.train_rooms.length).toBe(3);
    expect(split.train_rooms.filter((r) => split.eval_rooms.includes(r))).toEqual([]);
    const plan: Plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(plan.split).toEqual({ mode: 'rooms', train_rooms: split.train_rooms, eval_rooms: split.eval_rooms, eval_per_type: N });
    const train = readJsonl(join(out, 'qa_train.jsonl')), evalLines = readJsonl(join(out, 'qa_eval.jsonl'));
    expect(train.length).toBeGreaterThan(0);
    for (const s of train) expect(split.train_rooms, s.scene).toContain(roomOf(s.scene));
    for (const s of evalLines) expect(split.eval_rooms, s.scene).toContain(roomOf(s.scene));
    // Both scans of a room that has two are on the same side.
    for (const room of ['scene0000', 'scene0002']) {
      const sides = new Set([...train.map((s) => [s, 'train'] as const), ...evalLines.map((s) => [s, 'eval'] as const)].filter(([s]) => roomOf(s.scene) === room).map(([, side]) => side));
      expect(sides.size, room).toBe(1);
    }
    expect(stdout).toMatch(/split by room: 3 train rooms, 2 eval rooms/);
  });

  it(`eval holds exactly ${N} per question type where the eval rooms have them, and the shortfall of the others is recorded and printed`, () => {
    const manifest: Manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const evalLines = readJsonl(join(out, 'qa_eval.jsonl'));
    const counts: Record<string, number> = {};
    for (const s of evalLines) counts[s.question_type] = (counts[s.question_type] ?? 0) + 1;
    const split = manifest.split!;
    expect(manifest.splits['qa_eval.jsonl'].samples).toBe(evalLines.length);
    for (const type of Object.keys(manifest.samples)) {
      expect(split.eval_samples[type] ?? 0, type).toBe(counts[type] ?? 0);
      expect((counts[type] ?? 0) + (split.eval_shortfall?.[type] ?? 0), type).toBe(N);
    }
    expect(Object.values(counts).filter((n) => n === N).length).toBeGreaterThanOrEqual(8);
    for (const [type, missing] of Object.entries(split.eval_shortfall ?? {})) expect(stdout).toContain(`shortfall: ${type} has ${N - missing} of ${N}`);
    // Spread over the two eval rooms: where both have enough, each gives N / 2.
    for (const [type, n] of Object.entries(counts)) {
      const perRoom = split.eval_rooms.map((r) => evalLines.filter((s) => s.question_type === type && roomOf(s.scene) === r).length);
      expect(Math.max(...perRoom) - Math.min(...perRoom) <= 1 || perRoom.includes(0) || n < N, `${type}: ${perRoom}`).toBe(true);
    }
  });

  it('the per-type eval files hold the same picked samples as qa_eval.jsonl, in the same order', () => {
    const evalIds = readJsonl(join(out, 'qa_eval.jsonl')).map((s) => s.id as string);
    const byType = readdirSync(join(out, 'by_type')).flatMap((type) => {
      const file = join(out, 'by_type', type, 'eval.jsonl');
      return existsSync(file) ? readJsonl(file).map((s) => ({ id: s.id as string, type: s.question_type as string, dir: type })) : [];
    });
    expect(byType.every((r) => r.type === r.dir)).toBe(true);
    expect(byType.map((r) => r.id).sort()).toEqual([...evalIds].sort());
    for (const type of new Set(byType.map((r) => r.type)))
      expect(byType.filter((r) => r.type === type).map((r) => r.id)).toEqual(evalIds.filter((id) => id.split(':')[1] === type));
  });

  it('a named eval list (ScanNet val-list file) gives the same eval rooms on every run', async () => {
    const list = join(tmp(), 'val.txt');
    writeFileSync(list, '# ScanNet val\nscene0002_00\nscene0003_00\nscene0999_00\n');
    const o = tmp();
    const r = await runCli(['dataset', '--scenes', `manifest:${scans}`, '--out', o, '--eval-scenes', `@${list}`, '--per-task', '1', '--tasks', 'depth', '--no-merge']);
    expect(r.code, r.err).toBe(0);
    const plan: Plan = JSON.parse(readFileSync(join(o, 'plan.json'), 'utf8'));
    expect(plan.split).toEqual({ mode: 'rooms', train_rooms: ['scene0000', 'scene0001', 'scene0004'], eval_rooms: ['scene0002', 'scene0003'] });
  }, 300_000);
});
