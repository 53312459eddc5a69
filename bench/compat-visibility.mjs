// How many surface points does MultiSPA's strict depth test (0 < z < D, no tolerance) reject that
// our rule (z <= D + 0.05 m at the nearest pixel centre) keeps? Runs on the built-in synthetic scene
// and on every real sample under ../shared/data that has poses.
//   node bench/compat-visibility.mjs
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { visibleSets, visibleSetsMultiSpa } from '../dist/index.js';
import { scenePoints } from '../dist/engine/pipeline.js';
import { loadFrameDepth, loadScene } from '../dist/scenes/load.js';
import { synthesizeScene } from '../dist/scenes/synthetic.js';

const data = new URL('../../shared/data/', import.meta.url).pathname;
const scenes = [['synthetic (seed 0, 60 frames)', () => synthesizeScene({ seed: 0, frames: 60, width: 640, height: 480 })]];
if (existsSync(join(data, 'hololens-scannet'))) scenes.push(['hololens-scannet', () => loadScene(join(data, 'hololens-scannet'), 'scannet')]);
if (existsSync(join(data, 'redwood-tum'))) scenes.push(['redwood-tum', () => loadScene(join(data, 'redwood-tum'), 'tum')]);

for (const [name, load] of scenes) {
  const scene = await load();
  const { points, source } = await scenePoints(scene, scene.frames, { voxelSize: 0.02, stride: 2 });
  let ours = 0, strict = 0, both = 0;
  for (const f of scene.frames) {
    const depth = await loadFrameDepth(f);
    const a = visibleSets(points, [{ intrinsics: f.intrinsics, pose: f.pose }], [depth], { tolerance: 0.05 })[0];
    const b = visibleSetsMultiSpa(points, [{ intrinsics: f.colorIntrinsics ?? f.intrinsics, pose: f.pose }], [depth], { depthScales: [f.depth ? undefined : f.depthScale] })[0];
    const sb = new Set(b);
    ours += a.length;
    strict += b.length;
    for (const p of a) both += sb.has(p) ? 1 : 0;
  }
  console.log(`${name}: ${points.length / 3} points (${source}), ${scene.frames.length} frames; visible (point, frame) pairs: ours ${ours}, strict ${strict}; strict keeps ${(100 * both / ours).toFixed(1)} % of ours (rejects ${(100 * (1 - both / ours)).toFixed(1)} %)`);
}
