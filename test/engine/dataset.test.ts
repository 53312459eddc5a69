// Scale-out units (lib/engine/dataset.ts, pool.ts and the dataset/merge CLI): content keys, scene
// lists, a stable --shard i/n assignment, atomic shards that are skipped when present, merge with a
// manifest of checksums, and outputs that do not depend on how the work was split.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_TASKS } from '../../lib/engine/tasks/index.js';
import {
  ENGINE_VERSION, type Manifest, mergeShards, parseSceneList, parseShardArg, planUnits, runUnit, type ShardMeta, shardDir, shardUnits, type Unit, writePlan,
} from '../../lib/engine/dataset.js';
import { generateScene } from '../../lib/engine/pipeline.js';
import { runUnits } from '../../lib/engine/pool.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import { ensureBuilt } from '../helpers/processes.js';
import { runCli } from '../helpers/cli.js';
import { sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-dataset-');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const read = (path: string) => readFileSync(path, 'utf8');

/** Tiny synthetic scenes: 8 frames at 160x120, 2 samples per question type, a wide overlap band. */
const SCENE_ARGS = ['--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95'];
const OPTIONS = { perTask: 2, overlapBand: [0.05, 0.95] as [number, number] };

async function tinyUnits(spec: string, extra: Parameters<typeof planUnits>[1] = {}): Promise<Unit[]> {
  return planUnits(await parseSceneList(spec, { syntheticFrames: 8, syntheticSize: [160, 120] }), { options: OPTIONS, ...extra });
}

const run = runCli;

const MERGED = ['qa_train.jsonl', 'qa_eval.jsonl', 'manifest.json', 'plan.json'];
function expectSameMerged(a: string, b: string): void {
  for (const f of MERGED) expect(read(join(b, f)), f).toBe(read(join(a, f)));
}

describe('units and content keys', () => {
  it('one unit per scene (or scene x task), keys stable and naming scene, tasks and seed', async () => {
    const units = await tinyUnits('synthetic:0..2');
    expect(units.map((u) => u.scene.name)).toEqual(['synthetic-0', 'synthetic-1', 'synthetic-2']);
    expect(units.map((u) => u.key)).toEqual((await tinyUnits('synthetic:0..2')).map((u) => u.key));
    for (const u of units) {
      expect(u.key).toMatch(new RegExp(`^${u.scene.name}\\.all\\.s0\\.[0-9a-f]{12}$`));
      expect(u.key).not.toContain(':');
    }
    expect(ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+.*\+o\d+$/);
    // Anything that changes outputs changes the key; the order of the list does not.
    const base = units[0].key;
    expect((await tinyUnits('synthetic:0', { seed: 1 }))[0].key).not.toBe(base);
    expect((await tinyUnits('synthetic:0', { tasks: ['depth'] }))[0].key).toMatch(/^synthetic-0\.depth\.s0\./);
    expect(planUnits(units.map((u) => u.scene), { options: { ...OPTIONS, perTask: 3 } })[0].key).not.toBe(base);
    expect((await planUnits((await parseSceneList('synthetic:0', { syntheticFrames: 9, syntheticSize: [160, 120] })), { options: OPTIONS }))[0].key).not.toBe(base);
    // (Split by room, a scene's side depends on which rooms the list holds, not on their order.)
    const [a, b] = [await tinyUnits('synthetic:0,synthetic:2'), await tinyUnits('synthetic:2,synthetic:0')];
    expect(b[1].key).toBe(a[0].key);
    expect((await tinyUnits('synthetic:2,synthetic:0', { split: { mode: 'samples' } }))[1].key).toBe((await tinyUnits('synthetic:0', { split: { mode: 'samples' } }))[0].key);
    const split = await tinyUnits('synthetic:0..1', { splitTasks: true });
    expect(split.map((u) => u.tasks)).toEqual([...ALL_TASKS.map((t) => [t]), ...ALL_TASKS.map((t) => [t])]);
    expect(new Set(split.map((u) => u.key)).size).toBe(split.length);
  });

  it('scene lists: synthetic ranges, FORMAT:PATH, folders of scenes, @files; bad entries name --scenes', async () => {
    const root = tmp();
    for (const s of ['b_scene', 'a_scene']) mkdirSync(join(root, 'scans', s, 'depth'), { recursive: true });
    mkdirSync(join(root, 'scans', 'notes'));
    const dirList = await parseSceneList(`scannet:${join(root, 'scans')}`);
    expect(dirList.map((s) => s.name)).toEqual(['a_scene', 'b_scene']);
    expect(dirList[0].source).toEqual({ kind: 'path', path: join(root, 'scans', 'a_scene'), format: 'scannet' });
    expect((await parseSceneList(join(root, 'scans', 'b_scene'), { format: 'scannet' })).map((s) => s.name)).toEqual(['b_scene']);
    writeFileSync(join(root, 'list.txt'), `# scenes\nsynthetic:3\n\nsynthetic:5..6  # two more\n`);
    expect((await parseSceneList(`@${join(root, 'list.txt')}`)).map((s) => s.name)).toEqual(['synthetic-3', 'synthetic-5', 'synthetic-6']);
    const bad = async (spec: string, code: string, msg: RegExp) => {
      const e = await parseSceneList(spec).catch((x) => x);
      expect(e.code, spec).toBe(code);
      expect(e.message, spec).toMatch(msg);
    };
    await bad('synthetic:5..2', 'ERR_SPATIAL_FORMAT', /--scenes: synthetic range/);
    await bad('synthetic:x', 'ERR_SPATIAL_FORMAT', /--scenes: unknown scene 'synthetic:x'/);
    await bad('kitchen', 'ERR_SPATIAL_FORMAT', /--scenes: unknown scene 'kitchen'.*--format/);
    await bad(`tum:${join(root, 'nowhere')}`, 'ERR_SPATIAL_IO', /--scenes: unknown scene .*does not exist/);
    await bad(`tum:${join(root, 'scans')}`, 'ERR_SPATIAL_IO', /is not a tum scene/);
    await bad('synthetic:1,synthetic:0..2', 'ERR_SPATIAL_FORMAT', /scene name 'synthetic-1' appears twice/);
    await bad(`@${join(root, 'missing.txt')}`, 'ERR_SPATIAL_IO', /cannot read --scenes: the scene list/i);
  });

  it('--shard i/n: every unit in exactly one shard, balanced, the same every time', async () => {
    const units = await tinyUnits('synthetic:0..9');
    for (let n = 1; n <= 7; n++) {
      const shards = Array.from({ length: n }, (_, i) => shardUnits(units, i, n).map((u) => u.key));
      expect(shards.flat().sort()).toEqual(units.map((u) => u.key).sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(shards).toEqual(Array.from({ length: n }, (_, i) => shardUnits(units, i, n).map((u) => u.key)));
    }
    expect(parseShardArg('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/2', '2/2', '1/0', 'a/b', '-1/2', '1'])
      expect(() => parseShardArg(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining(`--shard must be i/n with 0 <= i < n (got ${bad})`) }));
  });
});

describe('shards and merge', () => {
  let units: Unit[];
  let out: string;
  beforeAll(async () => {
    units = await tinyUnits('synthetic:0..2');
    out = tmp();
    await writePlan(out, units);
    await runUnits(units, out);
  }, 60_000);

  it('a unit writes one self-contained shard with checksums; done again it is skipped, elsewhere it writes the same bytes', async () => {
    const dir = shardDir(out, units[0].key);
    const meta = JSON.parse(read(join(dir, 'shard.json'))) as ShardMeta;
    expect(meta).toMatchObject({ key: units[0].key, engine: ENGINE_VERSION, scene: 'synthetic-0', seed: 0, tasks: ALL_TASKS });
    expect(Object.keys(meta.files)).toEqual(expect.arrayContaining(['qa_train.jsonl', 'qa_eval.jsonl', 'overlap.png', 'stats.json']));
    for (const [f, h] of Object.entries(meta.files)) expect(sha256(join(dir, f)), f).toBe(h);
    for (const line of read(join(dir, 'qa_train.jsonl')).trim().split('\n'))
      for (const img of JSON.parse(line).image) expect(existsSync(join(dir, img)), img).toBe(true);
    expect(await runUnit(units[0], out)).toEqual({ key: units[0].key, status: 'skipped' });
    // The same unit twice at once into a fresh directory: one generates, the other finds it done.
    const other = tmp();
    const both = await Promise.all([runUnit(units[0], other), runUnit(units[0], other)]);
    expect(both.map((r) => r.status).sort()).toEqual(['done', 'skipped']);
    expect(readdirSync(join(other, 'shards'))).toEqual([units[0].key]);
    expect(read(join(shardDir(other, units[0].key), 'shard.json'))).toBe(read(join(dir, 'shard.json')));
  });

  it('the shard holds what generateScene writes for that scene and seed', async () => {
    const ref = tmp();
    await generateScene(synthesizeScene({ seed: 1, frames: 8, width: 160, height: 120 }), { outDir: ref, seed: 0, ...OPTIONS, sceneSplit: units[1].options.sceneSplit });
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl', 'stats.json', 'overlap.png']) expect(sha256(join(shardDir(out, units[1].key), f)), f).toBe(sha256(join(ref, f)));
  });

  it('merge concatenates shards in plan order, points image paths into the shards, and writes counts and checksums', async () => {
    mkdirSync(join(out, 'shards', `.tmp-${units[1].key}-abandoned`, 'images'), { recursive: true });
    writeFileSync(join(out, 'shards', `.tmp-${units[1].key}-abandoned`, 'qa_train.jsonl'), '{"partial":');
    const m: Manifest = await mergeShards(out);
    expect(JSON.parse(read(join(out, 'manifest.json')))).toEqual(m);
    const train = read(join(out, 'qa_train.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    const evalLines = read(join(out, 'qa_eval.jsonl')).trim().split('\n');
    expect(m.splits['qa_train.jsonl']).toEqual({ samples: train.length, sha256: sha256(join(out, 'qa_train.jsonl')) });
    expect(m.splits['qa_eval.jsonl']).toEqual({ samples: evalLines.length, sha256: sha256(join(out, 'qa_eval.jsonl')) });
    expect(m.shards.map((s) => s.key)).toEqual(units.map((u) => u.key));
    expect(m.shards.reduce((s, x) => s + x.train, 0)).toBe(train.length);
    expect(Object.values(m.samples).reduce((a, b) => a + b, 0)).toBe(train.length + evalLines.length);
    for (const s of m.shards) expect(s.sha256).toBe(sha256(join(shardDir(out, s.key), 'shard.json')));
    expect(train.map((s) => s.scene)).toEqual([...train.map((s) => s.scene)].sort());
    for (const s of train) for (const img of s.image) {
      expect(img).toMatch(/^shards\/synthetic-\d\.all\.s0\.[0-9a-f]{12}\/images\//);
      expect(existsSync(join(out, img)), img).toBe(true);
    }
    // Lines are the shard's lines, with only the image paths rebased.
    const first = JSON.parse(read(join(shardDir(out, units[0].key), 'qa_train.jsonl')).split('\n')[0]);
    expect(train[0]).toEqual({ ...first, image: first.image.map((p: string) => `shards/${units[0].key}/${p}`) });
  });

  it('merge refuses a missing unit and a shard whose files do not match their checksums', async () => {
    const copy = tmp();
    await writePlan(copy, units);
    await runUnits(units.slice(0, 2), copy);
    await expect(mergeShards(copy)).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: expect.stringMatching(/1 of 3 units are not done yet \(synthetic-2/) });
    await runUnits(units, copy);
    writeFileSync(join(shardDir(copy, units[2].key), 'qa_eval.jsonl'), '{}\n');
    await expect(mergeShards(copy)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/qa_eval\.jsonl does not match the sha256/) });
    expect(existsSync(join(copy, 'qa_train.jsonl'))).toBe(false);
  });

  it('a resumed run redoes only the missing unit and merges to the same bytes', async () => {
    await mergeShards(out);
    const before = Object.fromEntries(MERGED.map((f) => [f, read(join(out, f))]));
    rmSync(shardDir(out, units[2].key), { recursive: true });
    const again = await runUnits(units, out);
    expect(again.map((r) => r.status)).toEqual(['skipped', 'skipped', 'done']);
    await mergeShards(out);
    for (const f of MERGED) expect(read(join(out, f)), f).toBe(before[f]);
  });
});

describe('spatial-geom dataset / merge', () => {
  beforeAll(() => ensureBuilt(), 120_000); // worker threads run the compiled dist/engine/unit-thread.js

  it('one process, 2 worker threads and 3 --shard i/3 runs + merge give byte-identical outputs', async () => {
    const one = tmp(), threads = tmp(), sharded = tmp();
    const args = ['dataset', '--scenes', 'synthetic:0..2', ...SCENE_ARGS];
    const r1 = await run([...args, '--out', one]);
    expect(r1.code, r1.err).toBe(0);
    expect(r1.out).toMatch(/3 of 3 units: 3 generated, 0 already done/);
    expect(r1.out).toMatch(/merged 3 units/);
    const r2 = await run([...args, '--out', threads, '--workers', '2']);
    expect(r2.code, r2.err).toBe(0);
    expectSameMerged(one, threads);
    for (let i = 0; i < 3; i++) {
      const r = await run([...args, '--out', sharded, '--shard', `${i}/3`]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`shard ${i}/3: 1 of 3 units`));
      expect(existsSync(join(sharded, 'manifest.json'))).toBe(false);
    }
    const m = await run(['merge', '--out', sharded]);
    expect(m.code, m.err).toBe(0);
    expectSameMerged(one, sharded);
    const again = await run([...args, '--out', one]);
    expect(again.out).toMatch(/3 of 3 units: 0 generated, 3 already done/);
  }, 120_000);

  it('a real scene: merged image paths (frames stay in the dataset, prompts in the shard) resolve from the output directory', async () => {
    const holo = sample('hololens-scannet');
    if (!holo.present) return;
    const out = tmp();
    const r = await run(['dataset', '--scenes', `scannet:${holo.dir}`, '--frame-step', '10', '--per-task', '2', '--overlap', '0.02,0.9', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const images = read(join(out, 'qa_train.jsonl')).trim().split('\n').flatMap((l) => JSON.parse(l).image as string[]);
    expect(images.some((p) => p.startsWith('shards/hololens-scannet.all.s0.'))).toBe(true);
    expect(images.some((p) => p.startsWith('..'))).toBe(true);
    for (const p of images) expect(existsSync(join(out, p)), p).toBe(true);
  }, 60_000);

  it('bad arguments: one line naming the argument, exit 2 for a bad command line and 1 for bad data', async () => {
    const out = tmp();
    const cases: [string[], number, RegExp][] = [
      [['dataset', '--scenes', 'synthetic:0', '--out', out, '--shard', '3/2'], 2, /--shard must be i\/n with 0 <= i < n \(got 3\/2\) \(ERR_SPATIAL_USAGE\)/],
      [['dataset', '--scenes', 'bogus', '--out', out], 1, /--scenes: unknown scene 'bogus'/],
      [['dataset', '--scenes', 'synthetic:0', '--out', out, '--synthetic-size', '160'], 2, /--synthetic-size must be WxH/],
      [['dataset', '--scenes', 'synthetic:0', '--out', out, '--workers', '0'], 2, /--workers must be an integer >= 1/],
      [['dataset', '--out', out], 2, /--scenes LIST .*is required/],
      [['merge', '--out', out], 1, /cannot read .*plan\.json .*\(ERR_SPATIAL_IO\)/],
      [['queue', 'submit', '--redis', 'http://127.0.0.1:1', '--scenes', 'synthetic:0', '--out', out], 1, /--redis must use redis:\/\/ or rediss:\/\/ \(got http:\/\/127\.0\.0\.1:1\)/],
      [['queue', 'submit', '--redis', 'redis://127.0.0.1:6379/x', '--scenes', 'synthetic:0', '--out', out], 1, /--redis database must be a number/],
      [['worker', '--redis', 'not a url'], 1, /--redis must be a URL/],
      [['queue', 'purge'], 2, /unknown command 'purge'/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(msg);
    }
  });
});
