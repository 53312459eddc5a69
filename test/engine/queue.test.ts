// Queue mode over a real Redis (Debian's redis-server, started here on a loopback port): several
// `spatial-geom worker` processes and `queue submit --wait` give the same bytes as one process, even
// when a worker is SIGKILLed in the middle of a unit or Redis stops and comes back. Without
// redis-server they are skipped with one line (redisTestsEnabled); .ci/run installs it and sets
// SPATIAL_GEOM_REQUIRE_REDIS=1, so in CI they always run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type Child, ensureBuilt, redisTestsEnabled, startCli, startRedis, type TestRedis, waitFor } from '../helpers/processes.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-queue-');
const read = (path: string) => readFileSync(path, 'utf8');

/** Six tiny synthetic scenes: 8 frames at 160x120, 2 samples per question type. */
const SCENES = ['--scenes', 'synthetic:0..5', '--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95'];
const MERGED = ['qa_train.jsonl', 'qa_eval.jsonl', 'manifest.json', 'plan.json'];
/** Short locks so that a dead worker's unit is taken back within about 2 s. */
const FAST_LOCKS = ['--lock-ms', '2000', '--stalled-ms', '500'];

const enabled = redisTestsEnabled();
let redis: TestRedis;
let reference: string;
let queues = 0;

beforeAll(async () => {
  if (!enabled) return;
  ensureBuilt(); // the workers are child processes running dist/
  redis = await startRedis();
  // The one-process run every queue run must reproduce byte for byte.
  reference = tmp();
  const r = await runCli(['dataset', ...SCENES, '--out', reference]);
  expect(r.code, r.err).toBe(0);
}, 120_000);

function queueArgs(): string[] {
  return ['--redis', redis.url, '--queue', `test-${process.pid}-${++queues}`];
}

function startWorkers(n: number, queue: string[], out: string, env: Record<string, string> = {}): Child[] {
  return Array.from({ length: n }, () => startCli(['worker', ...queue, '--out', out, ...FAST_LOCKS], env));
}

async function workersReady(workers: Child[]): Promise<void> {
  for (const w of workers) await waitFor(() => /concurrency \d+;/.test(w.output()), 30_000, 'a worker to start', () => w.output());
}

async function submitAndWait(out: string, queue: string[]): Promise<Child> {
  const s = startCli(['queue', 'submit', ...queue, ...SCENES, '--out', out, '--wait', '--poll-ms', '250']);
  const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('timeout'), 50_000))]);
  expect(code, s.output()).toBe(0);
  return s;
}

function expectSameAsReference(out: string): void {
  for (const f of MERGED) expect(read(join(out, f)), f).toBe(read(join(reference, f)));
}

/** Unit keys each worker logged as generated (`worker <pid>: done <key>`). */
function doneKeys(workers: Child[]): string[] {
  return workers.flatMap((w) => [...w.output().matchAll(/: done (\S+)/g)].map((m) => m[1]));
}

function shardKeys(out: string): string[] {
  return existsSync(join(out, 'shards')) ? readdirSync(join(out, 'shards')).filter((d) => !d.startsWith('.')) : [];
}

describe.runIf(enabled)('queue mode (BullMQ over Redis)', () => {
  it('3 workers on 6 synthetic scenes give byte-identical merged output to a single-process run', async () => {
    const queue = queueArgs();
    const out = tmp();
    const workers = startWorkers(3, queue, out);
    await workersReady(workers);
    const s = await submitAndWait(out, queue);
    expect(s.output()).toMatch(/6 units queued/);
    expect(s.output()).toMatch(/merged 6 units/);
    expectSameAsReference(out);
    // Every unit generated exactly once.
    expect(doneKeys(workers).sort()).toEqual(shardKeys(out).sort());
    for (const w of workers) w.proc.kill('SIGTERM');
    for (const w of workers) expect(await w.exited, w.output()).toBe(0);
    for (const w of workers) expect(w.output()).toMatch(/SIGTERM: finishing the units in flight/);
  }, 90_000);

  it('a worker SIGKILLed in the middle of a unit: the unit is retried elsewhere, no partial shard is merged, output identical', async () => {
    const queue = queueArgs();
    const out = tmp();
    // Worker A holds its first unit, fully written but not yet renamed into place, until it is killed.
    const [a] = startWorkers(1, queue, out, { SPATIAL_GEOM_UNIT_PAUSE_MS: '600000' });
    await workersReady([a]);
    const submit = startCli(['queue', 'submit', ...queue, ...SCENES, '--out', out]);
    expect(await submit.exited, submit.output()).toBe(0);
    let partial = '';
    await waitFor(() => {
      const dirs = existsSync(join(out, 'shards')) ? readdirSync(join(out, 'shards')).filter((d) => d.startsWith('.tmp-')) : [];
      partial = dirs.find((d) => existsSync(join(out, 'shards', d, 'shard.json'))) ?? '';
      return partial !== '';
    }, 30_000, 'worker A to be in the middle of a unit', () => a.output());
    const key = /^\.tmp-(.+)-[^-]+$/.exec(partial)![1];
    a.proc.kill('SIGKILL');
    await a.exited;
    expect(shardKeys(out)).toEqual([]);

    const others = startWorkers(2, queue, out);
    await workersReady(others);
    await submitAndWait(out, queue);
    expectSameAsReference(out);
    expect(doneKeys([a])).toEqual([]);
    expect(doneKeys(others)).toContain(key);
    // The killed unit's temporary directory is still there, and nothing merged points into it.
    expect(existsSync(join(out, 'shards', partial))).toBe(true);
    expect(read(join(out, 'qa_train.jsonl'))).not.toContain('.tmp-');
    expect(JSON.parse(read(join(out, 'manifest.json'))).shards.map((s: { key: string }) => s.key)).toContain(key);
    for (const w of others) w.proc.kill('SIGTERM');
    await Promise.all(others.map((w) => w.exited));
  }, 90_000);

  it('Redis stopped mid-run and restarted: workers reconnect and the run completes identically', async () => {
    const queue = queueArgs();
    const out = tmp();
    // Slow units (0.4 s pause each) so that the run spans the outage.
    const workers = startWorkers(3, queue, out, { SPATIAL_GEOM_UNIT_PAUSE_MS: '400' });
    await workersReady(workers);
    const submit = startCli(['queue', 'submit', ...queue, ...SCENES, '--out', out, '--wait', '--poll-ms', '250']);
    await waitFor(() => shardKeys(out).length >= 1, 30_000, 'a first shard', () => submit.output() + workers.map((w) => w.output()).join(''));
    await redis.stop();
    const doneAtStop = shardKeys(out).length;
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start(); // empty: this Redis keeps no data, so the waiting submitter enqueues the lost units again
    const code = await Promise.race([submit.exited, new Promise((r) => setTimeout(() => r('timeout'), 50_000))]);
    expect(code, submit.output() + workers.map((w) => w.output()).join('')).toBe(0);
    expect(doneAtStop).toBeLessThan(6);
    expectSameAsReference(out);
    expect(submit.output()).toMatch(/redis unreachable/);
    // The same worker processes (none exited) finished the units after the restart.
    for (const w of workers) expect(w.proc.exitCode, w.output()).toBe(null);
    expect(workers.map((w) => w.output()).join('')).toMatch(/redis: connected again/);
    expect(new Set(doneKeys(workers))).toEqual(new Set(shardKeys(out)));
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }, 90_000);
});
