#!/usr/bin/env node
// Throughput of a whole-dataset run on this machine with 1, 2 and 3 workers (after `npm run build`):
//   node bench/scale.mjs [--mode threads|queue] [--scenes 6] [--frames 60] [--size 640x480] [--per-task 10] [--workers 1,2,3]
// threads: `spatial-geom dataset --workers K` in this process (K = 1 in the main thread, K > 1 on K
//   worker threads);
// queue: K `spatial-geom worker` processes on a redis-server of its own (loopback, free port),
//   timed from `queue submit --wait` to the merged output (workers started and ready beforehand).
// Every K generates the same synthetic scenes (seeds 0..scenes-1) into a fresh directory and merges
// them; it prints scenes per minute and the merged sha256, the same for every K and mode.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { info } from '../dist/index.js';
import { mergeShards, parseSceneList, planUnits, writePlan } from '../dist/engine/dataset.js';
import { runUnits } from '../dist/engine/pool.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'threads' }, scenes: { type: 'string', default: '6' }, frames: { type: 'string', default: '60' },
    size: { type: 'string', default: '640x480' }, 'per-task': { type: 'string', default: '10' }, workers: { type: 'string', default: '1,2,3' },
  },
});
const scenes = Number(values.scenes), frames = Number(values.frames), perTask = Number(values['per-task']);
const [width, height] = values.size.split('x').map(Number);
const workerCounts = values.workers.split(',').map(Number);
const cli = join(new URL('.', import.meta.url).pathname, '..', 'dist', 'engine', 'cli.js');
const sceneArgs = ['--scenes', `synthetic:0..${scenes - 1}`, '--synthetic-frames', String(frames), '--synthetic-size', `${width}x${height}`, '--per-task', String(perTask)];

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0].model}), addon threads ${info().threads}, load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`mode ${values.mode}: ${scenes} synthetic scenes, ${frames} frames at ${width}x${height}, ${perTask} samples per question type, all tasks`);

async function threadsRun(k, out) {
  // The same units as the CLI makes for these arguments (compat 'ours', prompts on, seed 0).
  const list = await parseSceneList(`synthetic:0..${scenes - 1}`, { syntheticFrames: frames, syntheticSize: [width, height] });
  const units = planUnits(list, { seed: 0, options: { perTask, compat: 'ours', prompts: true } });
  await writePlan(out, units);
  await runUnits(units, out, { workers: k });
  await mergeShards(out);
}

function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function waitOutput(proc, re) {
  let text = '';
  return new Promise((res, rej) => {
    proc.stdout.on('data', (d) => {
      text += d;
      if (re.test(text)) res();
    });
    proc.on('exit', (code) => rej(new Error(`exited ${code}: ${text}`)));
  });
}

async function queueRun(k, out, redisUrl) {
  const queue = `bench-${process.pid}-${k}`;
  const workers = Array.from({ length: k }, () => spawn(process.execPath, [cli, 'worker', '--redis', redisUrl, '--queue', queue], { stdio: ['ignore', 'pipe', 'inherit'] }));
  try {
    await Promise.all(workers.map((w) => waitOutput(w, /concurrency \d+;/)));
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'queue', 'submit', '--redis', redisUrl, '--queue', queue, ...sceneArgs, '--out', out, '--wait', '--poll-ms', '200'], { stdio: 'ignore' });
    return (performance.now() - t0) / 1000;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
  }
}

let redis;
let redisUrl;
if (values.mode === 'queue') {
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redisUrl = `redis://127.0.0.1:${port}`;
  await new Promise((r) => setTimeout(r, 500));
}
const rows = [];
try {
  for (const k of workerCounts) {
    const out = mkdtempSync(join(tmpdir(), `spatial-scale-bench-${k}-`));
    try {
      const t0 = performance.now();
      const s = values.mode === 'queue' ? await queueRun(k, out, redisUrl) : (await threadsRun(k, out), (performance.now() - t0) / 1000);
      const sha = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).splits['qa_train.jsonl'].sha256.slice(0, 16);
      rows.push({ k, s });
      console.log(`workers ${k}: ${s.toFixed(1)} s, ${((60 * scenes) / s).toFixed(1)} scenes/min, merged train sha256 ${sha}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  redis?.kill('SIGTERM');
}
console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`\n| ${values.mode} workers | scenes/min | wall (s) |\n|---:|---:|---:|`);
for (const r of rows) console.log(`| ${r.k} | ${((60 * scenes) / r.s).toFixed(1)} | ${r.s.toFixed(1)} |`);
