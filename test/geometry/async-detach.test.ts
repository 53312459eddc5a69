// Detaching (transferring) buffers while an *Async op runs (issue 14, item 6): the job must never
// read or write freed memory. The scenarios run in a child process (async-detach.child.mjs, with
// --expose-gc so freed backing stores are collected and reused by sentinel arrays): a
// use-after-free there kills that process, not the runner. Before the fix the first visibleSets
// case died with SIGSEGV and overlapMatrix with out detached aborted in malloc.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as g from '../../lib/index.js';
import { repoRoot } from '../helpers/shared-data.js';
import { IDENTITY, camera, intrinsics } from '../helpers/cameras.js';

const child = join(repoRoot, 'test', 'geometry', 'async-detach.child.mjs');

interface Summary {
  cases: number;
  failed: number;
  outcomes: Record<string, number>;
  seconds: number;
}

function runChild(args: string[]): { summary?: Summary; status: number | null; signal: NodeJS.Signals | null; output: string } {
  const r = spawnSync(process.execPath, ['--expose-gc', child, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 24 });
  const output = `${r.stdout}${r.stderr}`;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let summary: Summary | undefined;
  try {
    summary = JSON.parse(last) as Summary;
  } catch {
    summary = undefined;
  }
  return { summary, status: r.status, signal: r.signal, output };
}

function expectClean(r: ReturnType<typeof runChild>): Summary {
  const failures = r.output.split('\n').filter((l) => l.startsWith('FAIL')).slice(0, 10).join('\n');
  expect({ signal: r.signal, status: r.status, failures }, r.output.slice(-2000)).toEqual({ signal: null, status: 0, failures: '' });
  expect(r.summary).toBeDefined();
  return r.summary!;
}

describe('async ops with buffers detached while they run (child process)', () => {
  it('every op, every buffer (and all of them), at once and two turns later: survives, sync-equal results, coded rejection for out', () => {
    const s = expectClean(runChild(['fixed']));
    console.log(`[async-detach fixed] ${s.cases} cases in ${s.seconds} s: ${JSON.stringify(s.outcomes)}`);
    expect(s.failed).toBe(0);
    // out / labels detached at once (alone, and with everything) must reject: delivery needs the JS thread
    expect(s.outcomes['ok: rejected ERR_SPATIAL_IO']).toBeGreaterThanOrEqual(4);
  });

  it('seeded loop: random op, random buffers, random timing (setImmediate turns)', () => {
    const s = expectClean(runChild(['seeded', '--seed', '14', '--cases', '200']));
    console.log(`[async-detach seeded 14] ${s.cases} cases in ${s.seconds} s: ${JSON.stringify(s.outcomes)}`);
    expect(s.cases).toBe(200);
    expect(s.failed).toBe(0);
  });
});

// The public API, in process: the guarantees a caller sees (no gc here, so these check semantics,
// the child process above checks memory safety).
const detach = (a: ArrayBufferView) => void structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });

function scene() {
  const k = intrinsics(100, 100, 31.5, 23.5, 64, 48);
  const cams = [camera(k, IDENTITY), camera(k, Float64Array.of(1, 0, 0, 0.2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1))];
  const n = 5000;
  const points = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) points.set([Math.sin(i) * 0.5, Math.cos(i * 1.3) * 0.4, 1 + (i % 97) / 40], 3 * i);
  const depths = cams.map((_, f) => ({ width: 64, height: 48, data: new Float32Array(64 * 48).fill(2 + f * 0.5) }));
  return { cams, points, depths };
}

describe('async ops with detached buffers (public API)', () => {
  it('visibleSetsAsync: inputs detached right after the call still give the synchronous result', async () => {
    const { cams, points, depths } = scene();
    const want = g.visibleSets(points, cams, depths);
    const p = g.visibleSetsAsync(points, cams, depths);
    detach(points);
    for (const d of depths) detach(d.data);
    expect(await p).toEqual(want);
  });

  it('overlapMatrixAsync: detached sets give the synchronous result; a detached out rejects with ERR_SPATIAL_IO naming out', async () => {
    const { cams, points, depths } = scene();
    const sets = g.visibleSets(points, cams, depths);
    const want = g.overlapMatrix(sets);
    const p = g.overlapMatrixAsync(sets.map((s) => s.slice()));
    const copies = sets.map((s) => s.slice());
    const q = g.overlapMatrixAsync(copies);
    for (const s of copies) detach(s);
    expect(await p).toEqual(want);
    expect(await q).toEqual(want);

    const out = new Float32Array(sets.length ** 2).fill(-1);
    const r = g.overlapMatrixAsync(sets, out);
    detach(out);
    await expect(r).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', name: 'RangeError', message: expect.stringMatching(/^out was detached .*while overlapMatrixAsync ran/) });
  });

  it('overlapMatrixAsync: SharedArrayBuffer-backed sets and out work (delivered into the shared out)', async () => {
    const { cams, points, depths } = scene();
    const sets = g.visibleSets(points, cams, depths);
    const shared = sets.map((s) => {
      const c = new Uint32Array(new SharedArrayBuffer(s.byteLength));
      c.set(s);
      return c;
    });
    const out = new Float32Array(new SharedArrayBuffer(4 * sets.length ** 2));
    expect(await g.overlapMatrixAsync(shared, out)).toBe(out);
    expect(out).toEqual(g.overlapMatrix(sets));
  });

  it('rigidSegmentationAsync and voxelCoverageSelectAsync: detached inputs give the synchronous result', async () => {
    const t = 4, n = 60;
    const tracks = new Float32Array(3 * t * n);
    for (let f = 0; f < t; f++) for (let i = 0; i < n; i++) tracks.set([i * 0.01 + (i % 2) * f * 0.5, i * 0.02, 1], 3 * (f * n + i));
    const wantSeg = g.rigidSegmentation(tracks, t);
    const seg = g.rigidSegmentationAsync(tracks, t);
    detach(tracks);
    expect(await seg).toEqual(wantSeg);

    const { points } = scene();
    const maps = [points, points.slice(0, 3000), points.slice(3000)];
    const wantSel = g.voxelCoverageSelectDetailed(maps, 2, { voxelSize: 0.1 });
    const sel = g.voxelCoverageSelectAsync(maps, 2, { voxelSize: 0.1 });
    for (const m of maps) detach(m);
    expect(await sel).toEqual(wantSel);
  });
});
