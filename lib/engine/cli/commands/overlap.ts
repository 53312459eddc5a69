/**
 * `spatial-geom overlap`: a scene's frame-overlap heat map (PNG) and histogram.
 * @module
 */
import type { Command } from 'commander';
import { overlapMatrix } from '../../../ops/geometry/native.js';
import { GENERATE_DEFAULTS, overlapHeatmap, overlapHistogram, scenePoints, sceneVisibility, writePng } from '../../pipeline.js';
import { shown } from '../generation.js';
import { addSceneOptions, intArg, loadSceneArg, progressBars, required, type SceneValues } from '../shared.js';

interface OverlapValues extends SceneValues {
  png?: string;
  frameStep?: number;
  json: boolean;
}

export function register(program: Command): void {
  const cmd = program.command('overlap').description("a scene's frame-pair overlap: heat map PNG and histogram (5 % bins)");
  addSceneOptions(cmd)
    .option('--png <FILE>', 'where to write the heat map')
    .option('--frame-step <K>', `keep every K-th frame ${shown(GENERATE_DEFAULTS.frameStep)}`, intArg('--frame-step'))
    .option('--json', 'print the result as one JSON object', false)
    .action((values: OverlapValues) => overlap(values));
}

async function overlap(values: OverlapValues): Promise<void> {
  const png = required(values.png, '--png FILE');
  const scene = await loadSceneArg(values);
  const step = values.frameStep ?? GENERATE_DEFAULTS.frameStep;
  const frames = scene.frames.filter((_, i) => i % step === 0);
  const bars = progressBars();
  const { points } = await scenePoints(scene, frames, { voxelSize: GENERATE_DEFAULTS.voxelSize, stride: GENERATE_DEFAULTS.backprojectStride, progress: bars.progress });
  const sets = await sceneVisibility(points, frames, { tolerance: GENERATE_DEFAULTS.tolerance, compat: 'ours', batchSize: GENERATE_DEFAULTS.batchSize, progress: bars.progress });
  bars.stop();
  const m = overlapMatrix(sets);
  await writePng(png, overlapHeatmap(m, frames.length));
  const h = overlapHistogram(m, frames.length);
  if (values.json) {
    const n = frames.length;
    const matrix = Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n), (v) => Math.round(v * 1e6) / 1e6));
    process.stdout.write(JSON.stringify({ scene: scene.id, frames: frames.map((f) => f.id), points: points.length / 3, histogram: h, overlap: matrix, png }) + '\n');
    return;
  }
  process.stdout.write(`${frames.length} frames, ${points.length / 3} points; overlap histogram (5 % bins): ${h.counts.join(' ')}\nwrote ${png}\n`);
}
