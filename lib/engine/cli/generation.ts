/**
 * The options of every command that generates QA (`generate`, `dataset`, `queue submit`) and of
 * the commands that plan a dataset's units (`dataset`, `queue submit`). Their defaults are the
 * pipeline's ({@link GENERATE_DEFAULTS}, {@link DATASET_DEFAULTS}): options left out stay
 * undefined, so the pipeline applies them, and the help prints the same constants.
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatNameList, SCENE_FORMATS, type SceneFormat } from '../../scenes/formats.js';
import { CLIP_FORMAT, DATASET_DEFAULTS, type DatasetSplitOptions, mergeShards, parseSceneList, planUnits, type Unit, type UnitTask } from '../dataset.js';
import { type CameraAugmentOptions, checkCameraAugmentOptions } from '../camera-augment.js';
import { IMAGE_FORMATS, type ImageFormat, type ImageFormatOptions } from '../images.js';
import { GENERATE_DEFAULTS, type GenerateOptions } from '../pipeline.js';
import { parseEvalScenes } from '../splits.js';
import { ALL_CLIP_TASKS, ALL_TASKS } from '../tasks/index.js';
import { choiceArg, intArg, listArg, numberArg, overlapArg, progressBars, required, sceneTasks, showSize, sizeArg, usageError } from './shared.js';

/** `(default: X)` for a help text. */
export function shown(value: unknown): string {
  return `(default: ${Array.isArray(value) ? value.join(',') : String(value)})`;
}

/** The values of {@link addGenerationOptions}. */
export interface GenerationValues {
  tasks?: string[];
  perTask?: number;
  seed: number;
  overlap?: [number, number];
  frameStep?: number;
  voxelSize?: number;
  tolerance?: number;
  compat?: 'multispa';
  prompts: boolean;
  imageFormat?: ImageFormat;
  jpegQuality?: number;
  pngCompression?: number;
  copyImages?: boolean;
  linkImages?: boolean;
  singleImageAsString?: boolean;
  cameraAugment?: boolean;
  augmentScale?: [number, number];
  augmentShift?: [number, number];
  augmentCrop?: [number, number];
  cameraScale?: number;
}

/** `LO,HI` numbers. */
function rangeArg(flag: string): (s: string) => [number, number] {
  return (s) => {
    const v = s.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (v.length !== 2 || !v.every(Number.isFinite) || v[0] > v[1]) throw usageError(`${flag} must be LO,HI numbers with LO <= HI (got ${s})`);
    return [v[0], v[1]];
  };
}

/**
 * The camera augmentation of the flags (issue 16): `--camera-augment` with optional ranges, or
 * `--camera-scale S`; undefined when neither is given.
 */
export function cameraAugmentOptions(values: GenerationValues): CameraAugmentOptions | undefined {
  const ranges = { scale: values.augmentScale, shift: values.augmentShift, crop: values.augmentCrop };
  const anyRange = Object.values(ranges).some((r) => r !== undefined);
  let opts: unknown;
  if (values.cameraScale !== undefined) {
    if (values.cameraAugment || anyRange) throw usageError('--camera-scale applies one fixed scale: it takes no --camera-augment or --augment-* ranges');
    opts = { fixedScale: values.cameraScale };
  } else if (values.cameraAugment) opts = Object.fromEntries(Object.entries(ranges).filter(([, r]) => r !== undefined));
  else {
    if (anyRange) throw usageError('--augment-scale, --augment-shift and --augment-crop need --camera-augment');
    return undefined;
  }
  try {
    return checkCameraAugmentOptions(opts);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}
/** Adds the generation options to `cmd`. */
export function addGenerationOptions(cmd: Command): Command {
  const d = GENERATE_DEFAULTS;
  return cmd
    .option('--tasks <LIST>', `task families, comma-separated: ${ALL_TASKS.join(',')} (clips: object_movement,camera) (default: all)`, listArg)
    .option('--per-task <N>', `samples per question type ${shown(d.perTask)}`, intArg('--per-task'))
    .option('--seed <S>', 'run seed; each scene is seeded from (seed, scene id)', intArg('--seed', 0), d.seed)
    .option('--overlap <LO,HI>', `overlap band of the selected frame pairs, fractions ${shown(d.overlapBand)}`, overlapArg)
    .option('--frame-step <K>', `keep every K-th frame ${shown(d.frameStep)}`, intArg('--frame-step'))
    .option('--voxel-size <M>', `voxel size (metres) of scene points fused from depth ${shown(d.voxelSize)}`, numberArg('--voxel-size', 'positive', 'metres'))
    .option('--tolerance <M>', `visibility depth tolerance (metres) ${shown(d.tolerance)}`, numberArg('--tolerance', 'non-negative', 'metres'))
    .option('--compat <MODE>', `multispa: the reference engine's rules (default: ${d.compat}, this package's rules)`, choiceArg('--compat', ['multispa'] as const))
    .option('--no-prompts', 'do not draw visual prompts (dot questions)')
    .option('--copy-images', 'copy the scene\'s frames into OUT/images/<scene>/ so that OUT is self-contained (default: reference them where they lie)')
    .option('--link-images', 'as --copy-images, with hard links (copies across file systems)')
    .option('--single-image-as-string', 'in qa_train.jsonl / qa_eval.jsonl, one-image samples get "image": "path" (LLaVA-1.5) instead of a list')
    // Camera augmentation inside QA generation (README: Camera augmentation inside QA generation).
    .option('--camera-augment', 'augment every image of every sample (seeded): scale, principal-point shift, crop; pixels, coordinates and intrinsics_list follow')
    .option('--augment-scale <LO,HI>', '--camera-augment: scale factor range (default: 0.8,1.2)', rangeArg('--augment-scale'))
    .option('--augment-shift <LO,HI>', '--camera-augment: principal-point shift range, fraction of the resized size (default: -0.05,0.05)', rangeArg('--augment-shift'))
    .option('--augment-crop <LO,HI>', '--camera-augment: fraction of each side kept by the crop (default: 0.9,1)', rangeArg('--augment-crop'))
    .option('--camera-scale <S>', 'resize every image by one factor S (a cross-camera test set), instead of --camera-augment', numberArg('--camera-scale', 'positive'))
    .option('--image-format <F>', `format of the images the engine writes (prompts, in-memory frames): jpg or png ${shown(d.imageFormat)}`, choiceArg('--image-format', IMAGE_FORMATS))
    .option('--jpeg-quality <Q>', `JPEG quality 1..100 ${shown(d.jpegQuality)}`, intInRange('--jpeg-quality', 1, 100))
    .option('--png-compression <L>', `PNG zlib level 0..9 ${shown(d.pngCompression)}`, intInRange('--png-compression', 0, 9));
}

/** `imageMode` and `singleImageAsString` of {@link GenerateOptions} from the image flags. */
export function imageOptions(values: Pick<GenerationValues, 'copyImages' | 'linkImages' | 'singleImageAsString'>): Pick<GenerateOptions, 'imageMode' | 'singleImageAsString'> {
  if (values.copyImages && values.linkImages) throw usageError('--copy-images and --link-images exclude each other: give one');
  return {
    imageMode: values.copyImages ? 'copy' : values.linkImages ? 'link' : undefined,
    singleImageAsString: values.singleImageAsString ? true : undefined,
  };
}

function intInRange(flag: string, lo: number, hi: number): (s: string) => number {
  const parse = intArg(flag, lo);
  return (s) => {
    const v = parse(s);
    if (v > hi) throw usageError(`${flag} must be an integer in [${lo}, ${hi}] (got ${s})`);
    return v;
  };
}

/** The image-format options of {@link GenerationValues} (only those given: unit keys stay as they were). */
export function imageFormatOptions(values: GenerationValues): ImageFormatOptions {
  const o: ImageFormatOptions = {};
  if (values.imageFormat !== undefined) o.imageFormat = values.imageFormat;
  if (values.jpegQuality !== undefined) o.jpegQuality = values.jpegQuality;
  if (values.pngCompression !== undefined) o.pngCompression = values.pngCompression;
  return o;
}

/** {@link GenerateOptions} from the values of {@link addGenerationOptions}. */
export function generationOptions(values: GenerationValues): Omit<GenerateOptions, 'outDir'> {
  return {
    seed: values.seed, tasks: sceneTasks(values.tasks), perTask: values.perTask, overlapBand: values.overlap, frameStep: values.frameStep,
    voxelSize: values.voxelSize, tolerance: values.tolerance, compat: values.compat === 'multispa' ? 'multispa' : 'ours', prompts: values.prompts,
    ...imageFormatOptions(values),
    ...imageOptions(values),
    cameraAugment: cameraAugmentOptions(values),
  };
}

/** The values of {@link addDatasetOptions}. */
export interface DatasetValues extends GenerationValues {
  scenes?: string;
  format?: SceneFormat | typeof CLIP_FORMAT;
  split?: 'rooms' | 'samples';
  evalScenes?: string;
  evalFraction?: number;
  evalPerType?: number;
  out?: string;
  syntheticFrames?: number;
  syntheticSize?: [number, number];
  splitTasks: boolean;
}

/** Adds the options that define a dataset's units (`dataset`, `queue submit`). */
export function addDatasetOptions(cmd: Command): Command {
  cmd
    .option('--scenes <LIST>', 'comma-separated synthetic:A..B | FORMAT:PATH | PATH (with --format; a folder of scenes expands) | tapvid3d:CLIP|DIR (dynamic clips; a folder of .npz) | @FILE (one a line)')
    .option('--format <F>', `format of plain paths in --scenes: ${formatNameList()} or ${CLIP_FORMAT}`, choiceArg('--format', [...SCENE_FORMATS, CLIP_FORMAT]))
    .option('--out <DIR>', 'output folder (shards/, plan.json, the merged splits)')
    .option('--synthetic-frames <N>', `frames of each synthetic scene ${shown(DATASET_DEFAULTS.syntheticFrames)}`, intArg('--synthetic-frames', 2))
    .option('--synthetic-size <WxH>', `image size of each synthetic scene ${shown(showSize(DATASET_DEFAULTS.syntheticSize))}`, sizeArg('--synthetic-size', 8192))
    .option('--split-tasks', 'one unit per (scene, task family) instead of one per scene', false)
    // Leak-free splits (README: Splits and benchmarks without leakage).
    .option('--split <MODE>', 'rooms: whole rooms (every scan of one) in train or eval; samples: a fraction of each scene\'s samples (default: rooms)', choiceArg('--split', ['rooms', 'samples'] as const))
    .option('--eval-scenes <LIST|@FILE>', 'rooms of these scan or room names go to eval (e.g. @scannetv2_val.txt)')
    .option('--eval-fraction <F>', 'fraction of rooms (--split samples: of each scene\'s samples) in eval (default: 0.1)', fractionArg('--eval-fraction'))
    .option('--eval-per-type <N>', 'the merged eval split holds exactly N samples per question type, spread evenly over the eval rooms', intArg('--eval-per-type'));
  return addGenerationOptions(cmd);
}

/** A fraction in [0, 1]. */
export function fractionArg(flag: string): (s: string) => number {
  return (s) => {
    const v = Number(s);
    if (s.trim() === '' || !(v >= 0 && v <= 1)) throw usageError(`${flag} must be a fraction in [0, 1] (got ${s})`);
    return v;
  };
}

/** The dataset split of the flags: by room unless `--split samples`. */
async function datasetSplitOptions(values: DatasetValues): Promise<DatasetSplitOptions> {
  const mode = values.split ?? 'rooms';
  if (mode === 'samples') {
    if (values.evalScenes !== undefined || values.evalPerType !== undefined) throw usageError('--eval-scenes and --eval-per-type need --split rooms (the default)');
    return { mode, evalFraction: values.evalFraction };
  }
  if (values.evalScenes !== undefined && values.evalFraction !== undefined) throw usageError('--eval-scenes and --eval-fraction are exclusive: give one');
  const evalScenes = values.evalScenes === undefined ? undefined : await parseEvalScenes(values.evalScenes);
  return { mode, evalScenes, evalFraction: values.evalFraction, evalPerType: values.evalPerType };
}

/**
 * The units of a dataset from the values of {@link addDatasetOptions}, and `--eval-per-type` (which
 * `writePlan` records). Scenes take the static tasks of `--tasks`, clips the clip tasks.
 */
export async function datasetUnits(values: DatasetValues): Promise<{ units: Unit[]; evalPerType?: number }> {
  const scenes = required(values.scenes, '--scenes LIST (e.g. synthetic:0..5, scannet:DIR, tapvid3d:DIR, @list.txt)');
  // singleImageAsString shapes the merged files only (merge applies it), not a unit's shard.
  const { seed, tasks: _static, singleImageAsString: _merged, ...options } = generationOptions({ ...values, tasks: undefined });
  const known = [...new Set<string>([...ALL_TASKS, ...ALL_CLIP_TASKS])];
  for (const n of values.tasks ?? []) if (!known.includes(n)) throw usageError(`--tasks: unknown task '${n}' (known: ${known.join(', ')})`);
  const split = await datasetSplitOptions(values);
  const list = await parseSceneList(scenes, { format: values.format, syntheticFrames: values.syntheticFrames, syntheticSize: values.syntheticSize });
  const units = planUnits(list, { seed, tasks: values.tasks as UnitTask[] | undefined, options, splitTasks: values.splitTasks, split });
  return { units, evalPerType: split.mode === 'rooms' ? split.evalPerType : undefined };
}

/** `--verify` of merges. */
export const verifyArg = choiceArg('--verify', ['all', 'jsonl'] as const);

/** Merges the shards of `out` (the caller holds its lock). */
export async function mergeAndReport(out: string, verify: 'all' | 'jsonl' = DATASET_DEFAULTS.verify, singleImageAsString = false): Promise<void> {
  const bars = progressBars();
  const m = await mergeShards(out, { verify, singleImageAsString, progress: (done, total) => bars.progress?.('merge', done, total) }).finally(() => bars.stop());
  const train = m.splits['qa_train.jsonl'], evalSplit = m.splits['qa_eval.jsonl'];
  process.stdout.write(`merged ${m.units} units: train ${train.samples} (sha256 ${train.sha256.slice(0, 16)}), eval ${evalSplit.samples} (sha256 ${evalSplit.sha256.slice(0, 16)}) -> ${join(out, 'manifest.json')}\n`);
  const short = Object.entries(m.shortfalls ?? {});
  if (short.length) {
    process.stdout.write(`per-scene shortfalls (${short.length} of ${new Set(m.shards.map((x) => x.scene)).size} scenes made fewer than they asked for of some question type; manifest.json: shortfalls):\n`);
    for (const [scene, types] of short.slice(0, 20))
      process.stdout.write(`  ${scene}: ${Object.entries(types).map(([t, v]) => `${t} ${v.made}/${v.wanted}`).join(', ')}\n`);
    if (short.length > 20) process.stdout.write(`  ... and ${short.length - 20} more\n`);
  }
  const sp = m.split;
  if (sp?.mode === 'rooms') {
    process.stdout.write(`split by room: ${sp.train_rooms.length} train rooms, ${sp.eval_rooms.length} eval rooms (${sp.eval_rooms.slice(0, 8).join(', ')}${sp.eval_rooms.length > 8 ? ', ...' : ''})\n`);
    if (sp.eval_per_type !== undefined) {
      process.stdout.write(`eval: ${sp.eval_per_type} per question type requested\n`);
      for (const [type, missing] of Object.entries(sp.eval_shortfall ?? {}))
        process.stdout.write(`  shortfall: ${type} has ${sp.eval_per_type - missing} of ${sp.eval_per_type} (the eval rooms hold no more)\n`);
    }
  }
}
