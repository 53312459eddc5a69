// `npm run bench`: benchmark.js suites on million-point scenes. For each case, in the same run:
// native ops/s, the pure-TS reference's ops/s (ratio native/reference), and a memcpy moving the
// same number of bytes as the op must read + write (fraction of the machine's memory bandwidth).
// Writes bench/results.json and bench/results.md (the README's table).
//   node --expose-gc bench/run.mjs [--quick]
import Benchmark from 'benchmark';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as native from '../dist/index.js';
import * as ref from '../dist/reference/index.js';
import { K640, randomPoints, ringCameras, wavyDepths } from './scenes.mjs';

const quick = process.argv.includes('--quick');
const N = quick ? 200_000 : 1_000_000;

/** Runs fn under benchmark.js and returns { hz, rme, samples }. */
function measure(name, fn, { minSamples = 5, maxTime = quick ? 0.5 : 2 } = {}) {
  globalThis.gc?.();
  const b = new Benchmark(name, fn, { minSamples, maxTime, initCount: 1 });
  b.run();
  if (b.error) throw b.error;
  return { hz: b.hz, rme: b.stats.rme, samples: b.stats.sample.length };
}

/** A memcpy of `bytes` (reads and writes bytes/2 each way, i.e. `bytes` of traffic). */
function memcpyCase(bytes) {
  const half = Math.max(1, Math.round(bytes / 2));
  const src = new Uint8Array(half).fill(1);
  const dst = new Uint8Array(half);
  return measure(`memcpy ${half} B`, () => dst.set(src));
}

const rows = [];
function record(op, size, nat, refRes, bytes, extra = {}) {
  const mem = bytes ? memcpyCase(bytes) : undefined;
  const row = {
    op, size,
    nativeHz: nat.hz, nativeRme: nat.rme,
    referenceHz: refRes?.hz, ratioToReference: refRes ? nat.hz / refRes.hz : undefined,
    bytes, memcpyHz: mem?.hz, fractionOfMemcpy: mem ? nat.hz / mem.hz : undefined,
    ...extra,
  };
  rows.push(row);
  const f = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  console.log(`${op.padEnd(22)} ${size.padEnd(26)} native ${f(nat.hz, 2).padStart(9)} ops/s  x${f(row.ratioToReference).padStart(7)} vs reference  ${f(row.fractionOfMemcpy === undefined ? undefined : 100 * row.fractionOfMemcpy)}% of memcpy`);
}

const pts = randomPoints(N);
console.log(`@spatial/geom bench: ${N} points, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), backend ${native.info().backend}, threads ${native.info().threads}\n`);

for (const F of [1, 64]) {
  const cams = ringCameras(F);
  const out = { uv: new Float32Array(2 * N * F), depth: new Float32Array(N * F) };
  const nat = measure(`project native ${F}`, () => native.projectPoints(pts, cams, out));
  const r = measure(`project ref ${F}`, () => ref.projectPoints(pts, cams, out), { minSamples: 2, maxTime: 1 });
  record('projectPoints', `${N / 1e6}M pts x ${F} cams`, nat, r, 12 * N + 12 * N * F);
}

let sets64;
for (const F of [1, 64]) {
  const cams = ringCameras(F);
  const depths = wavyDepths(cams);
  const nat = measure(`visible native ${F}`, () => (sets64 = native.visibleSets(pts, cams, depths)));
  const r = measure(`visible ref ${F}`, () => ref.visibleSets(pts, cams, depths), { minSamples: 2, maxTime: 1 });
  const visible = sets64.reduce((s, x) => s + x.length, 0) / F;
  record('visibleSets', `${N / 1e6}M pts x ${F} frames 640x480`, nat, r, 12 * N + 4 * 640 * 480 * F + 4 * visible * F, { meanVisible: visible });
}

{
  const F = quick ? 64 : 300;
  const cams = ringCameras(F);
  const sets = native.visibleSets(pts, cams, wavyDepths(cams));
  const total = sets.reduce((s, x) => s + x.length, 0);
  const out = new Float32Array(F * F);
  const nat = measure(`overlap native ${F}`, () => native.overlapMatrix(sets, out));
  // The reference merges every pair (O(F^2 * |set|)): one sample is all it can afford here.
  const r = measure(`overlap ref ${F}`, () => ref.overlapMatrix(sets, out), { minSamples: 1, maxTime: 0.1 });
  record('overlapMatrix', `${F} frames, mean |set| ${Math.round(total / F)}`, nat, r, undefined);
}

{
  const k = { fx: 400, fy: 400, cx: 258.5, cy: 258.5, width: 518, height: 518 };
  const opts = { patchSize: 14, frequencies: 8, includeFocal: true };
  const out = new Float32Array(37 * 37 * 4 * 2 * 8);
  const nat = measure('rays native', () => native.rayEmbedding(k, { ...opts, out }));
  const r = measure('rays ref', () => ref.rayEmbedding(k, { ...opts, out }));
  record('rayEmbedding', '518x518 / patch 14, F=8, focal', nat, r, out.byteLength);
}

const meta = { date: new Date().toISOString(), points: N, cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, info: native.info() };
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ meta, rows }, null, 2));
const md = [
  '| op | size | native ops/s | x reference | % of memcpy bandwidth |',
  '|---|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.op} | ${r.size} | ${r.nativeHz.toPrecision(3)} | ${r.ratioToReference?.toFixed(1) ?? '-'} | ${r.fractionOfMemcpy === undefined ? '-' : (100 * r.fractionOfMemcpy).toFixed(0) + ' %'} |`),
].join('\n');
writeFileSync(new URL('./results.md', import.meta.url), md + '\n');
console.log('\n' + md + '\n\nwrote bench/results.json and bench/results.md');
