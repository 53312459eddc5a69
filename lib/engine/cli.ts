#!/usr/bin/env node
/**
 * `spatial-geom`: the command line of the data engine.
 *
 *   spatial-geom demo [--out DIR] [--seed S]
 *   spatial-geom generate --scene DIR --format scannet|tum|manifest --out DIR [--tasks a,b] [--per-task N]
 *                         [--seed S] [--overlap 0.06,0.35] [--frame-step K] [--compat multispa] [--no-prompts]
 *   spatial-geom generate --scene CLIP.npz|CLIP.json --format tapvid3d --out DIR [--tasks object_movement,camera] [--image-size WxH]
 *   spatial-geom overlap --scene DIR --format F --png overlap.png
 *   spatial-geom stats qa.jsonl
 *   spatial-geom eval --gt eval.jsonl --pred predictions.jsonl [--format multispa] [--json | --markdown]
 *   spatial-geom sample-frames --scene DIR --format F [-k 16] [--json]
 *   spatial-geom dataset --scenes LIST --out DIR [--shard i/n] [--workers K] ...   (README: Scale out)
 *   spatial-geom merge --out DIR [--verify all|jsonl]
 *   spatial-geom queue submit|status --redis URL ...;  spatial-geom worker --redis URL --out DIR [--allow-root DIR] [--concurrency K]
 * @module
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { isSpatialError, spatialError } from '../errors.js';
import { backprojectDepth, overlapMatrix } from '../geometry.js';
import { voxelCoverageSelectDetailed } from '../sampling.js';
import { formatNameList, SCENE_FORMATS, type SceneFormat } from '../scenes/formats.js';
import { loadFrameDepth, loadScene } from '../scenes/load.js';
import { synthesizeScene } from '../scenes/synthetic.js';
import type { Scene } from '../scenes/types.js';
import { loadClip } from '../scenes/clip.js';
import { synthesizeClip } from '../scenes/synthetic-clip.js';
import { ALL_CLIP_TASKS, ALL_TASKS, type ClipTaskName, type TaskName, taskEntry } from './tasks/index.js';
import { type ClipReport, generateClip } from './dynamic.js';
import { type EvalSample, type PredictionRecord, formatScoreMarkdown, formatScoreTable, parseJsonLines, scoreEval, scoreSummaryJson } from './scoring/index.js';
import {
  checkMergedSplit, CLIP_FORMAT, completedKeys, type DatasetSplitOptions, mergeShards, parseSceneList, parseShardArg, planUnits, readPlan, shardsDir, shardUnits, type Unit, writePlan,
} from './dataset.js';
import { parseEvalScenes } from './splits.js';
import { noPairMessage } from './pairs.js';
import { type CameraAugmentOptions, checkCameraAugmentOptions } from './camera-augment.js';
import { runUnits } from './pool.js';
import { asIoError, readBytes, readText } from '../io/files.js';
import { redactUrl } from './redact.js';
import { assertUnlocked } from '../io/lock.js';
import { generateInto, LOCK_FILE, lockOutput } from './output.js';
import { type GenerateOptions, type GenerateReport, generateScene, overlapHeatmap, overlapHistogram, scenePoints, sceneVisibility, writePng } from './pipeline.js';

const USAGE = `usage:
  spatial-geom demo [--out DIR] [--seed S] [--frames N]
  spatial-geom generate --scene DIR --format ${SCENE_FORMATS.join('|')} --out DIR [--tasks ${ALL_TASKS.join(',')}]
                        [--per-task N] [--seed S] [--overlap LO,HI] [--frame-step K] [--voxel-size M] [--compat multispa] [--no-prompts]
                        [--allow-outside-paths] [--split samples] [--eval-fraction F]
                        [--camera-augment [--augment-scale 0.8,1.2] [--augment-shift -0.05,0.05] [--augment-crop 0.9,1] | --camera-scale S]
  spatial-geom generate --scene CLIP.npz|CLIP.json --format tapvid3d --out DIR [--tasks ${ALL_CLIP_TASKS.join(',')}] [--per-task N] [--seed S]
                        [--image-size WxH] [--points-per-group 15] [--pairs-per-bin 30] [--overlap LO,HI] [--compat multispa] [--no-prompts]
  spatial-geom overlap --scene DIR --format ${SCENE_FORMATS.join('|')} --png FILE [--frame-step K]
  spatial-geom stats FILE.jsonl
  spatial-geom eval --gt eval.jsonl --pred predictions.jsonl [--format ours|multispa] [--json | --markdown]
  spatial-geom sample-frames --scene DIR --format ${SCENE_FORMATS.join('|')} [-k 16] [--candidates 128] [--stride 4] [--voxel-size M] [--json]
  spatial-geom dataset --scenes LIST --out DIR [--format F] [--synthetic-frames N] [--synthetic-size WxH] [--split-tasks]
                       [--shard I/N] [--workers K] [--no-merge] [generate's --tasks ... --no-prompts]
                       [--split rooms|samples] [--eval-fraction F | --eval-scenes LIST|@FILE] [--eval-per-type N]
  spatial-geom merge --out DIR [--verify all|jsonl]
  spatial-geom queue submit --redis URL --scenes LIST --out DIR [--queue NAME] [--attempts 3] [--backoff-ms 1000]
                            [--wait [--poll-ms 1000] [--no-merge]] [dataset's scene and generate options]
  spatial-geom queue status --redis URL [--queue NAME] [--out DIR]
  spatial-geom worker --redis URL --out DIR [--out DIR2 ...] [--allow-root SCENES_DIR ...] [--queue NAME] [--concurrency K]
                      [--lock-ms 30000] [--stalled-ms 30000] [--max-stalled 3]
  Redis options (queue, worker): --redis URL or SPATIAL_GEOM_REDIS_URL; password from SPATIAL_GEOM_REDIS_PASSWORD or
                      --redis-password-file FILE (not in the URL: ps shows it); rediss:// with --redis-ca/--redis-cert/--redis-key FILE
  LIST: comma-separated synthetic:A..B | FORMAT:PATH | PATH (with --format; a folder of scenes expands) | @FILE (one a line);
        tapvid3d:CLIP.npz|CLIP.json|DIR (dynamic clips; a folder stands for its .npz files)`;

/** Progress bars on stderr, one per stage (silent when stderr is not a terminal). */
function progressBars(): { progress: GenerateOptions['progress']; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return {
    progress: (stage, done, total) => {
      if (stage !== current) {
        bar?.stop();
        current = stage;
        bar = new cliProgress.SingleBar({ format: `${stage.padEnd(10)} [{bar}] {value}/{total} {duration_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}

function parseOverlap(s: string | undefined): [number, number] | undefined {
  if (s === undefined) return undefined;
  const v = s.split(',').map(Number);
  if (v.length !== 2 || !v.every((x) => Number.isFinite(x) && x >= 0 && x <= 1) || v[0] >= v[1])
    throw spatialError('ERR_SPATIAL_FORMAT', `--overlap must be LO,HI fractions with 0 <= LO < HI <= 1 (got ${s})`);
  return [v[0], v[1]];
}

function parseInteger(s: string | undefined, name: string, min = 1): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isInteger(v) || v < min) throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be an integer >= ${min} (got ${s})`);
  return v;
}

function parseTasks(s: string | undefined): TaskName[] | undefined {
  if (s === undefined) return undefined;
  const names = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const n of names) if (!ALL_TASKS.includes(n as TaskName)) throw spatialError('ERR_SPATIAL_FORMAT', `--tasks: unknown task '${n}' (known: ${ALL_TASKS.join(', ')})`);
  return names as TaskName[];
}

function parseClipTasks(s: string | undefined): ClipTaskName[] | undefined {
  if (s === undefined) return undefined;
  const names = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const n of names) if (!ALL_CLIP_TASKS.includes(n as ClipTaskName)) throw spatialError('ERR_SPATIAL_FORMAT', `--tasks: unknown task '${n}' for a clip (known: ${ALL_CLIP_TASKS.join(', ')})`);
  return names as ClipTaskName[];
}

function parseImageSize(s: string | undefined): [number, number] | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw spatialError('ERR_SPATIAL_FORMAT', `--image-size must be WxH, e.g. 640x480 (got ${s})`);
  return [Number(m[1]), Number(m[2])];
}

function printClipReport(r: ClipReport, out: string): void {
  const p = (s: string) => process.stdout.write(s + '\n');
  p(`clip ${r.clip}: ${r.frames} frames, ${r.tracks} tracks${r.nonFiniteTracks ? ` (${r.nonFiniteTracks} left out: NaN or infinite coordinates)` : ''}`);
  p(`rigid groups (size, moving): ${r.groups.map((g) => `${g.size}${g.moving ? ' moving' : ' static'}`).join(', ')}`);
  p(`object-movement candidates: ${r.candidates.moving} moving (per distance bin: ${r.candidates.perBin.join(' ')}), ${r.candidates.static} static; camera pairs ${r.cameraPairs}`);
  p(`samples: ${Object.entries(r.samples).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  p(`train ${r.train}, eval ${r.eval} -> ${out}`);
  p(`time per stage (ms): ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

function printReport(r: GenerateReport, out: string): void {
  const p = (s: string) => process.stdout.write(s + '\n');
  p(`scene ${r.scene}: ${r.frames} frames, ${r.points} points (${r.pointsSource})`);
  p(`visible set sizes: min ${r.visible.min}, mean ${Math.round(r.visible.mean)}, max ${r.visible.max}`);
  p(`overlap histogram (all pairs, 5 % bins): ${r.overlapHistogram.counts.join(' ')}`);
  const ps = r.pairSelection;
  p(`pairs in band (1 % bins) before: ${ps.before.join(' ')}`);
  p(`pairs selected per bin after:     ${ps.after.join(' ')}  (${ps.selected} selected; ${ps.outside} outside the band, ${ps.zero} with no overlap)`);
  p(`samples: ${Object.entries(r.samples).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  p(`train ${r.train}, eval ${r.eval} -> ${out}`);
  p(`time per stage (ms): ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

async function cmdDemo(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', default: './demo-out' }, seed: { type: 'string', default: '0' }, frames: { type: 'string', default: '60' } } });
  const seed = parseInteger(values.seed, '--seed', 0)!;
  const frames = parseInteger(values.frames, '--frames', 2)!;
  const t = performance.now();
  const scene = synthesizeScene({ seed, frames, width: 640, height: 480 });
  const synthMs = Math.round(performance.now() - t);
  const bars = progressBars();
  const report = await generateInto(values.out!, 'demo', (dir) => generateScene(scene, { outDir: dir, seed, perTask: 10, progress: bars.progress }));
  bars.stop();
  report.timingsMs = { synthesize: synthMs, ...report.timingsMs };
  printReport(report, values.out!);

  // The dynamic half: moving boxes seen by a moving camera (object-movement and camera questions).
  const dynOut = join(values.out!, 'dynamic');
  const t1 = performance.now();
  const clip = synthesizeClip({ seed, frames: 40, width: 640 });
  const clipMs = Math.round(performance.now() - t1);
  const bars2 = progressBars();
  const clipReport = await generateInto(dynOut, 'demo', (dir) => generateClip(clip, { outDir: dir, seed, perTask: 10, progress: bars2.progress }));
  bars2.stop();
  clipReport.timingsMs = { synthesize: clipMs, ...clipReport.timingsMs };
  printClipReport(clipReport, dynOut);
}

async function cmdGenerateClip(values: Record<string, string | boolean | undefined>): Promise<void> {
  const out = values.out as string;
  const clip = await loadClip(values.scene as string, { imageSize: parseImageSize(values['image-size'] as string | undefined), allowOutsidePaths: values['allow-outside-paths'] === true });
  const bars = progressBars();
  const report = await generateInto(out, 'generate', (dir) => generateClip(clip, {
    outDir: dir, seed: parseInteger(values.seed as string, '--seed', 0), tasks: parseClipTasks(values.tasks as string | undefined),
    perTask: parseInteger(values['per-task'] as string | undefined, '--per-task'), overlapBand: parseOverlap(values.overlap as string | undefined),
    pointsPerGroup: parseInteger(values['points-per-group'] as string | undefined, '--points-per-group'),
    pairsPerBin: parseInteger(values['pairs-per-bin'] as string | undefined, '--pairs-per-bin'),
    compat: values.compat === 'multispa' ? 'multispa' : 'ours', prompts: !values['no-prompts'], progress: bars.progress,
    evalFraction: parseFraction(values['eval-fraction'] as string | undefined, '--eval-fraction'), cameraAugment: cameraAugmentOptions(values as GenerationValues),
  })).finally(() => bars.stop());
  const tasks = parseClipTasks(values.tasks as string | undefined) ?? ALL_CLIP_TASKS;
  if (report.cameraPairs === 0 && clip.poses && tasks.includes('camera'))
    process.stderr.write(`spatial-geom: warning: ${noPairMessage(report.overlapBand, report.overlapRange)}; camera questions were not generated\n`);
  printClipReport(report, out);
}

/** `--allow-outside-paths`: scene files may lie outside the scene folder (README: Scene formats). */
const PATH_OPTIONS = { 'allow-outside-paths': { type: 'boolean', default: false } } as const;

async function loadSceneArg(values: { scene?: string; format?: string; 'allow-outside-paths'?: boolean }): Promise<Scene> {
  if (!values.scene) throw spatialError('ERR_SPATIAL_FORMAT', '--scene DIR is required');
  const format = values.format ?? 'scannet';
  if (!SCENE_FORMATS.includes(format as SceneFormat)) throw spatialError('ERR_SPATIAL_FORMAT', `--format must be ${SCENE_FORMATS.join(', ')} or tapvid3d (got ${format})`);
  return loadScene(values.scene, format as SceneFormat, values['allow-outside-paths'] ? { allowOutsidePaths: true } : undefined);
}

/** The options of every command that generates QA (generate, dataset, queue submit). */
const GENERATION_OPTIONS = {
  tasks: { type: 'string' }, 'per-task': { type: 'string' }, seed: { type: 'string', default: '0' }, overlap: { type: 'string' },
  'frame-step': { type: 'string' }, 'voxel-size': { type: 'string' }, tolerance: { type: 'string' }, compat: { type: 'string' },
  'no-prompts': { type: 'boolean', default: false },
  // issue 16: camera augmentation flags (see cameraAugmentOptions below).
  'camera-augment': { type: 'boolean', default: false }, 'augment-scale': { type: 'string' }, 'augment-shift': { type: 'string' }, 'augment-crop': { type: 'string' },
  'camera-scale': { type: 'string' },
} as const;

type GenerationValues = { [K in keyof typeof GENERATION_OPTIONS]?: (typeof GENERATION_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

// ---- issue 16 (camera-aware QA): camera augmentation flags of generate / dataset / queue submit ----
function parseRange(s: string | undefined, name: string): [number, number] | undefined {
  if (s === undefined) return undefined;
  const v = s.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
  if (v.length !== 2 || !v.every(Number.isFinite)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be LO,HI numbers (got ${s})`);
  return [v[0], v[1]];
}

/** `--camera-augment [--augment-scale LO,HI] [--augment-shift LO,HI] [--augment-crop LO,HI]` or `--camera-scale S`. */
function cameraAugmentOptions(values: GenerationValues): CameraAugmentOptions | undefined {
  const ranges = { scale: parseRange(values['augment-scale'], '--augment-scale'), shift: parseRange(values['augment-shift'], '--augment-shift'), crop: parseRange(values['augment-crop'], '--augment-crop') };
  const anyRange = Object.values(ranges).some((r) => r !== undefined);
  if (values['camera-scale'] !== undefined) {
    if (values['camera-augment'] || anyRange) throw spatialError('ERR_SPATIAL_FORMAT', '--camera-scale applies one fixed scale: it takes no --camera-augment or --augment-* ranges');
    const scale = values['camera-scale'].trim() === '' ? NaN : Number(values['camera-scale']);
    return checkCameraAugmentOptions({ fixedScale: scale });
  }
  if (!values['camera-augment']) {
    if (anyRange) throw spatialError('ERR_SPATIAL_FORMAT', '--augment-scale, --augment-shift and --augment-crop need --camera-augment');
    return undefined;
  }
  return checkCameraAugmentOptions(Object.fromEntries(Object.entries(ranges).filter(([, r]) => r !== undefined)));
}
// ---- end of issue 16 camera augmentation flags ----

function generationOptions(values: GenerationValues): Omit<GenerateOptions, 'outDir'> {
  if (values.compat !== undefined && values.compat !== 'multispa') throw spatialError('ERR_SPATIAL_FORMAT', `--compat must be multispa (got ${values.compat})`);
  const voxel = values['voxel-size'] === undefined ? undefined : Number(values['voxel-size']);
  if (voxel !== undefined && !(voxel > 0)) throw spatialError('ERR_SPATIAL_FORMAT', `--voxel-size must be > 0 metres (got ${values['voxel-size']})`);
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0)) throw spatialError('ERR_SPATIAL_FORMAT', `--tolerance must be >= 0 metres (got ${values.tolerance})`);
  return {
    seed: parseInteger(values.seed, '--seed', 0), tasks: parseTasks(values.tasks), perTask: parseInteger(values['per-task'], '--per-task'),
    overlapBand: parseOverlap(values.overlap), frameStep: parseInteger(values['frame-step'], '--frame-step'), voxelSize: voxel, tolerance,
    compat: values.compat === 'multispa' ? 'multispa' : 'ours', prompts: !values['no-prompts'], cameraAugment: cameraAugmentOptions(values),
  };
}

async function cmdGenerate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scene: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, ...GENERATION_OPTIONS, ...PATH_OPTIONS,
      'image-size': { type: 'string' }, 'points-per-group': { type: 'string' }, 'pairs-per-bin': { type: 'string' },
      split: { type: 'string' }, 'eval-fraction': { type: 'string' },
    },
  });
  if (!values.out) throw spatialError('ERR_SPATIAL_FORMAT', '--out DIR is required');
  // One scene is one room: generate splits its samples (issue 16; `dataset` splits by room).
  if (values.split !== undefined && values.split !== 'samples')
    throw spatialError('ERR_SPATIAL_FORMAT', `generate runs one scene, so --split must be samples (got ${values.split}); split by room with 'spatial-geom dataset'`);
  if (values.format === 'tapvid3d') {
    if (!values.scene) throw spatialError('ERR_SPATIAL_FORMAT', '--scene CLIP.npz|CLIP.json is required');
    if (values.compat !== undefined && values.compat !== 'multispa') throw spatialError('ERR_SPATIAL_FORMAT', `--compat must be multispa (got ${values.compat})`);
    return cmdGenerateClip(values);
  }
  const opts: GenerateOptions = { outDir: values.out, ...generationOptions(values), evalFraction: parseFraction(values['eval-fraction'], '--eval-fraction') };
  const scene = await loadSceneArg(values);
  if (scene.frames.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${values.scene} has no usable frames`);
  const bars = progressBars();
  const report = await generateInto(values.out, 'generate', (dir) => generateScene(scene, { ...opts, outDir: dir, progress: bars.progress })).finally(() => bars.stop());
  if (report.pairSelection.selected === 0 && (opts.tasks ?? ALL_TASKS).some((t) => taskEntry(t).usesPairs))
    process.stderr.write(`spatial-geom: warning: ${noPairMessage(report.overlapBand, report.overlapRange)}; camera and correspondence questions were not generated\n`);
  printReport(report, values.out);
}

// ---------------------------------------------------------------------------------------------
// Scale out: a dataset of many scenes as units (lib/engine/dataset.ts), run here, by a batch-job
// array (--shard i/n), or through a BullMQ queue (lib/engine/queue.ts).

// ---- issue 16 (camera-aware QA, leak-free splits): split flags of dataset / queue submit / generate ----
/** `--split`, `--eval-scenes`, `--eval-fraction`, `--eval-per-type` (dataset, queue submit). */
const SPLIT_OPTIONS = {
  split: { type: 'string' }, 'eval-scenes': { type: 'string' }, 'eval-fraction': { type: 'string' }, 'eval-per-type': { type: 'string' },
} as const;
type SplitValues = { split?: string; 'eval-scenes'?: string; 'eval-fraction'?: string; 'eval-per-type'?: string };

function parseFraction(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!(s.trim() !== '' && v >= 0 && v <= 1)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be a fraction in [0, 1] (got ${s})`);
  return v;
}

/** The dataset split of the flags: by room unless `--split samples` (README: Splits and benchmarks). */
async function datasetSplitOptions(values: SplitValues): Promise<DatasetSplitOptions> {
  const mode = values.split ?? 'rooms';
  if (mode !== 'rooms' && mode !== 'samples') throw spatialError('ERR_SPATIAL_FORMAT', `--split must be rooms or samples (got ${mode})`);
  const evalFraction = parseFraction(values['eval-fraction'], '--eval-fraction');
  const evalPerType = parseInteger(values['eval-per-type'], '--eval-per-type');
  if (mode === 'samples') {
    if (values['eval-scenes'] !== undefined || evalPerType !== undefined) throw spatialError('ERR_SPATIAL_FORMAT', '--eval-scenes and --eval-per-type need --split rooms (the default)');
    return { mode, evalFraction };
  }
  const evalScenes = values['eval-scenes'] === undefined ? undefined : await parseEvalScenes(values['eval-scenes']);
  return { mode, evalScenes, evalFraction, evalPerType };
}
// ---- end of issue 16 split flags ----

/** The options that define a dataset's units (dataset, queue submit). */
const DATASET_OPTIONS = {
  scenes: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, 'synthetic-frames': { type: 'string' }, 'synthetic-size': { type: 'string' },
  'split-tasks': { type: 'boolean', default: false }, ...GENERATION_OPTIONS, ...SPLIT_OPTIONS,
} as const;

type DatasetValues = GenerationValues & SplitValues & { scenes?: string; format?: string; out?: string; 'synthetic-frames'?: string; 'synthetic-size'?: string; 'split-tasks'?: boolean };

function requireOut(out: string | undefined): string {
  if (!out) throw spatialError('ERR_SPATIAL_FORMAT', '--out DIR is required');
  return resolve(out);
}

async function datasetUnits(values: DatasetValues): Promise<{ units: Unit[]; evalPerType?: number }> {
  if (!values.scenes) throw spatialError('ERR_SPATIAL_FORMAT', '--scenes LIST is required (e.g. synthetic:0..5, scannet:DIR, @list.txt)');
  if (values.format !== undefined && values.format !== CLIP_FORMAT && !SCENE_FORMATS.includes(values.format as SceneFormat))
    throw spatialError('ERR_SPATIAL_FORMAT', `--format must be ${formatNameList()} or ${CLIP_FORMAT} (got ${values.format})`);
  let size: [number, number] | undefined;
  if (values['synthetic-size'] !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(values['synthetic-size']);
    if (!m || !(Number(m[1]) >= 1 && Number(m[1]) <= 8192 && Number(m[2]) >= 1 && Number(m[2]) <= 8192)) throw spatialError('ERR_SPATIAL_FORMAT', `--synthetic-size must be WxH, 1..8192 each (got ${values['synthetic-size']})`);
    size = [Number(m[1]), Number(m[2])];
  }
  // Scenes take the static tasks, clips (tapvid3d:FILE|DIR) the clip tasks: --tasks may name both.
  const { seed, tasks: _static, ...options } = generationOptions({ ...values, tasks: undefined });
  const tasks = values.tasks === undefined ? undefined : values.tasks.split(',').map((x) => x.trim()).filter(Boolean).map((n) => {
    if (!(ALL_TASKS as string[]).includes(n) && !(ALL_CLIP_TASKS as string[]).includes(n))
      throw spatialError('ERR_SPATIAL_FORMAT', `--tasks: unknown task '${n}' (known: ${[...new Set([...ALL_TASKS, ...ALL_CLIP_TASKS])].join(', ')})`);
    return n as TaskName | ClipTaskName;
  });
  const split = await datasetSplitOptions(values);
  const scenes = await parseSceneList(values.scenes, { format: values.format as SceneFormat | typeof CLIP_FORMAT | undefined, syntheticFrames: parseInteger(values['synthetic-frames'], '--synthetic-frames', 2), syntheticSize: size });
  const units = planUnits(scenes, { seed, tasks, options, splitTasks: values['split-tasks'], split });
  return { units, evalPerType: split.mode === 'rooms' ? split.evalPerType : undefined };
}

function parseVerify(s: string | undefined): 'all' | 'jsonl' {
  if (s !== 'all' && s !== 'jsonl') throw spatialError('ERR_SPATIAL_FORMAT', `--verify must be all or jsonl (got ${s})`);
  return s;
}

/** Merges the shards of `out` (the caller holds its lock). */
async function mergeAndReport(out: string, verify: 'all' | 'jsonl' = 'all'): Promise<void> {
  const bars = progressBars();
  const m = await mergeShards(out, { verify, progress: (done, total) => bars.progress?.('merge', done, total) }).finally(() => bars.stop());
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

async function cmdDataset(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ...DATASET_OPTIONS, shard: { type: 'string' }, workers: { type: 'string', default: '1' }, 'no-merge': { type: 'boolean', default: false }, verify: { type: 'string', default: 'all' } } });
  const out = requireOut(values.out);
  const shard = values.shard === undefined ? undefined : parseShardArg(values.shard);
  const workers = parseInteger(values.workers, '--workers')!;
  const verify = parseVerify(values.verify);
  const { units, evalPerType } = await datasetUnits(values);
  const mine = shard ? shardUnits(units, shard.index, shard.count) : units;
  // Copies of one array share OUT by design (each holds its own slot's lock); a whole run holds OUT.
  const sharded = shard !== undefined && shard.count > 1;
  const lock = await lockOutput(out, 'dataset', sharded ? `.spatial-geom.shard-${shard.index}-of-${shard.count}.lock` : undefined);
  try {
    if (sharded) assertUnlocked(join(out, LOCK_FILE));
    await datasetLocked(values, out, units, mine, shard, workers, verify, evalPerType);
  } finally {
    lock.release();
  }
}

async function datasetLocked(
  values: { 'no-merge'?: boolean }, out: string, units: Unit[], mine: Unit[], shard: { index: number; count: number } | undefined, workers: number, verify: 'all' | 'jsonl',
  evalPerType?: number,
): Promise<void> {
  await writePlan(out, units, { evalPerType });
  const bars = progressBars();
  const t = performance.now();
  const results = await runUnits(mine, out, { workers, onUnit: (_, done, total) => bars.progress?.('units', done, total) }).finally(() => bars.stop());
  const done = results.filter((r) => r.status === 'done').length;
  const minutes = (performance.now() - t) / 60_000;
  process.stdout.write(`${shard ? `shard ${shard.index}/${shard.count}: ` : ''}${mine.length} of ${units.length} units: ${done} generated, ${mine.length - done} already done` +
    `${done ? ` (${(done / minutes).toFixed(1)} units/min on ${workers} worker${workers > 1 ? 's' : ''})` : ''} -> ${shardsDir(out)}\n`);
  if (shard && shard.count > 1) process.stdout.write(`when every shard has finished: spatial-geom merge --out ${out}\n`);
  else if (!values['no-merge']) await mergeAndReport(out, verify);
}

async function cmdMerge(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, verify: { type: 'string', default: 'all' } } });
  const out = requireOut(values.out);
  const verify = parseVerify(values.verify);
  const lock = await lockOutput(out, 'merge');
  try {
    await mergeAndReport(out, verify);
  } finally {
    lock.release();
  }
}

const REDIS_OPTIONS = {
  redis: { type: 'string' }, queue: { type: 'string' }, 'redis-password-file': { type: 'string' }, 'redis-ca': { type: 'string' }, 'redis-cert': { type: 'string' }, 'redis-key': { type: 'string' },
} as const;

/**
 * Queue mode's module, loaded on first use: bullmq (with ioredis) is an optional peer dependency that
 * only `queue` and `worker` need, so a library user neither installs nor loads it.
 */
async function queueModule(): Promise<typeof import('./queue.js')> {
  try {
    return await import('./queue.js');
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_MODULE_NOT_FOUND' && /['"]bullmq['"]/.test(err.message))
      throw spatialError('ERR_SPATIAL_IO', 'queue mode needs the optional package bullmq: install it beside @spatial/geom (npm install bullmq@5)');
    throw e;
  }
}

async function cmdQueue(argv: string[]): Promise<void> {
  const { DEFAULT_QUEUE, queueCounts, resolveQueueTarget, submitUnits, waitForUnits } = await queueModule();
  const [sub, ...rest] = argv;
  if (sub === 'status') {
    const { values } = parseArgs({ args: rest, options: { ...REDIS_OPTIONS, out: { type: 'string' } } });
    const counts = await queueCounts(await resolveQueueTarget(values));
    process.stdout.write(`queue ${values.queue ?? DEFAULT_QUEUE}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (values.out) {
      const out = requireOut(values.out);
      const plan = await readPlan(out);
      const done = await completedKeys(out);
      process.stdout.write(`${out}: ${plan.units.filter((u) => done.has(u.key)).length} of ${plan.units.length} units done\n`);
    }
    return;
  }
  if (sub !== 'submit') throw spatialError('ERR_SPATIAL_FORMAT', `queue needs 'submit' or 'status' (got ${sub === undefined ? 'nothing' : `'${sub}'`})`);
  const { values } = parseArgs({
    args: rest,
    options: { ...DATASET_OPTIONS, ...REDIS_OPTIONS, attempts: { type: 'string', default: '3' }, 'backoff-ms': { type: 'string', default: '1000' }, wait: { type: 'boolean', default: false }, 'poll-ms': { type: 'string', default: '1000' }, 'no-merge': { type: 'boolean', default: false } },
  });
  const target = await resolveQueueTarget(values);
  const out = requireOut(values.out);
  const { units, evalPerType } = await datasetUnits(values);
  const submit = { ...target, attempts: parseInteger(values.attempts, '--attempts')!, backoffMs: parseInteger(values['backoff-ms'], '--backoff-ms', 0)!, evalPerType };
  const r = await submitUnits(units, out, submit);
  process.stdout.write(`queue ${target.queue ?? DEFAULT_QUEUE}: ${r.queued} units queued, ${r.retried} failed ones retried, ${r.done} already done, of ${units.length}\n`);
  if (!values.wait) return;
  const bars = progressBars();
  await waitForUnits(units, out, { ...submit, pollMs: parseInteger(values['poll-ms'], '--poll-ms')!, progress: (done, total) => bars.progress?.('units', done, total), log: (l) => process.stderr.write(`spatial-geom: ${l}\n`) }).finally(() => bars.stop());
  process.stdout.write(`all ${units.length} units done\n`);
  if (values['no-merge']) return;
  const lock = await lockOutput(out, 'merge');
  try {
    await mergeAndReport(out);
  } finally {
    lock.release();
  }
}

async function cmdWorker(argv: string[]): Promise<void> {
  const { DEFAULT_QUEUE, resolveQueueTarget, startQueueWorker } = await queueModule();
  const { values } = parseArgs({
    args: argv,
    options: {
      ...REDIS_OPTIONS, out: { type: 'string', multiple: true }, 'allow-root': { type: 'string', multiple: true },
      concurrency: { type: 'string', default: '1' }, 'lock-ms': { type: 'string' }, 'stalled-ms': { type: 'string' }, 'max-stalled': { type: 'string' },
    },
  });
  const target = await resolveQueueTarget(values);
  const prefix = `worker ${process.pid}: `;
  const w = await startQueueWorker({
    ...target, outs: values.out ?? [], allowRoots: values['allow-root'], concurrency: parseInteger(values.concurrency, '--concurrency')!, lockMs: parseInteger(values['lock-ms'], '--lock-ms', 100),
    stalledMs: parseInteger(values['stalled-ms'], '--stalled-ms', 100), maxStalled: parseInteger(values['max-stalled'], '--max-stalled', 0),
    log: (l) => process.stdout.write(prefix + l + '\n'),
  });
  process.stdout.write(`${prefix}queue ${target.queue ?? DEFAULT_QUEUE} at ${redactUrl(target.redis)}, writing ${(values.out ?? []).map((d) => resolve(d)).join(', ')}, concurrency ${values.concurrency}; stop with Ctrl-C (SIGINT) or SIGTERM\n`);
  const signal = await new Promise<string>((res) => {
    process.once('SIGINT', () => res('SIGINT'));
    process.once('SIGTERM', () => res('SIGTERM'));
  });
  process.stdout.write(`${prefix}${signal}: finishing the units in flight\n`);
  await w.close();
}

async function cmdOverlap(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { scene: { type: 'string' }, format: { type: 'string' }, png: { type: 'string' }, 'frame-step': { type: 'string' }, ...PATH_OPTIONS } });
  if (!values.png) throw spatialError('ERR_SPATIAL_FORMAT', '--png FILE is required');
  const scene = await loadSceneArg(values);
  const step = parseInteger(values['frame-step'], '--frame-step') ?? 1;
  const frames = scene.frames.filter((_, i) => i % step === 0);
  const bars = progressBars();
  const { points } = await scenePoints(scene, frames, { voxelSize: 0.02, stride: 2, progress: bars.progress });
  const sets = await sceneVisibility(points, frames, { tolerance: 0.05, compat: 'ours', batchSize: 32, progress: bars.progress });
  bars.stop();
  const m = overlapMatrix(sets);
  await writePng(values.png, overlapHeatmap(m, frames.length));
  const h = overlapHistogram(m, frames.length);
  process.stdout.write(`${frames.length} frames, ${points.length / 3} points; overlap histogram (5 % bins): ${h.counts.join(' ')}\nwrote ${values.png}\n`);
}

/** Reads a JSONL input; a merged split must belong to a completed merge ({@link checkMergedSplit}). */
async function readTextFile(path: string | undefined, flag: string): Promise<string> {
  if (!path) throw spatialError('ERR_SPATIAL_FORMAT', `${flag} FILE is required`);
  const bytes = await readBytes(path, `${flag} file`);
  await checkMergedSplit(path, bytes);
  return bytes.toString('utf8');
}

async function cmdEval(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { gt: { type: 'string' }, pred: { type: 'string' }, format: { type: 'string', default: 'ours' }, json: { type: 'boolean', default: false }, markdown: { type: 'boolean', default: false } } });
  if (values.format !== 'ours' && values.format !== 'multispa') throw spatialError('ERR_SPATIAL_FORMAT', `--format must be ours or multispa (got ${values.format})`);
  const gt = parseJsonLines(await readTextFile(values.gt, '--gt'), values.gt) as EvalSample[];
  const pred = parseJsonLines(await readTextFile(values.pred, '--pred'), values.pred) as PredictionRecord[];
  const result = scoreEval(gt, pred, { format: values.format });
  if (values.json) process.stdout.write(JSON.stringify(scoreSummaryJson(result)) + '\n');
  else process.stdout.write((values.markdown ? formatScoreMarkdown(result) : formatScoreTable(result)) + '\n');
}

/**
 * Space-aware frame sampling (Spatial-MLLM) on a posed RGB-D scene: each frame's depth is
 * back-projected into a world point map (every `stride`-th pixel), then `k` frames are chosen by
 * greedy voxel coverage (voxel = smallest extent / 20 unless given).
 */
async function cmdSampleFrames(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { scene: { type: 'string' }, format: { type: 'string' }, k: { type: 'string', short: 'k', default: '16' }, candidates: { type: 'string', default: '128' }, stride: { type: 'string', default: '4' }, 'voxel-size': { type: 'string' }, json: { type: 'boolean', default: false }, ...PATH_OPTIONS },
  });
  const k = parseInteger(values.k, '-k')!;
  const candidates = parseInteger(values.candidates, '--candidates')!;
  const stride = parseInteger(values.stride, '--stride')!;
  const voxelSize = values['voxel-size'] === undefined ? undefined : Number(values['voxel-size']);
  if (voxelSize !== undefined && !(voxelSize > 0)) throw spatialError('ERR_SPATIAL_FORMAT', `--voxel-size must be > 0 (got ${values['voxel-size']})`);
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

async function cmdStats(argv: string[]): Promise<void> {
  const file = argv[0];
  if (!file) throw spatialError('ERR_SPATIAL_FORMAT', 'stats needs a JSONL file');
  const text = await readTextFile(file, 'stats');
  const byType = new Map<string, { n: number; values: unknown[] }>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let s: { question_type?: string; gt_value?: unknown };
    try {
      s = JSON.parse(line);
    } catch {
      throw spatialError('ERR_SPATIAL_FORMAT', `${file}:${i + 1}: not valid JSON`);
    }
    if (typeof s.question_type !== 'string') throw spatialError('ERR_SPATIAL_FORMAT', `${file}:${i + 1}: missing question_type`);
    const e = byType.get(s.question_type) ?? { n: 0, values: [] };
    e.n++;
    e.values.push(s.gt_value);
    byType.set(s.question_type, e);
  });
  let total = 0;
  for (const [type, e] of [...byType].sort()) {
    total += e.n;
    const nums = e.values.filter((v): v is number => typeof v === 'number');
    const words = e.values.filter((v): v is string => typeof v === 'string');
    let summary = '';
    if (nums.length) {
      nums.sort((a, b) => a - b);
      summary = `gt min ${nums[0]}, median ${nums[nums.length >> 1]}, max ${nums[nums.length - 1]}`;
    }
    else if (words.length) {
      const c = new Map<string, number>();
      for (const w of words) c.set(w, (c.get(w) ?? 0) + 1);
      summary = [...c].sort().map(([w, n]) => `${w} ${n}`).join(', ');
    }
    process.stdout.write(`${type.padEnd(42)} ${String(e.n).padStart(6)}  ${summary}\n`);
  }
  process.stdout.write(`${'total'.padEnd(42)} ${String(total).padStart(6)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'demo': await cmdDemo(rest); break;
      case 'generate': await cmdGenerate(rest); break;
      case 'overlap': await cmdOverlap(rest); break;
      case 'stats': await cmdStats(rest); break;
      case 'eval': await cmdEval(rest); break;
      case 'sample-frames': await cmdSampleFrames(rest); break;
      case 'dataset': await cmdDataset(rest); break;
      case 'merge': await cmdMerge(rest); break;
      case 'queue': await cmdQueue(rest); break;
      case 'worker': await cmdWorker(rest); break;
      case undefined: case '-h': case '--help': process.stdout.write(USAGE + '\n'); return cmd ? 0 : 2;
      default: process.stderr.write(`spatial-geom: unknown command '${cmd}'\n${USAGE}\n`); return 2;
    }
    return 0;
  } catch (caught) {
    const e = coded(caught);
    const msg = isSpatialError(e) ? `${e.message} (${e.code})` : `${(e as Error)?.message ?? e}`;
    // One line, whatever the message quotes from the input (newlines escaped), credentials redacted.
    process.stderr.write(`spatial-geom: error: ${redactUrl(msg.replace(/\r?\n/g, '\\n'))}\n`);
    return 1;
  }
}

/** An error as the CLI reports it: file-system errors and out-of-memory allocations get a code. */
function coded(e: unknown): unknown {
  if (isSpatialError(e)) return e;
  const io = asIoError(e);
  if (io !== e) return io;
  const message = (e as Error)?.message ?? '';
  if (e instanceof RangeError && /Invalid (typed )?array length|Invalid string length|Array buffer allocation failed|Maximum call stack/.test(message))
    return spatialError('ERR_SPATIAL_SHAPE', `the data is too large to hold in memory (${message}): split the input (fewer frames per scene, --frame-step, more units with --split-tasks)`);
  return e;
}

/** stdout closed by its reader (`spatial-geom stats x | head`): stop quietly, as Unix tools do. */
function quietOnEpipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const invokedDirectly = process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  quietOnEpipe();
  process.exitCode = await main(process.argv.slice(2));
}
