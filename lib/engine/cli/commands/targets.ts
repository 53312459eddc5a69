/**
 * `spatial-geom targets`: a scene's geometric training targets as one NumPy `.npz` per scene
 * (lib/engine/scene-targets.ts; README: Training targets).
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../../io/files.js';
import { loadScene } from '../../../scenes/load.js';
import { computeSceneTargets, encodeSceneTargets, SCENE_TARGET_DEFAULTS } from '../../scene-targets.js';
import { collect, intArg, logLine, progressBars, requireOut, resolveSceneFormat, sizeArg, usageError } from '../shared.js';
import { formatNameList, SCENE_FORMAT_REGISTRY } from '../../../scenes/formats.js';

interface TargetsValues {
  scene?: string[];
  format?: string;
  allowOutsidePaths: boolean;
  out?: string;
  imageSize?: [number, number];
  patch: number;
  frequencies: number;
  frameStep: number;
  pointStride: number;
}

export function register(program: Command): void {
  const d = SCENE_TARGET_DEFAULTS;
  program
    .command('targets')
    .description('write per scene OUT/<scene id>.npz: per-frame camera rays, ray embeddings, camera tokens, VGGT pose encodings, depth patch targets, the GeoVR metric scale, frame ids and intrinsics (README: Training targets)')
    .option('--scene <DIR>', 'a scene (repeatable: one .npz each)', collect)
    .option('--format <F>', `scene layout: ${formatNameList()} (default: detected: ${SCENE_FORMAT_REGISTRY.map((f) => `${f.name} = ${f.layout}`).join('; ')})`)
    .option('--allow-outside-paths', 'scene files may lie outside the scene folder', false)
    .option('--out <DIR>', 'output folder')
    .option('--image-size <WxH>', "resize every frame's depth camera (intrinsics and depth) first (default: the frames' own size)", sizeArg('--image-size', 1 << 20))
    .option('--patch <P>', 'patch size in pixels of rays, tokens and depth targets', intArg('--patch'), d.patchSize)
    .option('--frequencies <F>', 'octaves of the ray embedding and camera tokens (1..32)', frequenciesArg, d.frequencies)
    .option('--frame-step <K>', 'keep every K-th frame', intArg('--frame-step'), d.frameStep)
    .option('--point-stride <S>', "pixel stride of the points whose mean distance to frame 0's camera is the VGGT scale", intArg('--point-stride'), d.pointStride)
    .action((values: TargetsValues) => targets(values));
}

function frequenciesArg(s: string): number {
  const v = intArg('--frequencies')(s);
  if (v > 32) throw usageError(`--frequencies must be an integer in 1..32 (got ${s})`);
  return v;
}

async function targets(values: TargetsValues): Promise<void> {
  const out = requireOut(values.out);
  if (!values.scene?.length) throw usageError('--scene DIR is required');
  const written = new Set<string>();
  for (const dir of values.scene) {
    const format = await resolveSceneFormat(dir, values.format);
    const scene = await loadScene(dir, format, values.allowOutsidePaths ? { allowOutsidePaths: true } : undefined);
    const name = `${scene.id.replace(/[^\w.-]/g, '_')}.npz`;
    if (written.has(name)) throw usageError(`two --scene folders have the scene id ${scene.id}: their files would both be ${join(out, name)}`);
    written.add(name);
    const bars = progressBars();
    const t = await computeSceneTargets(scene, {
      imageSize: values.imageSize, patchSize: values.patch, frequencies: values.frequencies, frameStep: values.frameStep, pointStride: values.pointStride, progress: bars.progress,
    }).finally(() => bars.stop());
    const bytes = encodeSceneTargets(t);
    await writeFileAtomic(join(out, name), bytes, 'targets file', { mkdir: true });
    process.stdout.write(`scene ${scene.id}: ${t.frameIds.length} frames, ${t.width}x${t.height}, ${t.rows}x${t.cols} patches of ${t.patchSize} px, metric scale ${t.metricScale.toFixed(4)} m -> ${join(out, name)} (${(bytes.length / 1e6).toFixed(1)} MB)\n`);
  }
  if (values.scene.length > 1) logLine(`wrote ${values.scene.length} targets files to ${out}`);
}
