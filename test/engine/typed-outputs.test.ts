// Outputs a Python trainer loads without a schema (issue 17, item 2): per-question-type JSONL files
// in which every key path has one JSON type, the dataset card that lists them, and image paths
// that survive a move (--copy-images / --link-images, --single-image-as-string).
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/cli.js';
import { sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-typed-');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/** The JSON type of a value as Arrow's inference sees it (numbers are one type: int64 widens to double). */
function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v;
}

/** Key path (`a.b[]`) -> the JSON types seen there, nulls left out, over all rows. */
function typesByPath(rows: unknown[]): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  const walk = (v: unknown, path: string) => {
    const t = jsonType(v);
    if (t !== 'null') {
      if (!seen.has(path)) seen.set(path, new Set());
      seen.get(path)!.add(t);
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x, `${path}[]`));
    else if (t === 'object') for (const [k, x] of Object.entries(v as object)) walk(x, path ? `${path}.${k}` : k);
  };
  rows.forEach((r) => walk(r, ''));
  return seen;
}

/** Key paths with more than one JSON type (empty when the rows have one Arrow schema). */
function mixedPaths(rows: unknown[]): string[] {
  return [...typesByPath(rows)].filter(([, t]) => t.size > 1).map(([p, t]) => `${p}: ${[...t].join('/')}`);
}

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith(ext)).map((d) => join(d.parentPath, d.name)).sort();
}

/** Checks one generate (or merged) output: typed files, their agreement with the merged splits, and the card. */
function checkTypedOutput(out: string): Map<string, Record<string, unknown>[]> {
  const byType = join(out, 'by_type');
  const typedFiles = filesUnder(byType, '.jsonl');
  expect(typedFiles.length).toBeGreaterThan(0);
  const rowsByType = new Map<string, Record<string, unknown>[]>();
  for (const f of typedFiles) {
    const rows = lines(f);
    expect(rows.length, f).toBeGreaterThan(0);
    expect(mixedPaths(rows), f).toEqual([]);
    const type = f.split('/').at(-2)!;
    expect(new Set(rows.map((r) => r.question_type)), f).toEqual(new Set([type]));
    for (const r of rows) expect(Array.isArray(r.image), `${f}: image is a list`).toBe(true);
    rowsByType.set(type, [...(rowsByType.get(type) ?? []), ...rows]);
    // Both splits of a config have the same columns (HF requires it): the train form.
    for (const r of rows) expect(Object.keys(r), f).toContain('conversations');
  }
  // The per-type files hold exactly the samples of the merged splits, split by split.
  for (const split of ['train', 'eval'] as const) {
    const merged = lines(join(out, `qa_${split}.jsonl`));
    const typed = typedFiles.filter((f) => f.endsWith(`/${split}.jsonl`)).flatMap(lines);
    expect(typed.map((r) => r.id).sort(), split).toEqual(merged.map((r) => r.id).sort());
  }
  // The card: dataset_info.json and the README front matter name every file with its row count.
  const info = JSON.parse(readFileSync(join(out, 'dataset_info.json'), 'utf8')) as Record<string, { config_name: string; features: Record<string, unknown>; splits: Record<string, { num_examples: number }> }>;
  expect(Object.keys(info).sort()).toEqual([...rowsByType.keys()].sort());
  const readme = readFileSync(join(out, 'README.md'), 'utf8');
  const front = /^---\n([\s\S]*?)\n---\n/.exec(readme);
  expect(front, 'README.md starts with YAML front matter').not.toBeNull();
  const card = YAML.parse(front![1]) as { configs: { config_name: string; data_files: { split: string; path: string }[] }[]; dataset_info: { config_name: string; features: { name: string }[]; splits: { name: string; num_examples: number }[] }[] };
  expect(card.configs.map((c) => c.config_name)).toEqual(Object.keys(info));
  for (const c of card.configs) {
    for (const df of c.data_files) {
      const rows = lines(join(out, df.path));
      expect(info[c.config_name].splits[df.split].num_examples, df.path).toBe(rows.length);
    }
    const features = card.dataset_info.find((d) => d.config_name === c.config_name)!.features.map((f) => f.name);
    const keys = new Set(rowsByType.get(c.config_name)!.flatMap((r) => Object.keys(r)));
    expect(new Set(features), c.config_name).toEqual(keys);
    expect(new Set(Object.keys(info[c.config_name].features))).toEqual(keys);
  }
  expect(readme).toContain('relative to this folder');
  return rowsByType;
}

describe('one JSON type per key path', () => {
  let demo: string;
  beforeAll(async () => {
    demo = join(tmp(), 'demo');
    const r = await runCli(['demo', '--out', demo]);
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  it('the demo output (static and dynamic): per-type files, their card, and types that agree across both engines', () => {
    // Why the per-type files exist: the merged split mixes types (gt_value is a number, word or list).
    expect(mixedPaths(lines(join(demo, 'qa_train.jsonl')))).toContain('gt_value: number/string/list');
    const staticRows = checkTypedOutput(demo);
    const dynamicRows = checkTypedOutput(join(demo, 'dynamic'));
    // A question type that both engines write (camera movement) keeps one type per key path when
    // their files are put together, as a dataset of static and dynamic samples would.
    const shared = [...staticRows.keys()].filter((t) => dynamicRows.has(t));
    expect(shared.length).toBeGreaterThan(0);
    for (const t of shared) expect(mixedPaths([...staticRows.get(t)!, ...dynamicRows.get(t)!]), t).toEqual([]);
  });

  it('a merged dataset: per-type files over every shard, images resolving inside OUT; --single-image-as-string on merge', async () => {
    const out = join(tmp(), 'ds');
    const r = await runCli(['dataset', '--scenes', 'synthetic:0..1', '--out', out, '--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95']);
    expect(r.code, r.err).toBe(0);
    const rows = checkTypedOutput(out);
    const all = [...rows.values()].flat();
    expect(new Set(all.map((x) => x.scene))).toEqual(new Set(['synthetic-0', 'synthetic-1']));
    for (const x of all) for (const p of x.image as string[]) expect(existsSync(join(out, p)), p).toBe(true);
    for (const f of filesUnder(join(out, 'shards'), '.jsonl').filter((f) => f.includes('/by_type/'))) expect(mixedPaths(lines(f)), f).toEqual([]);

    const before = lines(join(out, 'qa_train.jsonl'));
    const m = await runCli(['merge', '--out', out, '--single-image-as-string']);
    expect(m.code, m.err).toBe(0);
    const after = lines(join(out, 'qa_train.jsonl'));
    expect(after.map((x) => x.id)).toEqual(before.map((x) => x.id));
    after.forEach((x, i) => {
      const images = before[i].image as string[];
      expect(x.image).toEqual(images.length === 1 ? images[0] : images);
    });
    expect(after.some((x) => typeof x.image === 'string') && after.some((x) => Array.isArray(x.image))).toBe(true);
    checkTypedOutput(out); // per-type files keep lists
  }, 120_000);
});

describe('image paths that survive a move', () => {
  const holo = sample('hololens-scannet');
  const generate = (out: string, ...flags: string[]) =>
    runCli(['generate', '--scene', holo.dir, '--format', 'scannet', '--out', out, '--tasks', 'depth', '--per-task', '3', ...flags]);

  it.skipIf(!holo.present)('--copy-images: frames copied under OUT/images/<scene>/, every path relative to OUT, still valid after OUT moves; --single-image-as-string', async () => {
    const out = join(tmp(), 'copy');
    const r = await generate(out, '--copy-images', '--single-image-as-string');
    expect(r.code, r.err).toBe(0);
    const moved = join(tmp(), 'elsewhere', 'moved');
    renameSync(dirname(out), dirname(moved)); // the whole parent: OUT and nothing beside it
    const target = join(dirname(moved), 'copy');
    let frames = 0;
    for (const split of ['train', 'eval']) {
      for (const x of lines(join(target, `qa_${split}.jsonl`))) {
        const images = typeof x.image === 'string' ? [x.image] : (x.image as string[]);
        if (images.length === 1) expect(typeof x.image, 'one image: a string').toBe('string');
        for (const p of images) {
          expect(p.startsWith('images/'), p).toBe(true);
          expect(existsSync(join(target, p)), p).toBe(true);
          if (p.startsWith('images/hololens-scannet/')) {
            frames++;
            const id = p.split('/').at(-1)!;
            expect(readFileSync(join(target, p)).equals(readFileSync(join(holo.dir, 'color', id))), p).toBe(true);
          }
        }
      }
    }
    expect(frames).toBeGreaterThan(0);
    checkTypedOutput(target);
    expect(readFileSync(join(target, 'README.md'), 'utf8')).toContain('self-contained');
  }, 120_000);

  it.skipIf(!holo.present)('--link-images: hard links to the frames (same file system); without a flag, paths point at the scene folder', async () => {
    const linked = join(tmp(), 'link');
    const r = await generate(linked, '--link-images');
    expect(r.code, r.err).toBe(0);
    const paths = lines(join(linked, 'qa_train.jsonl')).flatMap((x) => x.image as string[]).filter((p) => p.startsWith('images/hololens-scannet/'));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      const a = statSync(join(linked, p)), b = statSync(join(holo.dir, 'color', p.split('/').at(-1)!));
      if (a.dev === b.dev) expect(a.ino, p).toBe(b.ino);
      else expect(a.size).toBe(b.size); // another file system: copied
    }
    const ref = join(tmp(), 'ref');
    expect((await generate(ref)).code).toBe(0);
    const refPaths = lines(join(ref, 'qa_train.jsonl')).flatMap((x) => x.image as string[]).filter((p) => !p.startsWith('images/'));
    expect(refPaths.length).toBeGreaterThan(0);
    for (const p of refPaths) expect(p.startsWith('../'), p).toBe(true);
    const both = await generate(join(tmp(), 'both'), '--copy-images', '--link-images');
    expect(both.code).toBe(2); // a usage error
    expect(both.err).toMatch(/--copy-images and --link-images exclude each other/);
  }, 120_000);
});
