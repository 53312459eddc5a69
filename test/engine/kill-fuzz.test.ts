// Crash fuzz (issue 14): `generate`, `dataset` and `merge` SIGKILLed at seeded random moments. After
// every kill OUT holds no output or a complete, verifiable one (every file listed in shard.json or
// manifest.json present with its sha256, no temporary file under a final name), and a rerun
// completes to the same bytes as an uninterrupted run. Prints the outcomes per command.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../lib/engine/output.js';
import { isTempName } from '../../lib/io/files.js';
import { createRng } from '../../lib/random.js';
import { type Child, ensureBuilt, startCli } from '../helpers/processes.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const SEED = 20_251_214;
const TRIALS = { generate: 6, dataset: 5, merge: 6 };
const tmp = tempDirs('spatial-kill-fuzz-');
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** mulberry32: a small seeded generator, so a failing trial can be replayed. */

/** Every file under `dir` (POSIX relative path -> sha256), the lock file of a killed run left out. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name === LOCK_FILE) continue;
    const p = join(e.parentPath, e.name);
    out[relative(dir, p).split(sep).join('/')] = sha256(p);
  }
  return out;
}

/**
 * Temporary files that do not look temporary. A SIGKILL mid-write may leave a hidden temporary under
 * a `tempPathFor` name (`.qa_train.jsonl.<pid>.<n>.<hex>.tmp`), which no reader takes for a file and
 * the next run removes (the rerun below must equal the uninterrupted bytes); shards in progress live
 * in `shards/.tmp-*` and are never merged. Anything else ending in .tmp is a leak.
 */
function strayTemporaries(dir: string): string[] {
  return Object.keys(tree(dir)).filter((p) => /(^|\/)\.[^/]*\.tmp$|\.tmp-/.test(p) && !p.startsWith('shards/.tmp-') && !isTempName(p.split('/').pop()!));
}

async function run(args: string[]): Promise<{ code: number | null; ms: number; child: Child }> {
  const t = performance.now();
  const child = startCli(args);
  const code = await child.exited;
  return { code, ms: performance.now() - t, child };
}

/** Starts `args`, SIGKILLs it after `ms` (if still running); true when the kill landed. */
/** Kill moments fall in 30-120 % of an uninterrupted run (before that, node is still starting). */
async function killAfter(args: string[], ms: number): Promise<boolean> {
  const child = startCli(args);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), ms);
  await child.exited;
  clearTimeout(timer);
  return child.proc.signalCode === 'SIGKILL';
}

/** Checks a dataset directory: complete shards verify, a present manifest matches its splits. */
function checkDataset(out: string): { shards: number; merged: boolean } {
  expect(strayTemporaries(out)).toEqual([]);
  const shards = existsSync(join(out, 'shards')) ? readdirSync(join(out, 'shards')).filter((d) => !d.startsWith('.')) : [];
  for (const key of shards) {
    const dir = join(out, 'shards', key);
    const meta = JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8'));
    expect(Object.keys(tree(dir)).sort()).toEqual([...Object.keys(meta.files), 'shard.json'].sort());
    for (const [f, h] of Object.entries(meta.files)) expect(sha256(join(dir, f)), `${key}/${f}`).toBe(h);
  }
  const merged = existsSync(join(out, 'manifest.json'));
  if (merged) {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl']) expect(sha256(join(out, f)), f).toBe(m.splits[f].sha256);
  }
  return { shards: shards.length, merged };
}

const DATASET = ['--scenes', 'synthetic:0..2', '--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95'];
const outcomes: Record<string, Record<string, number>> = { generate: {}, dataset: {}, merge: {} };
const note = (cls: string, what: string) => (outcomes[cls][what] = (outcomes[cls][what] ?? 0) + 1);

describe('SIGKILL at random moments', () => {
  let scene: string;
  beforeAll(async () => {
    ensureBuilt();
    scene = join(tmp(), 'scene');
    await writeSyntheticManifest(scene, { frames: 8, width: 160, height: 120 });
  }, 300_000);

  it('generate: no output or the whole output; a rerun gives the uninterrupted bytes', async () => {
    const random = createRng(SEED);
    const args = (out: string) => ['generate', '--scene', scene, '--format', 'manifest', '--out', out, '--per-task', '2', '--overlap', '0.05,0.95'];
    const ref = join(tmp(), 'ref');
    const r = await run(args(ref));
    expect(r.code, r.child.output()).toBe(0);
    const want = tree(ref);
    for (let i = 0; i < TRIALS.generate; i++) {
      const parent = tmp();
      const out = join(parent, 'out');
      const killed = await killAfter(args(out), (0.3 + 0.9 * random.next()) * r.ms);
      const got = tree(out);
      const state = Object.keys(got).length === 0 ? 'no output' : 'complete';
      if (state === 'complete') expect(got).toEqual(want);
      note('generate', `${killed ? 'killed' : 'finished'}, ${state}`);
      const again = await run(args(out));
      expect(again.code, again.child.output()).toBe(0);
      expect(tree(out)).toEqual(want);
      expect(readdirSync(parent)).toEqual(['out']);
      expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    }
    console.log(`kill fuzz generate (seed ${SEED}): ${JSON.stringify(outcomes.generate)}`);
  }, 300_000);

  it('dataset: only complete shards and a verifiable merge; a rerun resumes to the uninterrupted bytes', async () => {
    const random = createRng(SEED + 1);
    const ref = tmp();
    const r = await run(['dataset', ...DATASET, '--out', ref]);
    expect(r.code, r.child.output()).toBe(0);
    const want = tree(ref);
    for (let i = 0; i < TRIALS.dataset; i++) {
      const out = tmp();
      const killed = await killAfter(['dataset', ...DATASET, '--out', out], (0.3 + 0.9 * random.next()) * r.ms);
      const { shards, merged } = checkDataset(out);
      note('dataset', `${killed ? 'killed' : 'finished'}, ${shards} of 3 shards${merged ? ', merged' : ''}`);
      const again = await run(['dataset', ...DATASET, '--out', out]);
      expect(again.code, again.child.output()).toBe(0);
      const final = Object.fromEntries(Object.entries(tree(out)).filter(([p]) => !p.startsWith('shards/.tmp-')));
      // A killed unit's temporary directory stays (queue workers may share OUT); nothing merges it.
      expect(final).toEqual(want);
    }
    console.log(`kill fuzz dataset (seed ${SEED + 1}): ${JSON.stringify(outcomes.dataset)}`);
  }, 300_000);

  it('a rerun removes the temporaries a killed run left beside the plan, splits and manifest (and nothing else)', async () => {
    const out = tmp();
    expect((await run(['dataset', ...DATASET, '--out', out])).code).toBe(0);
    const want = tree(out);
    const stale = ['.qa_train.jsonl.4242.0.deadbeef.tmp', '.manifest.json.4242.1.cafebabe.tmp', '.plan.json.4242.2.0badf00d.tmp'];
    for (const name of stale) writeFileSync(join(out, name), 'half a file');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect((await run(['dataset', ...DATASET, '--out', out])).code).toBe(0);
    expect(tree(out)).toEqual({ ...want, 'notes.txt': sha256(join(out, 'notes.txt')) });
  }, 300_000);

  it('merge: no manifest, or a manifest that its splits match; a rerun gives the uninterrupted bytes', async () => {
    const random = createRng(SEED + 2);
    const shardsOnly = tmp();
    expect((await run(['dataset', ...DATASET, '--out', shardsOnly, '--no-merge'])).code).toBe(0);
    const ref = tmp();
    cpSync(shardsOnly, ref, { recursive: true });
    const r = await run(['merge', '--out', ref]);
    expect(r.code, r.child.output()).toBe(0);
    const want = tree(ref);
    for (let i = 0; i < TRIALS.merge; i++) {
      const out = tmp();
      cpSync(shardsOnly, out, { recursive: true });
      // Half the trials merge over an earlier merge, whose manifest must not vouch for new splits.
      if (i % 2) cpSync(ref, out, { recursive: true });
      const killed = await killAfter(['merge', '--out', out], (0.3 + 0.9 * random.next()) * r.ms);
      const { merged } = checkDataset(out);
      note('merge', `${killed ? 'killed' : 'finished'}, ${merged ? 'manifest matches' : 'no manifest'}${i % 2 ? ' (over an earlier merge)' : ''}`);
      const again = await run(['merge', '--out', out]);
      expect(again.code, again.child.output()).toBe(0);
      expect(tree(out)).toEqual(want);
      expect(statSync(join(out, 'manifest.json')).isFile()).toBe(true);
    }
    console.log(`kill fuzz merge (seed ${SEED + 2}): ${JSON.stringify(outcomes.merge)}`);
  }, 300_000);
});
