/**
 * `spatial-geom sample-frames`: space-aware frame sampling (Spatial-MLLM) on a posed RGB-D scene.
 * @module
 */
import type { Command } from 'commander';
import { spatialError } from '../../../errors.js';
import { backprojectDepth } from '../../../ops/geometry/native.js';
import { COVERAGE_SELECT_DEFAULTS } from '../../../ops/sampling/shared.js';
import { voxelCoverageSelectDetailed } from '../../../ops/sampling/native.js';
import { loadFrameDepth } from '../../../scenes/load.js';
import { addSceneOptions, intArg, loadSceneArg, numberArg, progressBars, type SceneValues } from '../shared.js';

/** The command's own defaults: frames to pick and the back-projection's pixel stride. */
export const SAMPLE_FRAMES_DEFAULTS = { k: 16, stride: 4 } as const;

interface SampleFramesValues extends SceneValues {
  k: number;
  candidates: number;
  stride: number;
  voxelSize?: number;
  json: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('sample-frames')
    .description("pick k frames of a scene by greedy voxel coverage of its depth back-projected into the world (Spatial-MLLM's space-aware sampling)");
  addSceneOptions(cmd)
    .option('-k, --k <N>', 'frames to pick', intArg('-k'), SAMPLE_FRAMES_DEFAULTS.k)
    .option('--candidates <M>', 'evenly spaced candidate frames', intArg('--candidates'), COVERAGE_SELECT_DEFAULTS.candidates)
    .option('--stride <S>', 'pixel stride of the back-projection', intArg('--stride'), SAMPLE_FRAMES_DEFAULTS.stride)
    .option('--voxel-size <M>', "voxel edge (metres) (default: the points' smallest box extent / 20)", numberArg('--voxel-size', 'positive'))
    .option('--json', 'print { scene, frames, ids, coverage, greedyPicks, voxelSize, totalVoxels } as one JSON object', false)
    .action((values: SampleFramesValues) => sampleFrames(values));
}

async function sampleFrames(values: SampleFramesValues): Promise<void> {
  const { k, candidates, stride, voxelSize } = values;
  const scene = await loadSceneArg(values);
  if (!scene.frames.length) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${values.scene} has no usable frames`);
  const bars = progressBars();
  const maps: Float32Array[] = [];
  for (const [i, f] of scene.frames.entries()) {
    maps.push(backprojectDepth(await loadFrameDepth(f), { intrinsics: f.intrinsics, pose: f.pose }, { stride }));
    bars.progress?.('point maps', i + 1, scene.frames.length);
  }
  bars.stop();
  const sel = voxelCoverageSelectDetailed(maps, k, { candidates, voxelSize });
  const ids = sel.frames.map((f) => scene.frames[f].id);
  if (values.json) {
    process.stdout.write(JSON.stringify({ scene: scene.id, frames: sel.frames, ids, coverage: sel.coverage, greedyPicks: sel.greedyPicks, voxelSize: sel.voxelSize, totalVoxels: sel.totalVoxels }) + '\n');
    return;
  }
  process.stdout.write(`scene ${scene.id}: ${scene.frames.length} frames, ${sel.frames.length} chosen (${sel.greedyPicks} by coverage), voxel ${sel.voxelSize.toFixed(4)} m\n`);
  process.stdout.write(`frames (temporal order): ${ids.join(' ')}\n`);
  process.stdout.write(`coverage after each pick: ${sel.coverage.join(' ')} of ${sel.totalVoxels} voxels\n`);
}
