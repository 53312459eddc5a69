#!/usr/bin/env node
// Our side of bench/pipeline.mjs --reference: loads a ScanNet-layout scene, writes what the
// MultiSPA driver (bench/multispa/time_passes.py) needs (points.f32: the scene's mesh points as float32
// xyz; frames.json: poses, intrinsics, depth paths and scale), then times, in this process, the
// two passes the driver times in the published engine:
//   visibility: every scene point in every frame (the engine's default path: stored depth PNGs);
//   relations:  the overlap matrix of those visible sets, and the yaw/pitch difference and distance
//               of every frame pair (what MultiSPA's calculate_frames_relations.process_scene
//               computes; it recomputes the visibility itself, our engine computes it once).
// Prints one JSON line: { passes: { visibility: { wall, cpu }, relations: { wall, cpu } }, ... }.
//   node bench/pipeline-passes.mjs SCENE_DIR WORK_DIR
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { overlapMatrixAsync } from '../dist/index.js';
import { sceneVisibility } from '../dist/engine/pipeline.js';
import { upVector, wrapDegrees, yawPitch } from '../dist/engine/relations.js';
import { loadScene } from '../dist/scenes/load.js';

const [sceneDir, work] = process.argv.slice(2);
if (!sceneDir || !work) throw new Error('usage: pipeline-passes.mjs SCENE_DIR WORK_DIR');
mkdirSync(work, { recursive: true });
const scene = await loadScene(sceneDir, 'scannet');
const { frames, points } = scene;
writeFileSync(join(work, 'points.f32'), Buffer.from(points.buffer, points.byteOffset, points.byteLength));
writeFileSync(join(work, 'frames.json'), JSON.stringify(frames.map((f) => ({
  id: f.id, pose: Array.from(f.pose), intrinsics: f.intrinsics, colorIntrinsics: f.colorIntrinsics ?? f.intrinsics,
  depthPath: f.depthPath, colorPath: f.colorPath, depthScale: f.depthScale,
}))));

const timed = async (fn) => {
  const t = performance.now(), c = process.cpuUsage();
  const r = await fn();
  const u = process.cpuUsage(c);
  return { r, wall: (performance.now() - t) / 1000, cpu: (u.user + u.system) / 1e6 };
};
const opts = { tolerance: 0.05, compat: 'ours', batchSize: 32 };
// Warm-up on one batch: addon load, JIT, libvips and the thread pool's job memory.
await sceneVisibility(points, frames.slice(0, opts.batchSize), opts);
const vis = await timed(() => sceneVisibility(points, frames, opts));
const rel = await timed(async () => {
  const visible = vis.r;
  const overlap = await overlapMatrixAsync(visible);
  const up = upVector(scene.up, frames.map((f) => f.pose));
  const angles = frames.map((f) => yawPitch(f.pose, up));
  const m = frames.length;
  const rows = new Float64Array(4 * (m * (m - 1)) / 2);
  let k = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++, k += 4) {
      const a = frames[i].pose, b = frames[j].pose;
      rows[k] = overlap[i * m + j];
      rows[k + 1] = Math.hypot(b[3] - a[3], b[7] - a[7], b[11] - a[11]);
      rows[k + 2] = wrapDegrees(angles[j].yaw - angles[i].yaw);
      rows[k + 3] = angles[j].pitch - angles[i].pitch;
    }
  return rows.length / 4;
});
console.log(JSON.stringify({ frames: frames.length, points: points.length / 3, pairs: rel.r,
  passes: { visibility: { wall: vis.wall, cpu: vis.cpu }, relations: { wall: rel.wall, cpu: rel.cpu } }, rssGiB: process.resourceUsage().maxRSS / 2 ** 20 }));
