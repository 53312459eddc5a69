// Our side of the MultiSPA comparison (bench/multispa/compare.py runs it): loads a scene with our
// loaders and runs the engine's own stages under `--compat multispa` (scene points, visibility,
// overlap, camera relations and answers, point projections and their depth / coordinate answers),
// then writes what the reference needs as input (points.f32: the scene points, float32 xyz) and
// what is compared (ours.json). Needs the built dist/ (npm run build:ts).
//   node bench/multispa/ours.mjs --scene DIR --format scannet|tum --out DIR [--frames N]
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { overlapMatrixAsync } from '../../dist/index.js';
import { scenePoints, sceneVisibility } from '../../dist/engine/pipeline.js';
import { projectInto, storedCamera } from '../../dist/engine/context.js';
import { numberRules } from '../../dist/engine/format.js';
import { cameraRelation, sceneUp } from '../../dist/engine/relations.js';
import { cameraValues } from '../../dist/engine/tasks/camera.js';
import { loadScene } from '../../dist/scenes/load.js';

const { values: a } = parseArgs({ options: { scene: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, frames: { type: 'string' } } });
if (!a.scene || !a.format || !a.out) throw new Error('usage: ours.mjs --scene DIR --format scannet|tum --out DIR [--frames N]');
const compat = 'multispa';
const scene = await loadScene(a.scene, a.format);
const frames = a.frames ? scene.frames.slice(0, Number(a.frames)) : scene.frames;
const rules = numberRules(compat);

let t = performance.now();
const { points } = await scenePoints(scene, frames, { voxelSize: 0.02, stride: 2 });
const pointsMs = performance.now() - t;
t = performance.now();
const visible = await sceneVisibility(points, frames, { tolerance: 0.05, compat, batchSize: 32 });
const visibilityMs = performance.now() - t;
const m = frames.length;
const overlap = await overlapMatrixAsync(visible);
const up = sceneUp(scene.up, frames.map((f) => f.pose), compat);

// The task context the depth and correspondence generators see, reduced to what projectInto reads.
const colorCamera = (f) => ({ intrinsics: f.colorIntrinsics ?? f.intrinsics, pose: f.pose });
const ctx = { points, rules, frames: frames.map((f, index) => ({ index, id: f.id, colorCamera: colorCamera(f) })) };
const perFrame = frames.map((f, fi) => {
  const k = colorCamera(f).intrinsics;
  const sc = storedCamera(ctx, fi); // the frame's image as stored (compat runs augment nothing)
  const u = [], v = [], z = [], x = [], y = [], depthMm = [];
  for (const p of visible[fi]) {
    const pr = projectInto(ctx, p, sc);
    u.push(pr.u); v.push(pr.v); z.push(pr.z);
    x.push(rules.coord(pr.u, k.width)); y.push(rules.coord(pr.v, k.height)); depthMm.push(rules.depthMm(pr.z));
  }
  return {
    id: f.id, pose: Array.from(f.pose), intrinsics: k, depthIntrinsics: f.intrinsics,
    depthPath: f.depthPath, depthScale: f.depthScale, colorPath: f.colorPath,
    visible: Array.from(visible[fi]), u, v, z, x, y, depthMm,
  };
});
const pairs = [];
for (let i = 0; i < m; i++)
  for (let j = 0; j < m; j++) {
    if (i === j) continue;
    const rel = cameraRelation(frames[i].pose, frames[j].pose, up, compat);
    pairs.push({ i, j, overlap: overlap[i * m + j], yaw: rel.yaw, pitch: rel.pitch, distance: rel.distance, displacement: rel.displacement, values: cameraValues(rel, rules) });
  }
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'points.f32'), Buffer.from(points.buffer, points.byteOffset, points.byteLength));
writeFileSync(join(a.out, 'ours.json'), JSON.stringify({ scene: scene.id, up, points: points.length / 3, frames: perFrame, pairs, timingsMs: { points: pointsMs, visibility: visibilityMs } }));
console.log(`ours: ${points.length / 3} points, ${m} frames -> ${a.out}`);
