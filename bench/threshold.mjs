// Where do two threads start to pay? Times projectPoints and visibleSets on growing problems with one
// thread and with two (threshold forced to 0), and prints the ratio. The crossover sets the default
// `parallelThreshold` (point-camera pairs) of native/core/src/parallel.cpp.
//   node --expose-gc bench/threshold.mjs
import Benchmark from 'benchmark';
import { configure, info, projectPoints, visibleSets } from '../dist/index.js';
import { randomPoints, ringCameras, wavyDepths } from './scenes.mjs';

const hz = (fn) => {
  const b = new Benchmark(fn, { minSamples: 10, maxTime: 0.5 });
  b.run();
  return b.hz;
};
const before = info();
const cams = ringCameras(4);
const depths = wavyDepths(cams);
console.log('work (pt x cam) | project 2 threads / 1 thread | visibility 2 / 1');
for (const n of [4_096, 16_384, 65_536, 262_144, 1_048_576]) {
  const pts = randomPoints(n);
  const out = { uv: new Float32Array(2 * n * 4), depth: new Float32Array(n * 4) };
  const run = (threads) => {
    configure({ threads, parallelThreshold: 0 });
    return [hz(() => projectPoints(pts, cams, out)), hz(() => visibleSets(pts, cams, depths))];
  };
  const [p1, v1] = run(1);
  const [p2, v2] = run(2);
  console.log(`${String(n * 4).padStart(15)} | ${(p2 / p1).toFixed(2).padStart(27)} | ${(v2 / v1).toFixed(2)}`);
}
configure({ threads: 0, parallelThreshold: before.parallelThreshold });
