/**
 * `spatial-geom generate`: QA from one scene (scannet, tum, manifest) or one TAPVid-3D clip.
 * @module
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { spatialError } from '../../../errors.js';
import { readText } from '../../../io/files.js';
import { loadClip } from '../../../scenes/clip.js';
import { pathKind } from '../../../scenes/formats.js';
import { CLIP_GENERATE_DEFAULTS, generateClip } from '../../dynamic.js';
import { generateInto } from '../../output.js';
import { generateScene, type GenerateOptions } from '../../pipeline.js';
import { ALL_CLIP_TASKS, ALL_TASKS, taskEntry } from '../../tasks/index.js';
import { noPairMessage } from '../../pairs.js';
import { addGenerationOptions, cameraAugmentOptions, fractionArg, generationOptions, type GenerationValues, imageFormatOptions, imageOptions, shown } from '../generation.js';
import { addSceneOptions, choiceArg, clipTasks, intArg, loadSceneArg, logLine, printClipReport, printReport, progressBars, required, type SceneValues, sizeArg } from '../shared.js';

interface GenerateValues extends GenerationValues, SceneValues {
  out?: string;
  imageSize?: [number, number];
  pointsPerGroup?: number;
  pairsPerBin?: number;
  split?: 'samples';
  evalFraction?: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('generate')
    .description('generate QA from one scene (scannet, tum, manifest) or one TAPVid-3D clip (.npz or .json, --format tapvid3d)')
    .option('--out <DIR>', 'output folder: qa_train.jsonl, qa_eval.jsonl, by_type/, README.md (dataset card), images/, overlap.png, stats.json');
  addSceneOptions(cmd, 'DIR|CLIP');
  addGenerationOptions(cmd)
    .option('--image-size <WxH>', 'clips: the frame size when the clip has no images and no image_size', sizeArg('--image-size'))
    .option('--points-per-group <N>', `clips: tracks drawn per rigid group ${shown(CLIP_GENERATE_DEFAULTS.pointsPerGroup)}`, intArg('--points-per-group'))
    .option('--pairs-per-bin <N>', `clips: frame pairs per distance bin at most ${shown(CLIP_GENERATE_DEFAULTS.pairsPerBin)}`, intArg('--pairs-per-bin'))
    // One scene is one room: generate splits its samples (`dataset` splits by room).
    .option('--split <MODE>', 'samples: a seeded fraction of the samples in eval (the only split of one scene; dataset splits by room)', choiceArg('--split', ['samples'] as const))
    .option('--eval-fraction <F>', 'fraction of the samples in eval (default: 0.1)', fractionArg('--eval-fraction'))
    .action((values: GenerateValues) => generate(values));
}

/** A clip: `--format tapvid3d`, or (no --format) a .npz file or a .json file with `tracks_XYZ`. */
async function isClip(values: GenerateValues): Promise<boolean> {
  if (values.format !== undefined) return values.format === 'tapvid3d';
  const scene = values.scene!;
  if ((await pathKind(scene)) !== 'file') return false;
  const ext = extname(scene).toLowerCase();
  let clip = ext === '.npz';
  if (ext === '.json') {
    try {
      clip = Object.hasOwn(JSON.parse(await readText(scene, '--scene file')) ?? {}, 'tracks_XYZ');
    } catch {
      clip = false; // the manifest loader reports what is wrong with it
    }
  }
  if (clip) logLine(`--format tapvid3d (detected: ${scene} is a ${ext === '.npz' ? '.npz file' : '.json file with tracks_XYZ'})`);
  return clip;
}

async function generate(values: GenerateValues): Promise<void> {
  const out = required(values.out, '--out DIR');
  required(values.scene, '--scene DIR');
  if (await isClip(values)) return generateFromClip(values, out);
  const opts: GenerateOptions = { outDir: out, ...generationOptions(values), evalFraction: values.evalFraction };
  const scene = await loadSceneArg(values);
  if (scene.frames.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${values.scene} has no usable frames`);
  const bars = progressBars();
  const report = await generateInto(out, 'generate', (dir) => generateScene(scene, { ...opts, outDir: dir, progress: bars.progress })).finally(() => bars.stop());
  if (report.pairSelection.selected === 0 && (opts.tasks ?? ALL_TASKS).some((t) => taskEntry(t).usesPairs))
    logLine(`warning: ${noPairMessage(report.overlapBand, report.overlapRange)}; camera and correspondence questions were not generated`);
  printReport(report, out);
}

async function generateFromClip(values: GenerateValues, out: string): Promise<void> {
  const tasks = clipTasks(values.tasks);
  const clip = await loadClip(values.scene!, { imageSize: values.imageSize, allowOutsidePaths: values.allowOutsidePaths === true });
  const bars = progressBars();
  const report = await generateInto(out, 'generate', (dir) => generateClip(clip, {
    outDir: dir, seed: values.seed, tasks, perTask: values.perTask, overlapBand: values.overlap, pointsPerGroup: values.pointsPerGroup,
    pairsPerBin: values.pairsPerBin, compat: values.compat === 'multispa' ? 'multispa' : 'ours', prompts: values.prompts, progress: bars.progress,
    ...imageFormatOptions(values),
    singleImageAsString: imageOptions(values).singleImageAsString, // a clip's frames are always written into OUT
    evalFraction: values.evalFraction, cameraAugment: cameraAugmentOptions(values),
  })).finally(() => bars.stop());
  if (report.cameraPairs === 0 && clip.poses && (tasks ?? ALL_CLIP_TASKS).includes('camera'))
    logLine(`warning: ${noPairMessage(report.overlapBand, report.overlapRange)}; camera questions were not generated`);
  printClipReport(report, out);
}
