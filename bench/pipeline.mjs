#!/usr/bin/env node
// Whole-pipeline throughput at ScanNet scale (issue 18). After `npm run build`:
//
//   node bench/pipeline.mjs [--frames 300,1000] [--configs default,no-prompts,per-task-300]
//                           [--cli dist/engine/cli.js[,OTHER/dist/engine/cli.js]] [--gen-args "--image-format png"]
//                           [--scenes-dir /tmp/spatial-bench-scenes] [--keep-out] [--reference /path/to/MultiSPA]
//
// 1. Writes (once; cached under --scenes-dir) the synthetic room in ScanNet export layout at ScanNet's
//    sizes: colour 1296x968 JPEG with photo-like noise, depth 640x480 uint16 PNG (mm), poses,
//    intrinsic_depth/intrinsic_color, <scene>.txt (axisAlignment), a binary PLY mesh of ~300k
//    vertices with segs.json + aggregation.json (one segment per instance).
// 2. Runs `spatial-geom generate` on it as a child process under /usr/bin/time -v for every
//    frames x config x CLI, and prints the stage times generate prints, peak RSS and the output size.
//    With two CLIs (e.g. a checkout before a change), the runs alternate, so ratios are one run's.
// 3. Times decoding the same depth PNGs with sharp (16-bit raw, all cores) and with OpenCV's
//    cv2.imread (python3), the floor the visibility stage is compared against.
// 4. With --reference: times the published MultiSPA engine's visibility and relations passes on the
//    same scene and points (bench/multispa/time_passes.py) and prints the core-time ratios.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createRng, synthesizeScene, writeDepthPng } from '../dist/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '300,1000' },
    configs: { type: 'string', default: 'default,no-prompts,per-task-300' },
    cli: { type: 'string', default: join(root, 'dist/engine/cli.js') },
    'gen-args': { type: 'string', default: '' },
    'scenes-dir': { type: 'string', default: '/tmp/spatial-bench-scenes' },
    'out-dir': { type: 'string', default: '/tmp/spatial-bench-out' },
    'keep-out': { type: 'boolean', default: false },
    'no-decode': { type: 'boolean', default: false },
    points: { type: 'string', default: '300000' },
    seed: { type: 'string', default: '3' },
    reference: { type: 'string' },
    python: { type: 'string', default: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3' },
  },
});

const CONFIGS = {
  default: [],
  'no-prompts': ['--no-prompts'],
  'per-task-300': ['--per-task', '300'],
  'per-task-3000': ['--per-task', '3000'],
};
const COLOR_W = 1296, COLOR_H = 968, DEPTH_W = 640, DEPTH_H = 480;

const frameCounts = args.frames.split(',').map(Number);
const configs = args.configs.split(',').filter(Boolean);
for (const c of configs) if (!CONFIGS[c]) throw new Error(`--configs: unknown config ${c} (known: ${Object.keys(CONFIGS).join(', ')})`);
const clis = args.cli.split(',').map((p) => resolve(p));
const genArgs = args['gen-args'].split(/\s+/).filter(Boolean);
const seed = Number(args.seed);
const targetPoints = Number(args.points);

const matrixText = (m) => [0, 1, 2, 3].map((r) => Array.from({ length: 4 }, (_, c) => Number(m[4 * r + c]).toFixed(9)).join(' ')).join('\n') + '\n';
const kMatrix = (k) => [k.fx, 0, k.cx, 0, 0, k.fy, k.cy, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** Binary little-endian PLY: float x, y, z and uchar red, green, blue per vertex, no faces. */
function plyBytes(points, rgb) {
  const n = points.length / 3;
  const header = `ply\nformat binary_little_endian 1.0\ncomment spatial-geom bench scene\nelement vertex ${n}\n` +
    'property float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n' +
    'element face 0\nproperty list uchar int vertex_indices\nend_header\n';
  const head = Buffer.from(header, 'latin1');
  const body = Buffer.alloc(n * 15);
  for (let i = 0; i < n; i++) {
    body.writeFloatLE(points[3 * i], 15 * i);
    body.writeFloatLE(points[3 * i + 1], 15 * i + 4);
    body.writeFloatLE(points[3 * i + 2], 15 * i + 8);
    body[15 * i + 12] = rgb[0]; body[15 * i + 13] = rgb[1]; body[15 * i + 14] = rgb[2];
  }
  return Buffer.concat([head, body]);
}

/** Sensor-like noise: a few fixed fields of zero-mean noise (sum of uniforms, sigma ~6 levels). */
function noiseFields(count, length, rng) {
  return Array.from({ length: count }, () => {
    const f = new Int8Array(length);
    for (let i = 0; i < length; i++) f[i] = Math.round((rng.next() + rng.next() + rng.next() + rng.next() - 2) * 10);
    return f;
  });
}

/**
 * Writes the synthetic room as a ScanNet export (see the file comment). Depth is the renderer's exact
 * depth at 640x480; colour is its 640x480 render resized to 1296x968 (Lanczos) plus noise, with the
 * colour intrinsics scaled to match, so the colour and depth cameras share a centre, as in ScanNet.
 */
async function writeScene(dir, frames) {
  const stamp = join(dir, '.complete');
  const params = JSON.stringify({ frames, seed, targetPoints, v: 1 });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === params) return;
  await rm(dir, { recursive: true, force: true });
  const t0 = performance.now();
  // Point count scales as 1 / spacing^2; the room (and so its surface) depends on the seed only.
  const probe = synthesizeScene({ seed, frames: 1, width: 8, height: 6, color: false });
  const spacing = 0.02 * Math.sqrt(probe.points.length / 3 / targetPoints);
  const scene = synthesizeScene({ seed, frames, width: DEPTH_W, height: DEPTH_H, pointSpacing: spacing });
  const id = dir.split('/').pop();
  for (const sub of ['color', 'depth', 'pose', 'intrinsic']) await mkdir(join(dir, sub), { recursive: true });
  const k = scene.frames[0].intrinsics;
  const sx = COLOR_W / DEPTH_W, sy = COLOR_H / DEPTH_H;
  const colorK = { fx: k.fx * sx, fy: k.fy * sy, cx: (k.cx + 0.5) * sx - 0.5, cy: (k.cy + 0.5) * sy - 0.5 };
  await writeFile(join(dir, 'intrinsic', 'intrinsic_depth.txt'), matrixText(kMatrix(k)));
  await writeFile(join(dir, 'intrinsic', 'intrinsic_color.txt'), matrixText(kMatrix(colorK)));
  await writeFile(join(dir, `${id}.txt`), `sceneType = Bench\naxisAlignment = 1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1\n`);
  const noise = noiseFields(4, COLOR_W * COLOR_H * 3, createRng(`${seed}/noise`));
  const jobs = scene.frames.map((f, n) => async () => {
    await writeDepthPng(join(dir, 'depth', `${n}.png`), f.depth, { scale: 1000 });
    const up = await sharp(f.color.data, { raw: { width: DEPTH_W, height: DEPTH_H, channels: 3 } })
      .resize(COLOR_W, COLOR_H, { kernel: 'lanczos3' }).raw().toBuffer();
    const field = noise[n % noise.length];
    for (let i = 0; i < up.length; i++) { const v = up[i] + field[i]; up[i] = v < 0 ? 0 : v > 255 ? 255 : v; }
    await sharp(up, { raw: { width: COLOR_W, height: COLOR_H, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(dir, 'color', `${n}.jpg`));
    await writeFile(join(dir, 'pose', `${n}.txt`), matrixText(f.pose));
    f.depth = f.color = f.instanceIds = undefined;
  });
  await pool(jobs, availableParallelism());
  await writeFile(join(dir, `${id}_vh_clean_2.ply`), plyBytes(scene.points, [128, 128, 128]));
  await writeFile(join(dir, `${id}_vh_clean_2.0.010000.segs.json`), JSON.stringify({ sceneId: id, segIndices: Array.from(scene.pointInstances) }));
  const segGroups = scene.instances.map((inst) => ({ id: inst.id - 1, objectId: inst.id - 1, segments: [inst.id], label: inst.label }));
  await writeFile(join(dir, `${id}.aggregation.json`), JSON.stringify({ sceneId: id, segGroups }));
  await writeFile(stamp, params);
  console.log(`wrote ${dir}: ${frames} frames, ${scene.points.length / 3} mesh points, ${scene.instances.length} instances (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

async function pool(jobs, n) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => { while (next < jobs.length) await jobs[next++](); }));
}

function dirSize(dir) {
  let bytes = 0, files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { const s = dirSize(p); bytes += s.bytes; files += s.files; } else { bytes += statSync(p).size; files++; }
  }
  return { bytes, files };
}

/** One `generate` run as a child under /usr/bin/time -v: stage times, peak RSS, wall, CPU, output size. */
function runGenerate(cli, sceneDir, out, extra) {
  const argv = ['-v', process.execPath, cli, 'generate', '--scene', sceneDir, '--format', 'scannet', '--out', out, ...extra, ...genArgs];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`generate failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const stages = Object.fromEntries(/time per stage \(ms\): (.*)/.exec(r.stdout)[1].split(', ').map((kv) => { const [k, v] = kv.split(' '); return [k, Number(v)]; }));
  const field = (name) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(r.stderr)?.[1]);
  const points = Number(/frames, (\d+) points/.exec(r.stdout)?.[1]);
  const size = dirSize(out);
  return { stages, wall, cpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'), rssGiB: field('Maximum resident set size \\(kbytes\\)') / 2 ** 20, points, ...size };
}

/** Decoding every depth PNG of a scene: sharp 16-bit raw on all cores, and cv2.imread in python3. */
async function timeDepthDecode(sceneDir, frames) {
  const files = Array.from({ length: frames }, (_, n) => join(sceneDir, 'depth', `${n}.png`));
  const bytes = files.map((f) => readFileSync(f));
  const t0 = performance.now(), c0 = process.cpuUsage();
  await pool(bytes.map((b) => () => sharp(b).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer()), availableParallelism());
  const c = process.cpuUsage(c0);
  const sharpMs = performance.now() - t0;
  const py = spawnSync(args.python, ['-c', `
import cv2, sys, time
files = sys.argv[1:]
for f in files[:4]: cv2.imread(f, cv2.IMREAD_UNCHANGED)
t = time.perf_counter(); c = time.process_time()
for f in files: cv2.imread(f, cv2.IMREAD_UNCHANGED)
print((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000)
`, ...files], { encoding: 'utf8' });
  const [cvMs, cvCpu] = py.status === 0 ? py.stdout.trim().split(' ').map(Number) : [NaN, NaN];
  return { sharpMs, sharpCpuMs: (c.user + c.system) / 1000, cvMs, cvCpuMs: cvCpu, cvError: py.status === 0 ? undefined : py.stderr.slice(-300) };
}

const fmtS = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
const fmtBytes = (b) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`);
const rows = [];
const decodeRows = [];
const refRows = [];
for (const frames of frameCounts) {
  const sceneDir = join(resolve(args['scenes-dir']), `scene${String(frames).padStart(4, '0')}_00`);
  await writeScene(sceneDir, frames);
  for (const config of configs) {
    for (const [ci, cli] of clis.entries()) {
      const out = join(resolve(args['out-dir']), `f${frames}-${config}-cli${ci}`);
      await rm(out, { recursive: true, force: true });
      const r = runGenerate(cli, sceneDir, out, CONFIGS[config]);
      rows.push({ frames, config, cli: ci, ...r });
      const s = r.stages;
      console.log(`${frames} frames, ${config}${clis.length > 1 ? `, cli ${ci}` : ''}: ${r.points} points; visibility ${fmtS(s.visibility)} s, tasks ${fmtS(s.tasks)} s, total ${fmtS(s.total)} s ` +
        `(process ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU), peak RSS ${r.rssGiB.toFixed(2)} GiB, output ${fmtBytes(r.bytes)} in ${r.files} files; stages ${JSON.stringify(s)}`);
      if (!args['keep-out']) await rm(out, { recursive: true, force: true });
    }
  }
  if (!args['no-decode']) {
    const d = await timeDepthDecode(sceneDir, frames);
    decodeRows.push({ frames, ...d });
    console.log(`${frames} depth PNGs: sharp (raw ushort, ${availableParallelism()} at a time) ${fmtS(d.sharpMs)} s wall / ${fmtS(d.sharpCpuMs)} s CPU; cv2.imread ${fmtS(d.cvMs)} s wall / ${fmtS(d.cvCpuMs)} s CPU${d.cvError ? ` (cv2 failed: ${d.cvError})` : ''}`);
  }
  if (args.reference) {
    // Ours first (it writes the points and frames the driver reads), then the published engine.
    const work = join(resolve(args['out-dir']), `reference-${frames}`);
    const ours = spawnSync(process.execPath, [join(root, 'bench', 'pipeline-passes.mjs'), sceneDir, work], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (ours.status !== 0) { console.log(`our passes failed: ${ours.stderr.slice(-2000)}`); continue; }
    const mine = JSON.parse(ours.stdout.trim().split('\n').pop());
    const py = spawnSync(args.python, [join(root, 'bench', 'multispa', 'time_passes.py'), '--reference', resolve(args.reference), '--work', work, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (py.status !== 0) { console.log(`reference run failed: ${py.stderr.slice(-2000)}`); continue; }
    const ref = JSON.parse(py.stdout.trim().split('\n').pop());
    refRows.push({ frames, ref, mine });
    console.log(`${frames} frames vs MultiSPA: ${JSON.stringify({ ref, mine })}`);
    await rm(join(work, 'multispa'), { recursive: true, force: true });
  }
}

// The table (markdown, for the README).
console.log('\n| frames / points | options | CLI | visibility | tasks | total | process wall / CPU | peak RSS | output |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.frames} / ${(r.points / 1000).toFixed(0)}k | ${r.config} | ${r.cli} | ${fmtS(r.stages.visibility)} s | ${fmtS(r.stages.tasks)} s | ${fmtS(r.stages.total)} s | ${r.wall.toFixed(1)} s / ${r.cpu.toFixed(1)} s | ${r.rssGiB.toFixed(2)} GiB | ${fmtBytes(r.bytes)} (${r.files} files) |`);
if (clis.length > 1) {
  console.log('\nRatios (cli 0 time / cli k time, same run):');
  for (const r of rows.filter((x) => x.cli > 0)) {
    const b = rows.find((x) => x.cli === 0 && x.frames === r.frames && x.config === r.config);
    console.log(`  ${r.frames} frames ${r.config}, cli ${r.cli}: tasks ${(b.stages.tasks / r.stages.tasks).toFixed(2)}x, visibility ${(b.stages.visibility / r.stages.visibility).toFixed(2)}x, total ${(b.stages.total / r.stages.total).toFixed(2)}x, output ${(b.bytes / r.bytes).toFixed(2)}x smaller`);
  }
}
for (const d of decodeRows) {
  const fastest = Math.min(d.sharpMs, Number.isFinite(d.cvMs) ? d.cvMs : Infinity);
  for (const r of rows.filter((x) => x.frames === d.frames && x.config === 'no-prompts'))
    console.log(`${d.frames} frames no-prompts, cli ${r.cli}: visibility ${fmtS(r.stages.visibility)} s = ${(r.stages.visibility / fastest).toFixed(2)}x the fastest decode of the same depth PNGs (${fmtS(fastest)} s)`);
}
// All of ScanNet: 1,513 scans, every 5th frame. ScanNet's scans average ~1,660 frames (2.5M frames
// / 1,513), so ~330 frames a scan at step 5: the 300-frame runs stand for one scan, scaled by
// 330/300. Core time (the CPU seconds of the run) is what a node running scans side by side pays;
// per-task 3000 is per-task 300 with its tasks stage's share of the CPU time times 10 (the tasks
// stage is linear in the samples: 73.4 s -> 744.5 s in issue 18's runs).
const one = rows.filter((r) => r.frames === 300);
if (one.length) {
  console.log('\nAll of ScanNet (1,513 scans x ~330 frames at every 5th frame; per-scan figures x 330/300):');
  for (const r of one) {
    const perScanCore = r.cpu * (330 / 300);
    const line = (label, core, bytes) => console.log(`  cli ${r.cli} ${label}: ${core.toFixed(1)} core-s a scan -> ${(1513 * core / 3600).toFixed(1)} core-h, ` +
      `${(1513 * core / 64 / 3600).toFixed(2)} h on one 64-core node (scans side by side); output ${(1513 * bytes * 330 / 300 / 2 ** 40).toFixed(2)} TiB`);
    line(r.config, perScanCore, r.bytes);
    if (r.config === 'per-task-300') {
      const tasksShare = r.stages.tasks / r.stages.total;
      line('per-task-3000 (estimated)', perScanCore * (1 - tasksShare + 10 * tasksShare), r.bytes * 10);
    }
  }
}
for (const { frames, ref, mine } of refRows) {
  console.log(`\n${frames} frames, same scene and points, MultiSPA engine vs ours (core time = CPU seconds):`);
  for (const pass of Object.keys(ref.passes))
    console.log(`  ${pass}: MultiSPA ${ref.passes[pass].wall.toFixed(2)} s wall / ${ref.passes[pass].cpu.toFixed(2)} s CPU; ours ${(mine.passes[pass]?.wall ?? NaN).toFixed(3)} s wall / ${(mine.passes[pass]?.cpu ?? NaN).toFixed(3)} s CPU; ` +
      `${(ref.passes[pass].cpu / mine.passes[pass]?.cpu).toFixed(1)}x less core time`);
  const rc = Object.values(ref.passes).reduce((s, p) => s + p.cpu, 0), oc = Object.values(mine.passes).reduce((s, p) => s + p.cpu, 0);
  console.log(`  both passes: ${(rc / oc).toFixed(1)}x less core time (MultiSPA ${rc.toFixed(2)} s, ours ${oc.toFixed(3)} s); MultiSPA peak RSS ${ref.rssGiB?.toFixed(2)} GiB`);
}
