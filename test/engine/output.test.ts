// Output directories (issue 14): a lock per OUT, generate's output complete or absent, merge checks
// every file of every shard, file-system errors coded and naming the path, quiet EPIPE.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configure, info } from '../../lib/ops/geometry/native.js';
import { asIoError, writeFileAtomic } from '../../lib/io/files.js';
import { acquireLock } from '../../lib/io/lock.js';
import { LOCK_FILE } from '../../lib/engine/output.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt, startCli, waitFor } from '../helpers/processes.js';
import { repoRoot } from '../helpers/shared-data.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-output-');
const read = (p: string) => readFileSync(p, 'utf8');
const TINY = ['--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95'];
const GEN = ['--per-task', '2', '--overlap', '0.05,0.95'];

/** A pid that ran on this host and has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

/** A small tmpfs of `kb` KiB (root only); undefined, with a line saying so, where mounting is not allowed. */
function smallDisk(kb: number): string | undefined {
  const dir = tmp();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    console.warn(`cannot mount a tmpfs here (not root?): the full-disk and read-only checks are skipped`);
    return undefined;
  }
}
const unmount = (dir: string) => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });

let scene: string;
beforeAll(async () => {
  ensureBuilt();
  scene = join(tmp(), 'scene');
  await writeSyntheticManifest(scene, { frames: 8, width: 160, height: 120 });
}, 120_000);

describe('generate: the output appears complete or not at all', () => {
  it('killed at the moment qa_train.jsonl appears, the train split never stands without eval and stats', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const out = join(tmp(), 'out');
      const c = startCli(['generate', '--scene', scene, '--format', 'manifest', '--out', out, ...GEN]);
      await waitFor(() => existsSync(join(out, 'qa_train.jsonl')) || c.proc.exitCode !== null, 30_000, 'qa_train.jsonl');
      c.proc.kill('SIGKILL');
      await c.exited;
      if (existsSync(join(out, 'qa_train.jsonl')))
        for (const f of ['qa_eval.jsonl', 'stats.json', 'overlap.png']) expect(existsSync(join(out, f)), `${f} beside qa_train.jsonl`).toBe(true);
    }
  }, 60_000);

  it('a rerun replaces an earlier output; a directory holding something else is refused; temporaries of killed runs are cleaned', async () => {
    const parent = tmp();
    const out = join(parent, 'out');
    const r1 = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', out, ...GEN]);
    expect(r1.code, r1.err).toBe(0);
    const first = read(join(out, 'qa_train.jsonl'));
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    mkdirSync(join(parent, '.out.tmp-abandoned'));
    const r2 = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', out, ...GEN]);
    expect(r2.code, r2.err).toBe(0);
    expect(read(join(out, 'qa_train.jsonl'))).toBe(first);
    expect(readdirSync(parent)).toEqual(['out']);
    const other = tmp();
    writeFileSync(join(other, 'thesis.tex'), 'mine');
    const r3 = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', other, ...GEN]);
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/--out .* is not empty and holds no earlier spatial-geom output .*\(ERR_SPATIAL_IO\)/);
    expect(readdirSync(other)).toEqual(['thesis.tex']);
  }, 60_000);
});

describe('one run per OUT (lock file)', () => {
  it('a second run is refused naming the lock file and its holder; a stale lock is taken over; the lock goes on exit', async () => {
    const out = tmp();
    const lockFile = join(out, LOCK_FILE);
    // A live holder: a dataset run paused in its first unit.
    const first = startCli(['dataset', '--scenes', 'synthetic:0', ...TINY, '--out', out], { SPATIAL_GEOM_UNIT_PAUSE_MS: '60000' });
    await waitFor(() => existsSync(lockFile), 30_000, 'the first run to take the lock', first.output);
    const holder = JSON.parse(read(lockFile));
    expect(holder).toMatchObject({ pid: first.proc.pid, host: hostname(), command: 'dataset' });
    for (const args of [['dataset', '--scenes', 'synthetic:0', ...TINY, '--out', out], ['merge', '--out', out]]) {
      const r = await runCli(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`${lockFile} is held by dataset pid ${first.proc.pid} on ${hostname()}`);
      expect(r.err).toMatch(/\(ERR_SPATIAL_IO\)/);
    }
    // SIGTERM: the lock is removed and no shard was published.
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(143);
    expect(existsSync(lockFile)).toBe(false);
    // A lock left by a dead process on this host is taken over.
    writeFileSync(lockFile, JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString(), command: 'dataset' }));
    const r = await runCli(['dataset', '--scenes', 'synthetic:0', ...TINY, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    // One held on another host is not (this host cannot tell whether it runs).
    writeFileSync(lockFile, JSON.stringify({ pid: 1, host: 'elsewhere', since: '2025-01-01T00:00:00Z', command: 'merge' }));
    const r2 = await runCli(['merge', '--out', out]);
    expect(r2.err).toMatch(/is held by merge pid 1 on elsewhere .*if it is gone, delete/);
  }, 60_000);

  it('the lock is removed when the run fails, and copies of a --shard array share OUT but not a whole run', async () => {
    const out = tmp();
    const r = await runCli(['merge', '--out', out]);
    expect(r.err).toMatch(/plan\.json/);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const whole = acquireLock(join(out, LOCK_FILE), 'dataset');
    const s = await runCli(['dataset', '--scenes', 'synthetic:0..1', ...TINY, '--out', out, '--shard', '0/2']);
    expect(s.err).toMatch(/is held by dataset pid/);
    whole.release();
    for (const i of [0, 1]) expect((await runCli(['dataset', '--scenes', 'synthetic:0..1', ...TINY, '--out', out, '--shard', `${i}/2`])).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.includes('lock'))).toEqual([]);
  }, 60_000);
});

describe('merge verifies every file of every shard', () => {
  it('a truncated or deleted prompt image fails the merge (exit 1, naming the file); --verify jsonl checks only the splits', async () => {
    const out = tmp();
    expect((await runCli(['dataset', '--scenes', 'synthetic:0..1', ...TINY, '--out', out, '--no-merge'])).code).toBe(0);
    const shard = join(out, 'shards', readdirSync(join(out, 'shards')).sort()[1]);
    const meta = JSON.parse(read(join(shard, 'shard.json')));
    const prompts = Object.keys(meta.files).filter((f) => f.startsWith('images/prompts/'));
    expect(prompts.length).toBeGreaterThan(1);
    truncateSync(join(shard, prompts[0]), 10);
    let r = await runCli(['merge', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(shard, prompts[0])} does not match the sha256 in its shard.json`);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    rmSync(join(shard, prompts[1]));
    rmSync(join(shard, prompts[0]));
    r = await runCli(['merge', '--out', out]);
    expect(r.err).toMatch(/is listed in its shard\.json but cannot be read \(no such file or directory\)/);
    r = await runCli(['merge', '--out', out, '--verify', 'jsonl']);
    expect(r.code, r.err).toBe(0);
    expect((await runCli(['merge', '--out', out, '--verify', 'some'])).err).toMatch(/--verify must be all or jsonl/);
  }, 60_000);

  it('a shard line that is not JSON names the file and line; stats refuses splits whose merge did not complete', async () => {
    const out = tmp();
    expect((await runCli(['dataset', '--scenes', 'synthetic:0', ...TINY, '--out', out])).code).toBe(0);
    expect((await runCli(['stats', join(out, 'qa_train.jsonl')])).code).toBe(0);
    rmSync(join(out, 'manifest.json'));
    const st = await runCli(['stats', join(out, 'qa_train.jsonl')]);
    expect(st.err).toMatch(/qa_train\.jsonl belongs to a dataset whose merge did not complete/);
    const shard = join(out, 'shards', readdirSync(join(out, 'shards'))[0]);
    const metaFile = join(shard, 'shard.json');
    const meta = JSON.parse(read(metaFile));
    const text = read(join(shard, 'qa_eval.jsonl')) + '{"broken\n';
    writeFileSync(join(shard, 'qa_eval.jsonl'), text);
    meta.files['qa_eval.jsonl'] = createHash('sha256').update(text).digest('hex');
    writeFileSync(metaFile, JSON.stringify(meta));
    const r = await runCli(['merge', '--out', out]);
    expect(r.err).toMatch(new RegExp(`${join(shard, 'qa_eval.jsonl').replace(/[.]/g, '\\.')}:\\d+ is not valid JSON`));
    writeFileSync(metaFile, '{"key":');
    expect((await runCli(['merge', '--out', out])).err).toContain(`${metaFile} is not valid JSON`);
  }, 60_000);
});

describe('file-system errors: coded, naming the path, no temporaries left', () => {
  it('ENOSPC and EROFS map to ERR_SPATIAL_IO with the path and a plain reason', () => {
    const e = (code: string, syscall: string) => Object.assign(new Error(`${code}: x`), { code, syscall, path: '/out/a.png' });
    expect(asIoError(e('ENOSPC', 'write'))).toMatchObject({ code: 'ERR_SPATIAL_IO', message: 'Cannot write /out/a.png: no space left on device' });
    expect(asIoError(e('EROFS', 'open'))).toMatchObject({ code: 'ERR_SPATIAL_IO', message: 'Cannot open /out/a.png: read-only file system' });
    const plain = new Error('not fs');
    expect(asIoError(plain)).toBe(plain);
  });

  it('a full disk: the atomic writer leaves no temporary, and generate fails coded naming a file', async () => {
    const disk = smallDisk(64);
    if (!disk) return;
    try {
      const e = await writeFileAtomic(join(disk, 'big.bin'), new Uint8Array(200_000), 'image').catch((x) => x);
      expect(e).toMatchObject({ code: 'ERR_SPATIAL_IO', message: `Cannot write image ${join(disk, 'big.bin')}: no space left on device` });
      expect(readdirSync(disk)).toEqual([]);
      const r = await runCli(['generate', '--scene', scene, '--format', 'manifest', '--out', join(disk, 'out'), ...GEN]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`${disk}/\\S+: no space left on device \\(ERR_SPATIAL_IO\\)`));
      // Nothing but the (empty) output directory: no partial output, no temporaries, no lock.
      expect(readdirSync(disk)).toEqual(['out']);
      expect(readdirSync(join(disk, 'out'))).toEqual([]);
    } finally {
      unmount(disk);
    }
  }, 60_000);

  it('a read-only OUT fails at once (before any computation) with EROFS named, for generate, dataset and merge', async () => {
    const disk = smallDisk(64);
    if (!disk) return;
    try {
      mkdirSync(join(disk, 'out'));
      execFileSync('mount', ['-o', 'remount,ro', disk]);
      for (const args of [['generate', '--scene', scene, '--format', 'manifest', ...GEN], ['dataset', '--scenes', 'synthetic:0', ...TINY], ['merge']]) {
        const t = performance.now();
        const r = await runCli([...args, '--out', join(disk, 'out')]);
        expect(r.code, args[0]).toBe(1);
        expect(r.err, args[0]).toMatch(new RegExp(`Cannot open ${disk}/out/\\.spatial-geom\\.lock: read-only file system \\(ERR_SPATIAL_IO\\)`));
        expect(performance.now() - t, args[0]).toBeLessThan(500);
      }
    } finally {
      unmount(disk);
    }
  }, 60_000);
});

describe('small things', () => {
  it('configure() with no argument is a no-op returning the settings; a non-object is a coded TypeError', () => {
    expect(configure()).toEqual(info());
    expect(() => configure(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: expect.stringContaining('opts') }));
  });

  it('stats piped into head: no EPIPE stack trace', () => {
    const dir = tmp();
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ question_type: `type_${i}`, gt_value: i })).join('\n'));
    const r = spawnSync('bash', ['-c', `node ${join(repoRoot, 'dist', 'engine', 'cli.js')} stats ${file} | head -1`], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('');
  });

  it('small numbers in native error messages print in exponent form, not 0.000000', async () => {
    const { visibleSets } = await import('../../lib/ops/geometry/native.js');
    const k = { fx: 1, fy: 1, cx: 0, cy: 0, width: 1, height: 1 };
    const cam = { intrinsics: k, pose: Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) };
    expect(() => visibleSets(new Float32Array(3), [cam], [{ width: 1, height: 1, data: new Float32Array(1) }], { tolerance: -1e-30 })).toThrow(/-1e-30/);
  });
});
