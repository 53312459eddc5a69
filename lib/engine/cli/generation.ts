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
import { DATASET_DEFAULTS, mergeShards, parseSceneList, planUnits, type Unit } from '../dataset.js';
import { GENERATE_DEFAULTS, type GenerateOptions } from '../pipeline.js';
import { ALL_TASKS } from '../tasks/index.js';
import { choiceArg, intArg, listArg, numberArg, overlapArg, progressBars, required, sceneTasks, showSize, sizeArg } from './shared.js';

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
    .option('--no-prompts', 'do not draw visual prompts (dot questions)');
}

/** {@link GenerateOptions} from the values of {@link addGenerationOptions}. */
export function generationOptions(values: GenerationValues): Omit<GenerateOptions, 'outDir'> {
  return {
    seed: values.seed, tasks: sceneTasks(values.tasks), perTask: values.perTask, overlapBand: values.overlap, frameStep: values.frameStep,
    voxelSize: values.voxelSize, tolerance: values.tolerance, compat: values.compat === 'multispa' ? 'multispa' : 'ours', prompts: values.prompts,
  };
}

/** The values of {@link addDatasetOptions}. */
export interface DatasetValues extends GenerationValues {
  scenes?: string;
  format?: SceneFormat;
  out?: string;
  syntheticFrames?: number;
  syntheticSize?: [number, number];
  splitTasks: boolean;
}

/** Adds the options that define a dataset's units (`dataset`, `queue submit`). */
export function addDatasetOptions(cmd: Command): Command {
  cmd
    .option('--scenes <LIST>', 'comma-separated synthetic:A..B | FORMAT:PATH | PATH (with --format; a folder of scenes expands) | @FILE (one a line)')
    .option('--format <F>', `format of plain paths in --scenes: ${formatNameList()}`, choiceArg('--format', SCENE_FORMATS))
    .option('--out <DIR>', 'output folder (shards/, plan.json, the merged splits)')
    .option('--synthetic-frames <N>', `frames of each synthetic scene ${shown(DATASET_DEFAULTS.syntheticFrames)}`, intArg('--synthetic-frames', 2))
    .option('--synthetic-size <WxH>', `image size of each synthetic scene ${shown(showSize(DATASET_DEFAULTS.syntheticSize))}`, sizeArg('--synthetic-size', 8192))
    .option('--split-tasks', 'one unit per (scene, task family) instead of one per scene', false);
  return addGenerationOptions(cmd);
}

/** The units of a dataset from the values of {@link addDatasetOptions}. */
export async function datasetUnits(values: DatasetValues): Promise<Unit[]> {
  const scenes = required(values.scenes, '--scenes LIST (e.g. synthetic:0..5, scannet:DIR, @list.txt)');
  const { seed, tasks, ...options } = generationOptions(values);
  const list = await parseSceneList(scenes, { format: values.format, syntheticFrames: values.syntheticFrames, syntheticSize: values.syntheticSize });
  return planUnits(list, { seed, tasks, options, splitTasks: values.splitTasks });
}

/** `--verify` of merges. */
export const verifyArg = choiceArg('--verify', ['all', 'jsonl'] as const);

/** Merges the shards of `out` (the caller holds its lock). */
export async function mergeAndReport(out: string, verify: 'all' | 'jsonl' = DATASET_DEFAULTS.verify): Promise<void> {
  const bars = progressBars();
  const m = await mergeShards(out, { verify, progress: (done, total) => bars.progress?.('merge', done, total) }).finally(() => bars.stop());
  const train = m.splits['qa_train.jsonl'], evalSplit = m.splits['qa_eval.jsonl'];
  process.stdout.write(`merged ${m.units} units: train ${train.samples} (sha256 ${train.sha256.slice(0, 16)}), eval ${evalSplit.samples} (sha256 ${evalSplit.sha256.slice(0, 16)}) -> ${join(out, 'manifest.json')}\n`);
}
