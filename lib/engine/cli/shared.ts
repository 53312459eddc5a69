/**
 * What several commands share: option-value parsers (they throw `ERR_SPATIAL_USAGE`, exit code 2),
 * the scene-format resolution (`--format` or detected from the layout), progress bars and the
 * report printers.
 * @module
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { spatialError, type SpatialError } from '../../errors.js';
import { readBytes } from '../../io/files.js';
import { detectSceneFormat, formatNameList, SCENE_FORMAT_REGISTRY, SCENE_FORMATS, type SceneFormat } from '../../scenes/formats.js';
import { loadScene } from '../../scenes/load.js';
import type { Scene } from '../../scenes/types.js';
import { checkMergedSplit } from '../dataset.js';
import type { ClipReport } from '../dynamic.js';
import type { GenerateOptions, GenerateReport } from '../pipeline.js';
import { ALL_CLIP_TASKS, ALL_TASKS, type ClipTaskName, type TaskName } from '../tasks/index.js';

/** A command line the CLI cannot run (exit code 2). */
export function usageError(message: string): SpatialError {
  return spatialError('ERR_SPATIAL_USAGE', message);
}

/** One line on stderr, prefixed like every CLI message (stdout stays for results and `--json`). */
export function logLine(line: string): void {
  process.stderr.write(`spatial-geom: ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Option-value parsers (commander `argParser`s): each names its flag and what it expects.

/** An integer >= `min`. */
export function intArg(flag: string, min = 1): (s: string) => number {
  return (s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isInteger(v) || v < min) throw usageError(`${flag} must be an integer >= ${min} (got ${s})`);
    return v;
  };
}

/** A number > 0 (`min` 'positive') or >= 0 ('non-negative'), with its unit for the message. */
export function numberArg(flag: string, kind: 'positive' | 'non-negative', unit = ''): (s: string) => number {
  return (s) => {
    const v = Number(s);
    const ok = s.trim() !== '' && (kind === 'positive' ? v > 0 : v >= 0) && Number.isFinite(v);
    if (!ok) throw usageError(`${flag} must be ${kind === 'positive' ? '> 0' : '>= 0'}${unit ? ` ${unit}` : ''} (got ${s})`);
    return v;
  };
}

/** `LO,HI` overlap fractions. */
export function overlapArg(s: string): [number, number] {
  const v = s.split(',').map(Number);
  if (v.length !== 2 || !v.every((x) => Number.isFinite(x) && x >= 0 && x <= 1) || v[0] >= v[1])
    throw usageError(`--overlap must be LO,HI fractions with 0 <= LO < HI <= 1 (got ${s})`);
  return [v[0], v[1]];
}

/** A comma-separated task list (checked against the scene or clip tasks once the format is known). */
export function listArg(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

/** The static-scene task families of `--tasks`. */
export function sceneTasks(names: string[] | undefined): TaskName[] | undefined {
  if (names === undefined) return undefined;
  for (const n of names) if (!ALL_TASKS.includes(n as TaskName)) throw usageError(`--tasks: unknown task '${n}' (known: ${ALL_TASKS.join(', ')})`);
  return names as TaskName[];
}

/** The clip task families of `--tasks`. */
export function clipTasks(names: string[] | undefined): ClipTaskName[] | undefined {
  if (names === undefined) return undefined;
  for (const n of names) if (!ALL_CLIP_TASKS.includes(n as ClipTaskName)) throw usageError(`--tasks: unknown task '${n}' for a clip (known: ${ALL_CLIP_TASKS.join(', ')})`);
  return names as ClipTaskName[];
}

/** `WxH` with both sides in 1..max. */
export function sizeArg(flag: string, max = Number.MAX_SAFE_INTEGER): (s: string) => [number, number] {
  return (s) => {
    const m = /^(\d+)x(\d+)$/.exec(s);
    const w = Number(m?.[1]), h = Number(m?.[2]);
    if (!m || !(w >= 1 && h >= 1 && w <= max && h <= max))
      throw usageError(`${flag} must be WxH${max < Number.MAX_SAFE_INTEGER ? `, 1..${max} each` : ', e.g. 640x480'} (got ${s})`);
    return [w, h];
  };
}

/** One of `choices`. */
export function choiceArg<T extends string>(flag: string, choices: readonly T[]): (s: string) => T {
  return (s) => {
    if (!choices.includes(s as T)) throw usageError(`${flag} must be ${choices.slice(0, -1).join(', ')}${choices.length > 1 ? ' or ' : ''}${choices[choices.length - 1]} (got ${s})`);
    return s as T;
  };
}

/** A repeatable option: every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A `WxH` of a default, for help texts. */
export function showSize(size: readonly [number, number]): string {
  return `${size[0]}x${size[1]}`;
}

/** A required option's value, or a usage error naming it. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw usageError(`${flag} is required`);
  return value;
}

/** `--out DIR`, required, as an absolute path. */
export function requireOut(out: string | undefined): string {
  return resolve(required(out, '--out DIR'));
}

// ---------------------------------------------------------------------------------------------
// Scenes

/** `--scene DIR`, `--format F` (detected from the layout when omitted) and `--allow-outside-paths`. */
export function addSceneOptions(cmd: Command, what = 'DIR'): Command {
  return cmd
    .option(`--scene <${what}>`, 'the scene: a folder (scannet, tum, manifest) or a manifest .json file')
    .option('--format <F>', `scene layout: ${formatNameList()} (default: detected from the --scene layout: ${SCENE_FORMAT_REGISTRY.map((f) => `${f.name} = ${f.layout}`).join('; ')})`)
    .option('--allow-outside-paths', 'scene files may lie outside the scene folder (README: Scene formats)', false);
}

/** The values of {@link addSceneOptions}. */
export interface SceneValues {
  scene?: string;
  format?: string;
  allowOutsidePaths?: boolean;
}

/**
 * The format of `--scene`: `--format` when given (checked), else told from the folder layout by
 * the registry's detectors and named on stderr, so a log shows which loader ran.
 */
export async function resolveSceneFormat(scene: string, format: string | undefined): Promise<SceneFormat> {
  if (format !== undefined) {
    if (!SCENE_FORMATS.includes(format as SceneFormat)) throw usageError(`--format must be ${formatNameList((n) => n, ', ')} or tapvid3d (got ${format})`);
    return format as SceneFormat;
  }
  const detected = await detectSceneFormat(scene);
  if (!detected)
    throw spatialError('ERR_SPATIAL_FORMAT', `cannot tell the format of --scene ${scene}: it is none of ${SCENE_FORMAT_REGISTRY.map((f) => `${f.name} (${f.layout})`).join(', ')}; give --format`);
  logLine(`--format ${detected} (detected: ${scene} is ${SCENE_FORMAT_REGISTRY.find((f) => f.name === detected)!.layout})`);
  return detected;
}

/** Loads `--scene` in its format (given or detected). */
export async function loadSceneArg(values: SceneValues): Promise<Scene> {
  const scene = required(values.scene, '--scene DIR');
  const format = await resolveSceneFormat(scene, values.format);
  return loadScene(scene, format, values.allowOutsidePaths ? { allowOutsidePaths: true } : undefined);
}

/** Reads a JSONL input; a merged split must belong to a completed merge ({@link checkMergedSplit}). */
export async function readTextFile(path: string | undefined, flag: string): Promise<string> {
  if (!path) throw usageError(`${flag} FILE is required`);
  const bytes = await readBytes(path, `${flag} file`);
  await checkMergedSplit(path, bytes);
  return bytes.toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Progress and reports

/** Progress bars on stderr, one per stage (silent when stderr is not a terminal). */
export function progressBars(): { progress: GenerateOptions['progress']; stop: () => void } {
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

export function printClipReport(r: ClipReport, out: string): void {
  const p = (s: string) => process.stdout.write(s + '\n');
  p(`clip ${r.clip}: ${r.frames} frames, ${r.tracks} tracks${r.nonFiniteTracks ? ` (${r.nonFiniteTracks} left out: NaN or infinite coordinates)` : ''}`);
  p(`rigid groups (size, moving): ${r.groups.map((g) => `${g.size}${g.moving ? ' moving' : ' static'}`).join(', ')}`);
  p(`object-movement candidates: ${r.candidates.moving} moving (per distance bin: ${r.candidates.perBin.join(' ')}), ${r.candidates.static} static; camera pairs ${r.cameraPairs}`);
  p(`samples: ${Object.entries(r.samples).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  p(`train ${r.train}, eval ${r.eval} -> ${out}`);
  p(`time per stage (ms): ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

export function printReport(r: GenerateReport, out: string): void {
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
