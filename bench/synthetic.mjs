#!/usr/bin/env node
// Times the synthetic scene: `node bench/synthetic.mjs [frames=200] [width=640] [height=480] [seed=0]`
// (after `npm run build`). Prints wall and CPU time of synthesizeScene with and without colour, the
// render share (native ray casting) and the point count.
import { cpus } from 'node:os';
import { info, raycastBoxes, synthesizeScene } from '../dist/index.js';

const [frames = 200, width = 640, height = 480, seed = 0] = process.argv.slice(2).map(Number);
const ms = (t0) => (performance.now() - t0).toFixed(0);
const cpuMs = (c0) => {
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1000).toFixed(0);
};
console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0].model}), addon threads ${info().threads}`);
synthesizeScene({ seed, frames: 2, width: 64, height: 48 });  // warm-up (addon load, JIT)
for (const color of [true, false]) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const scene = synthesizeScene({ seed, frames, width, height, color });
  const wall = ms(t0), cpu = cpuMs(c0);
  console.log(`synthesizeScene({ frames: ${frames}, ${width}x${height}, color: ${color} }): ${wall} ms wall, ${cpu} ms CPU; ` +
    `${scene.points.length / 3} points, ${scene.instances.length} instances`);
  if (color) {
    // The render alone: the same cameras through raycastBoxes.
    const boxes = scene.instances.filter((i) => !i.structural).map((i) => ({ min: i.box.min, max: i.box.max, id: i.id }));
    const room = { min: [0, 0, 0], max: scene.instances[1].box.max, faceIds: [3, 4, 5, 6, 1, 2] };
    const palette = new Uint8Array(3 * 64).fill(128);
    const t1 = performance.now(), c1 = process.cpuUsage();
    for (const f of scene.frames) raycastBoxes({ boxes, room, palette }, { intrinsics: f.intrinsics, pose: f.pose });
    console.log(`  render only (depth + ids + colour, ${boxes.length} boxes + room): ${ms(t1)} ms wall, ${cpuMs(c1)} ms CPU`);
  }
}
