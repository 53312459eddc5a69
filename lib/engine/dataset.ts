/**
 * A whole dataset as independent units of work, so that it can be spread over threads, batch-job
 * arrays or a job queue and still come out byte-identical to a one-machine run.
 *
 * - A **unit** is one scene (or, with `splitTasks`, one scene x task family). Its outputs go into a
 *   temporary directory beside the shards and are renamed as a whole into `shards/<key>/` when
 *   complete (`rename(2)` of a directory is atomic), so a shard directory either holds a whole unit
 *   or does not exist. A unit whose shard exists is skipped: any run can be resumed, and a unit done
 *   twice writes the same bytes (the second rename finds the first shard and drops its copy).
 * - The **key** names a unit by its content: scene name, task set, seed, engine version and a hash of
 *   every option that changes outputs, never by where, when or by whom it ran.
 * - Seeds are derived per unit: {@link generateScene} seeds from `${seed}/${scene id}`, so the union
 *   of shards does not depend on which worker did what, or in what order.
 * - {@link mergeShards} concatenates the shards in plan order into `qa_train.jsonl` and
 *   `qa_eval.jsonl` at the output root (image paths rewritten to point into `shards/<key>/`) and
 *   writes `manifest.json` with counts and sha256 checksums.
 *
 * Output layout (`out` = the run's directory, shared by every worker):
 * ```
 * out/plan.json                      the units in merge order (key, scene, tasks)
 * out/shards/<key>/                  one complete unit: qa_train.jsonl, qa_eval.jsonl, images/, overlap.png, stats.json, shard.json
 * out/shards/.tmp-<key>-XXXXXX/      a unit in progress (or interrupted by a crash): never merged
 * out/qa_train.jsonl, qa_eval.jsonl  merged splits
 * out/by_type/<question_type>/<split>.jsonl  the shards' per-type files, concatenated (card.ts)
 * out/README.md, dataset_info.json   the dataset card of the per-type files
 * out/manifest.json                  counts and checksums of the merged splits and of every shard
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { describeValue, spatialError } from '../errors.js';
import { asIoError, fsReason, isTempName, readText, removeStaleTemporaries, tempPathFor, writeFileAtomic } from '../io/files.js';
import { packageRoot } from '../native.js';
import { pathKind, SCENE_FORMATS, type SceneFormat, sceneFormat } from '../scenes/formats.js';
import { loadScene } from '../scenes/load.js';
import { synthesizeScene } from '../scenes/synthetic.js';
import type { Scene } from '../scenes/types.js';
import { ALL_CLIP_TASKS, ALL_TASKS, type ClipTaskName, expectedQuestionTypes, type TaskName } from './tasks/index.js';
import { loadClip } from '../scenes/clip.js';
import { BY_TYPE_DIR, TypedSplits, writeDatasetCard, type SplitName } from './card.js';
import { generateClip } from './dynamic.js';
import { type GenerateOptions, generateScene, IMAGE_MODES, imagePathNote, mergedImageField } from './pipeline.js';
import { checkCameraAugmentOptions } from './camera-augment.js';
import { type EvalCandidate, pickEvalPerType, roomOf, splitRooms } from './splits.js';

/**
 * Bump when the engine's outputs change for the same inputs (a new question template, a fixed
 * rounding): it is part of every unit key, so old shards are regenerated instead of reused.
 */
export const OUTPUT_REVISION = 2; // 2: JPEG q95 images by default (were PNG), per-type files and card, cameras on every sample, room splits

/** The package version and {@link OUTPUT_REVISION}, e.g. `0.1.0+o2`: part of every unit key. */
export const ENGINE_VERSION = `${(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version}+o${OUTPUT_REVISION}`;

/** The format of a dynamic clip in a scene list: a TAPVid-3D `.npz` (or the clip JSON form), `tapvid3d:FILE|DIR`. */
export const CLIP_FORMAT = 'tapvid3d';

/** A task of a unit: a static-scene task, or a clip task for a clip unit. */
export type UnitTask = TaskName | ClipTaskName;

/**
 * Where a unit's scene comes from: a built-in synthetic scene, or a directory (or manifest) on disk,
 * or a dynamic clip file (format `tapvid3d`).
 */
export type SceneSource =
  | { kind: 'synthetic'; seed: number; frames: number; width: number; height: number }
  | { kind: 'path'; path: string; format: SceneFormat | typeof CLIP_FORMAT };

/** A scene of a dataset: its name (unique in the dataset, part of the unit key) and its source. */
export interface SceneEntry {
  name: string;
  source: SceneSource;
}

/** The options of {@link generateScene} that change outputs and travel with a unit (plain JSON). */
export type UnitOptions = Pick<
  GenerateOptions,
  'perTask' | 'overlapBand' | 'binWidth' | 'maxPairs' | 'frameStep' | 'voxelSize' | 'backprojectStride' | 'tolerance' | 'compat' | 'prompts' | 'evalFraction' | 'imageMode' | 'sceneSplit' | 'cameraAugment'
  | 'imageFormat' | 'jpegQuality' | 'pngCompression'
>;

/** One unit of work: a scene (or a scene x task family) with everything needed to generate it. */
export interface Unit {
  /** Content key: the shard's directory name and the queue's job id. */
  key: string;
  scene: SceneEntry;
  tasks: UnitTask[];
  seed: number;
  options: UnitOptions;
}

/** What running a unit did: generated it (`done`) or found its shard already there (`skipped`). */
export interface UnitResult {
  key: string;
  status: 'done' | 'skipped';
}

/** `shard.json`: what a shard holds, with a sha256 of every other file in it. */
export interface ShardMeta {
  version: 1;
  key: string;
  engine: string;
  scene: string;
  source: Record<string, unknown>;
  tasks: UnitTask[];
  seed: number;
  options: UnitOptions;
  train: number;
  eval: number;
  /** Samples per question type. */
  samples: Record<string, number>;
  /** Path inside the shard (POSIX) -> sha256 (hex), sorted by path. */
  files: Record<string, string>;
}

/** How a dataset's samples are split, as `plan.json` and `manifest.json` record it. */
export interface PlanSplit {
  /** `rooms`: whole rooms on each side (every scan of a room with it); `samples`: a seeded fraction of each scene's samples. */
  mode: 'rooms' | 'samples';
  /** Rooms (see `roomOf`) with samples in train, sorted (`samples` mode: every room). */
  train_rooms: string[];
  /** Rooms with samples in eval, sorted. */
  eval_rooms: string[];
  /** `rooms` mode: the merged eval split holds exactly this many samples per question type (fewer: a shortfall). */
  eval_per_type?: number;
}

/** `plan.json`: the units of a run, in merge order. */
export interface Plan {
  version: 1;
  engine: string;
  units: { key: string; scene: string; tasks: UnitTask[] }[];
  /** The split (absent in plans written before splits by room). */
  split?: PlanSplit;
}

/** `manifest.json`: counts and checksums of the merged splits and of every shard. */
export interface Manifest {
  version: 1;
  engine: string;
  units: number;
  splits: Record<'qa_train.jsonl' | 'qa_eval.jsonl', { samples: number; sha256: string }>;
  /** Samples per question type over all units (train + eval). */
  samples: Record<string, number>;
  /** Per unit in merge order; `sha256` is that of its `shard.json`, which checksums every file of the shard. */
  shards: { key: string; scene: string; tasks: UnitTask[]; train: number; eval: number; sha256: string }[];
  /**
   * The split (from the plan), with the merged eval split's samples per question type and, with
   * `eval_per_type`, the shortfall of each type that had fewer candidates in the eval rooms.
   */
  split?: PlanSplit & { eval_samples: Record<string, number>; eval_shortfall?: Record<string, number> };
  /**
   * Per scene (unit) that made fewer samples of a question type than it asked for (`perTask`): the
   * type's `made` and `wanted`. Absent when every unit made all it asked for.
   */
  shortfalls?: Record<string, Record<string, { made: number; wanted: number }>>;
}

const SPLITS = ['qa_train.jsonl', 'qa_eval.jsonl'] as const;
/** Largest number of synthetic scenes one `synthetic:A..B` range may name. */
const MAX_SYNTHETIC_RANGE = 10_000_000;
/** `FORMAT:PATH` in a scene list. */
const FORMAT_PREFIX = new RegExp(`^(${[...SCENE_FORMATS, CLIP_FORMAT].join('|')}):(.+)$`);

// ---------------------------------------------------------------------------------------------
// Scene lists

/** The defaults of synthetic scenes in a scene list and of {@link mergeShards}' verification (the CLI's help reads them here). */
export const DATASET_DEFAULTS: { readonly syntheticFrames: number; readonly syntheticSize: readonly [number, number]; readonly verify: 'all' | 'jsonl' } = { syntheticFrames: 60, syntheticSize: [640, 480], verify: 'all' };

/** Options of {@link parseSceneList}. */
export interface SceneListOptions {
  /** Format of plain paths in the list (entries may also say `scannet:PATH`, `tapvid3d:PATH` etc.). */
  format?: SceneFormat | typeof CLIP_FORMAT;
  /** Frames of each synthetic scene [60]. */
  syntheticFrames?: number;
  /** Image size of each synthetic scene [640 x 480]. */
  syntheticSize?: [number, number];
}

/**
 * Reads a scene list: comma-separated entries, or `@FILE` with one entry per line (`#` comments).
 * An entry is
 * - `synthetic:A..B` (or `synthetic:N`): built-in synthetic scenes with seeds A to B, named
 *   `synthetic-<seed>`, of `syntheticFrames` frames at `syntheticSize`;
 * - `FORMAT:PATH` (`scannet:`, `tum:`, `manifest:`) or a plain `PATH` read with `opts.format`: one
 *   scene directory (or manifest file), named after its directory; a directory that is not itself a
 *   scene of that format stands for its sub-directories that are, in sorted order.
 * @throws ERR_SPATIAL_FORMAT (naming `--scenes`) for a malformed entry or a name used twice,
 *   ERR_SPATIAL_IO for a path that does not exist or holds no scene.
 * @example await parseSceneList('synthetic:0..5', { syntheticFrames: 8, syntheticSize: [160, 120] })
 */
export async function parseSceneList(spec: string, opts: SceneListOptions = {}): Promise<SceneEntry[]> {
  let entries: string[];
  if (spec.startsWith('@')) {
    const text = await readText(spec.slice(1), '--scenes: the scene list');
    entries = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  } else entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: expected at least one scene (got '${spec}')`);
  const frames = opts.syntheticFrames ?? DATASET_DEFAULTS.syntheticFrames;
  const [width, height] = opts.syntheticSize ?? DATASET_DEFAULTS.syntheticSize;
  const scenes: SceneEntry[] = [];
  for (const entry of entries) {
    const synthetic = /^synthetic:(\d+)(?:\.\.(\d+))?$/.exec(entry);
    if (synthetic) {
      const lo = Number(synthetic[1]), hi = Number(synthetic[2] ?? synthetic[1]);
      if (!Number.isSafeInteger(hi) || hi < lo || hi - lo >= MAX_SYNTHETIC_RANGE)
        throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: synthetic range '${entry}' must be A..B with A <= B and at most ${MAX_SYNTHETIC_RANGE} scenes`);
      for (let seed = lo; seed <= hi; seed++) scenes.push({ name: `synthetic-${seed}`, source: { kind: 'synthetic', seed, frames, width, height } });
      continue;
    }
    if (entry.startsWith('synthetic:')) throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: unknown scene '${entry}' (expected synthetic:A..B or synthetic:N)`);
    const prefixed = FORMAT_PREFIX.exec(entry);
    const format = (prefixed?.[1] as SceneFormat | typeof CLIP_FORMAT | undefined) ?? opts.format;
    const path = prefixed?.[2] ?? entry;
    if (!format) throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: unknown scene '${entry}': give --format ${[...SCENE_FORMATS, CLIP_FORMAT].join('|')} or write FORMAT:PATH`);
    scenes.push(...(format === CLIP_FORMAT ? await clipsAt(resolve(path), entry) : await scenesAt(resolve(path), format, entry)));
  }
  const seen = new Map<string, string>();
  for (const s of scenes) {
    const where = describeSource(s.source);
    const before = seen.get(s.name);
    if (before !== undefined) throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: scene name '${s.name}' appears twice (${before} and ${where}); scene names must be unique`);
    seen.set(s.name, where);
  }
  return scenes;
}

function describeSource(s: SceneSource): string {
  return s.kind === 'synthetic' ? `synthetic:${s.seed}` : `${s.format}:${s.path}`;
}

function sceneEntryAt(path: string, format: SceneFormat): SceneEntry {
  return { name: sceneFormat(format)!.sceneName(path), source: { kind: 'path', path, format } };
}

async function scenesAt(path: string, format: SceneFormat, entry: string): Promise<SceneEntry[]> {
  const isSceneRoot = sceneFormat(format)!.detect;
  if (!(await pathKind(path))) throw spatialError('ERR_SPATIAL_IO', `--scenes: unknown scene '${entry}': ${path} does not exist`);
  if (await isSceneRoot(path)) return [sceneEntryAt(path, format)];
  const subdirs = (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const found: SceneEntry[] = [];
  for (const d of subdirs) if (await isSceneRoot(join(path, d))) found.push(sceneEntryAt(join(path, d), format));
  if (found.length === 0) throw spatialError('ERR_SPATIAL_IO', `--scenes: ${path} is not a ${format} scene and holds none in its sub-directories`);
  return found;
}

/**
 * Dynamic clips as dataset units: a `.npz` or `.json` clip file, or a folder standing for its `.npz`
 * files (sorted); each is named after its file without the extension.
 */
async function clipsAt(path: string, entry: string): Promise<SceneEntry[]> {
  const kind = await pathKind(path);
  if (!kind) throw spatialError('ERR_SPATIAL_IO', `--scenes: unknown clip '${entry}': ${path} does not exist`);
  const named = (file: string): SceneEntry => ({ name: basename(file).replace(/\.(npz|json)$/i, ''), source: { kind: 'path', path: file, format: CLIP_FORMAT } });
  if (kind === 'file') {
    if (!/\.(npz|json)$/i.test(path)) throw spatialError('ERR_SPATIAL_FORMAT', `--scenes: clip '${entry}' must be a .npz or .json file (or a folder of .npz files)`);
    return [named(path)];
  }
  const files = (await readdir(path, { withFileTypes: true })).filter((d) => d.isFile() && /\.npz$/i.test(d.name)).map((d) => d.name).sort();
  if (!files.length) throw spatialError('ERR_SPATIAL_IO', `--scenes: ${path} holds no .npz clip`);
  return files.map((f) => named(join(path, f)));
}

/** Whether a unit is a dynamic clip. */
export function isClipUnit(u: { scene: SceneEntry }): boolean {
  return u.scene.source.kind === 'path' && u.scene.source.format === CLIP_FORMAT;
}

/** Loads (or synthesises) a unit's scene (not for clip units: see {@link isClipUnit}). */
export async function loadUnitScene(entry: SceneEntry): Promise<Scene> {
  const s = entry.source;
  if (s.kind === 'synthetic') return synthesizeScene({ seed: s.seed, frames: s.frames, width: s.width, height: s.height });
  if (s.format === CLIP_FORMAT) throw spatialError('ERR_SPATIAL_FORMAT', `${s.path} is a dynamic clip, not a scene`);
  return loadScene(s.path, s.format);
}

// ---------------------------------------------------------------------------------------------
// Units and keys

/** JSON with object keys sorted and undefined members dropped: one text for one value. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** The part of a scene's source that identifies its content (a path's location does not). */
function sourceIdentity(s: SceneSource): Record<string, unknown> {
  return s.kind === 'synthetic' ? { ...s } : { kind: 'path', format: s.format };
}

/**
 * A unit's content key: `<scene>.<tasks>.s<seed>.<hash>` where the hash (sha256, 12 hex digits)
 * covers the scene name and source identity, task set, seed, output options and
 * {@link ENGINE_VERSION}. Safe as a file name and a BullMQ job id (no `:`).
 */
export function unitKey(u: Omit<Unit, 'key'>): string {
  const all = isClipUnit(u) ? ALL_CLIP_TASKS : ALL_TASKS;
  const tasks = u.tasks.length === all.length && u.tasks.every((t, i) => t === all[i]) ? 'all' : u.tasks.join('+');
  const hash = createHash('sha256')
    .update(canonicalJson({ engine: ENGINE_VERSION, scene: u.scene.name, source: sourceIdentity(u.scene.source), tasks: u.tasks, seed: u.seed, options: u.options }))
    .digest('hex')
    .slice(0, 12);
  return `${u.scene.name.replace(/[^\w.-]/g, '_')}.${tasks}.s${u.seed}.${hash}`;
}

// ---------------------------------------------------------------------------------------------
// Unit specs from elsewhere (a queue's jobs): checked field by field before anything is read

type Check = (v: unknown, name: string) => void;

function fail(name: string, what: string, v: unknown): never {
  throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be ${what} (got ${describeValue(v)})`);
}

const isInt = (lo: number, hi: number): Check => (v, name) => {
  if (!(Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi)) fail(name, `an integer in ${lo}..${hi}`, v);
};
const isNumber = (lo: number, hi: number): Check => (v, name) => {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi)) fail(name, `a number in [${lo}, ${hi}]`, v);
};
const oneOf = (values: readonly unknown[]): Check => (v, name) => {
  if (!values.includes(v)) fail(name, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
};

/** A plain object with exactly the `required` fields and no others than `optional`, each checked. */
function checkObject(v: unknown, name: string, required: Record<string, Check>, optional: Record<string, Check> = {}): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) fail(name, 'a plain object', v);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in required) && !(k in optional)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} has an unexpected field ${JSON.stringify(k.slice(0, 40))}`);
  for (const [k, check] of Object.entries(required)) {
    if (!(k in o)) throw spatialError('ERR_SPATIAL_FORMAT', `${name}.${k} is missing`);
    check(o[k], `${name}.${k}`);
  }
  for (const [k, check] of Object.entries(optional)) if (k in o) check(o[k], `${name}.${k}`);
  return o;
}

const UNIT_OPTION_CHECKS: Record<keyof UnitOptions, Check> = {
  perTask: isInt(1, 1_000_000), binWidth: isNumber(1e-6, 1), maxPairs: isInt(1, 100_000_000), frameStep: isInt(1, 1_000_000),
  voxelSize: isNumber(1e-9, 1e6), backprojectStride: isInt(1, 1_000_000), tolerance: isNumber(0, 1e6), compat: oneOf(['ours', 'multispa']),
  prompts: oneOf([true, false]), evalFraction: isNumber(0, 1), imageMode: oneOf(IMAGE_MODES), sceneSplit: oneOf(['train', 'eval']),
  cameraAugment: (v, name) => void checkCameraAugmentOptions(v, name),
  imageFormat: oneOf(['jpg', 'png']), jpegQuality: isInt(1, 100), pngCompression: isInt(0, 9),
  overlapBand: (v, name) => {
    if (!(Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= 0 && x <= 1) && v[0] < v[1])) fail(name, 'two fractions [lo, hi] with 0 <= lo < hi <= 1', v);
  },
};

/** A scene name: a file name (no separators or control characters, not `.` or `..`). */
const SCENE_NAME = /^(?!\.\.?$)[^/\\\x00-\x1f]{1,255}$/;

/**
 * Checks a unit spec that came from elsewhere (a queue job): every field present with its type and
 * range, no other fields, the key the one this engine computes for it. Paths are checked to be
 * absolute and normal here; whether they may be read is the caller's decision.
 * @throws ERR_SPATIAL_FORMAT naming the first offending field (values are described, never echoed at length).
 */
export function checkUnitSpec(v: unknown, name = 'unit'): Unit {
  const u = checkObject(v, name, {
    key: (x, n) => typeof x === 'string' || fail(n, 'a string', x),
    scene: (x, n) => {
      checkObject(x, n, { name: (y, m) => (typeof y === 'string' && SCENE_NAME.test(y)) || fail(m, 'a file name of 1-255 characters', y), source: () => undefined });
      const src = (x as { source: unknown }).source;
      const kind = (src as { kind?: unknown })?.kind;
      if (kind === 'synthetic')
        checkObject(src, `${n}.source`, { kind: () => undefined, seed: isInt(0, Number.MAX_SAFE_INTEGER), frames: isInt(2, 100_000), width: isInt(1, 8192), height: isInt(1, 8192) });
      else if (kind === 'path')
        checkObject(src, `${n}.source`, {
          kind: () => undefined, format: oneOf([...SCENE_FORMATS, CLIP_FORMAT]),
          path: (y, m) => (typeof y === 'string' && isAbsolute(y) && resolve(y) === y && !y.includes('\0')) || fail(m, 'an absolute, normalised path', y),
        });
      else fail(`${n}.source.kind`, '"synthetic" or "path"', kind);
    },
    tasks: (x, n) => {
      const known: string[] = [...ALL_TASKS, ...ALL_CLIP_TASKS];
      if (!(Array.isArray(x) && x.length > 0 && x.every((t) => known.includes(t)) && new Set(x).size === x.length)) fail(n, `a non-empty list of distinct tasks of ${[...new Set(known)].join(', ')}`, x);
    },
    seed: isInt(0, Number.MAX_SAFE_INTEGER),
    options: (x, n) => checkObject(x, n, {}, UNIT_OPTION_CHECKS),
  });
  const unit = u as unknown as Unit;
  const key = unitKey(unit);
  if (unit.key !== key) throw spatialError('ERR_SPATIAL_FORMAT', `${name}.key is not the key of its spec (this engine computes ${key})`);
  return unit;
}

/** Options of {@link planUnits}. */
export interface PlanOptions {
  /** Task families [all]; clip units take those of them that clips have (all clip tasks by default). */
  tasks?: UnitTask[];
  /** Run seed [0]. */
  seed?: number;
  /** Output options of every unit. */
  options?: UnitOptions;
  /** One unit per scene x task family instead of one per scene (for very large scenes). */
  splitTasks?: boolean;
  /** Train/eval split [by room, a seeded 10 % of rooms in eval]. */
  split?: DatasetSplitOptions;
}

/**
 * A dataset's split. `rooms` (the default): every scan of a room on one side, the eval rooms named
 * (`evalScenes`) or drawn (`evalFraction` of the rooms, seeded by the run seed), see `splitRooms`;
 * with `evalPerType`, eval units generate up to `max(perTask, ceil(2 * evalPerType / eval rooms))`
 * samples per question type, so that a room short of a type can be made up by others, and the
 * merge keeps exactly `evalPerType` per type (`pickEvalPerType`). `samples`: the within-scene split,
 * a seeded `evalFraction` (default 0.1) of each scene's samples.
 */
export type DatasetSplitOptions =
  | { mode: 'rooms'; evalScenes?: string[]; evalFraction?: number; evalPerType?: number }
  | { mode: 'samples'; evalFraction?: number };

/**
 * The units of a dataset, in merge order: scenes in list order, then task families. Split by room
 * (the default), each unit's options carry its scene's side (`sceneSplit`).
 */
export function planUnits(scenes: SceneEntry[], opts: PlanOptions = {}): Unit[] {
  const tasks = opts.tasks ?? ALL_TASKS;
  const seed = opts.seed ?? 0;
  const options = opts.options ?? {};
  const split = opts.split ?? { mode: 'rooms' };
  // A clip unit asks the clip tasks among those asked for (every clip task by default).
  const tasksOf = (scene: SceneEntry): UnitTask[] => (isClipUnit({ scene })
    ? (opts.tasks ? ALL_CLIP_TASKS.filter((t) => opts.tasks!.includes(t)) : ALL_CLIP_TASKS)
    : (tasks as UnitTask[]).filter((t) => (ALL_TASKS as string[]).includes(t)));
  const setsOf = (scene: SceneEntry): UnitTask[][] => {
    const ts = tasksOf(scene);
    if (!ts.length) return [];
    return opts.splitTasks ? ts.map((t) => [t]) : [ts];
  };
  let optionsOf = (_: SceneEntry): UnitOptions => (split.mode === 'samples' && split.evalFraction !== undefined ? { ...options, evalFraction: split.evalFraction } : options);
  if (split.mode === 'rooms') {
    const rooms = splitRooms(scenes.map((s) => s.name), { evalScenes: split.evalScenes, evalFraction: split.evalFraction, seed });
    const evalRooms = new Set(rooms.eval);
    const { evalFraction: _f, ...rest } = options;
    const evalPerTask = split.evalPerType === undefined ? rest.perTask
      : Math.max(rest.perTask ?? 20, Math.ceil((2 * split.evalPerType) / Math.max(1, rooms.eval.length)));
    optionsOf = (scene) => (evalRooms.has(roomOf(scene.name)) ? { ...rest, perTask: evalPerTask, sceneSplit: 'eval' } : { ...rest, sceneSplit: 'train' });
  }
  const units = scenes.flatMap((scene) => setsOf(scene).map((ts) => {
    const u = { scene, tasks: ts, seed, options: optionsOf(scene) };
    return { key: unitKey(u), ...u };
  }));
  if (!units.length) throw spatialError('ERR_SPATIAL_FORMAT', `--tasks: none of ${tasks.join(', ')} applies to the listed scenes (clips take ${ALL_CLIP_TASKS.join(', ')}; scenes ${ALL_TASKS.join(', ')})`);
  return units;
}

/**
 * The split of planned units, as `plan.json` records it: `rooms` when the units carry their side
 * (`sceneSplit`), else `samples`; `evalPerType` only applies to `rooms`.
 */
export function planSplit(units: Unit[], evalPerType?: number): PlanSplit {
  const byRoom = (side: 'train' | 'eval') => [...new Set(units.filter((u) => u.options.sceneSplit === side).map((u) => roomOf(u.scene.name)))].sort();
  if (units.length && units.every((u) => u.options.sceneSplit !== undefined))
    return { mode: 'rooms', train_rooms: byRoom('train'), eval_rooms: byRoom('eval'), ...(evalPerType === undefined ? {} : { eval_per_type: evalPerType }) };
  if (evalPerType !== undefined) throw spatialError('ERR_SPATIAL_FORMAT', '--eval-per-type needs the split by room (not --split samples)');
  const all = [...new Set(units.map((u) => roomOf(u.scene.name)))].sort();
  return { mode: 'samples', train_rooms: all, eval_rooms: all.filter(() => units.some((u) => (u.options.evalFraction ?? 0.1) > 0)) };
}

/** Parses `--shard i/n` (0 <= i < n). */
export function parseShardArg(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw spatialError('ERR_SPATIAL_FORMAT', `--shard must be i/n with 0 <= i < n (got ${s})`);
  return { index, count };
}

/**
 * The units of shard `index` of `count`: unit k goes to shard `k mod count`. Stable for a given
 * plan (same scene list and options), covers every unit exactly once, and balanced to within one.
 */
export function shardUnits(units: Unit[], index: number, count: number): Unit[] {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count))
    throw spatialError('ERR_SPATIAL_FORMAT', `shard must be i/n with 0 <= i < n (got ${index}/${count})`);
  return units.filter((_, k) => k % count === index);
}

// ---------------------------------------------------------------------------------------------
// Shards

/** The directory that holds the shards of a run. */
export function shardsDir(out: string): string {
  return join(out, 'shards');
}

/** The final directory of a unit's shard. */
export function shardDir(out: string, key: string): string {
  return join(shardsDir(out), key);
}

async function exists(path: string): Promise<boolean> {
  return (await pathKind(path)) !== undefined;
}

/** Keys of the complete shards under `out` (temporary directories excluded). */
export async function completedKeys(out: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(shardsDir(out), { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name));
  } catch {
    return new Set();
  }
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** sha256 of every file under `dir`, by POSIX path relative to it, sorted. */
async function hashTree(dir: string): Promise<Record<string, string>> {
  const paths = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
  const out: Record<string, string> = {};
  for (const p of paths) out[p] = await sha256File(join(dir, p));
  return out;
}

/** Options of {@link runUnit}. */
export interface RunUnitOptions {
  /** Stage progress of the scene's generation (as {@link GenerateOptions.progress}). */
  progress?: GenerateOptions['progress'];
  /**
   * Fault injection for tests: wait this long after the unit's files are written and before its
   * shard is renamed into place. Default: `SPATIAL_GEOM_UNIT_PAUSE_MS` from the environment, else 0.
   */
  pauseMs?: number;
}

/**
 * Runs one unit into `out/shards/<key>/`, unless that shard exists. The unit is generated into a
 * fresh temporary directory beside the shards (same depth, so relative image paths hold), checksummed
 * into `shard.json`, and the directory renamed into place. A crash leaves only the temporary directory,
 * which nothing merges.
 */
export async function runUnit(unit: Unit, out: string, opts: RunUnitOptions = {}): Promise<UnitResult> {
  const final = shardDir(out, unit.key);
  if (await exists(final)) return { key: unit.key, status: 'skipped' };
  let tmp: string;
  try {
    await mkdir(shardsDir(out), { recursive: true });
    tmp = await mkdtemp(join(shardsDir(out), `.tmp-${unit.key}-`));
  } catch (e) {
    throw asIoError(e);
  }
  try {
    let report: { train: number; eval: number; samples: Record<string, number> };
    if (isClipUnit(unit)) {
      const o = unit.options;
      const clip = await loadClip((unit.scene.source as { path: string }).path);
      report = await generateClip(clip, {
        outDir: tmp, seed: unit.seed, tasks: unit.tasks as ClipTaskName[], perTask: o.perTask, overlapBand: o.overlapBand, compat: o.compat, prompts: o.prompts,
        evalFraction: o.evalFraction, sceneSplit: o.sceneSplit, cameraAugment: o.cameraAugment, progress: opts.progress,
      });
    } else {
      const scene = await loadUnitScene(unit.scene);
      report = await generateScene(scene, { ...unit.options, outDir: tmp, seed: unit.seed, tasks: unit.tasks as TaskName[], progress: opts.progress });
    }
    const meta: ShardMeta = {
      version: 1, key: unit.key, engine: ENGINE_VERSION, scene: unit.scene.name, source: sourceIdentity(unit.scene.source), tasks: unit.tasks,
      seed: unit.seed, options: unit.options, train: report.train, eval: report.eval, samples: report.samples, files: await hashTree(tmp),
    };
    await writeFile(join(tmp, 'shard.json'), JSON.stringify(meta, null, 2) + '\n');
    const pause = opts.pauseMs ?? Number(process.env.SPATIAL_GEOM_UNIT_PAUSE_MS ?? 0);
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    try {
      await rename(tmp, final);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // Another worker completed the same unit first: its shard holds the same bytes.
      await rm(tmp, { recursive: true, force: true });
      return { key: unit.key, status: 'skipped' };
    }
    return { key: unit.key, status: 'done' };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw asIoError(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Plan and merge

/**
 * Writes `out/plan.json` (the units in merge order and the split, see {@link planSplit}). Same units,
 * same bytes.
 */
export async function writePlan(out: string, units: Unit[], opts: { evalPerType?: number } = {}): Promise<void> {
  const plan: Plan = {
    version: 1, engine: ENGINE_VERSION, units: units.map((u) => ({ key: u.key, scene: u.scene.name, tasks: u.tasks })), split: planSplit(units, opts.evalPerType),
  };
  await removeStaleTemporaries(out, ['plan.json']); // from a run killed while it wrote the plan
  await writeFileAtomic(join(out, 'plan.json'), JSON.stringify(plan, null, 2) + '\n', 'plan', { mkdir: true });
}

/** Reads `out/plan.json`. */
export async function readPlan(out: string): Promise<Plan> {
  const file = join(out, 'plan.json');
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `--out: cannot read ${file} (run 'spatial-geom dataset' or 'queue submit' into this directory first)`);
  }
  if (plan?.version !== 1 || !Array.isArray(plan.units)) throw spatialError('ERR_SPATIAL_FORMAT', `${file}: Expected a plan of version 1 with units`);
  return plan;
}

/** Image paths of a shard's sample (a list, or one path), rewritten relative to the run's directory. */
function rebaseImages(image: unknown, key: string): unknown {
  const one = (p: unknown) => (typeof p === 'string' && !posix.isAbsolute(p) ? posix.normalize(posix.join('shards', key, p)) : p);
  return Array.isArray(image) ? image.map(one) : one(image);
}

/** Waits for a stream to accept more data. */
function writeChunk(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((res, rej) => {
    const onError = (e: Error) => rej(e);
    stream.once('error', onError);
    const ok = stream.write(text);
    const done = () => {
      stream.off('error', onError);
      res();
    };
    if (ok) done();
    else stream.once('drain', done);
  });
}

async function closeStream(stream: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((res, rej) => {
    stream.once('error', rej);
    stream.end(() => res());
  });
}

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  /**
   * What is checked against each shard's `shard.json` before anything is written: `all` (every
   * file the shard lists: JSONL, images, overlap map, stats; each must exist and match its sha256)
   * or `jsonl` (only the two splits, as before) ['all'].
   */
  verify?: 'all' | 'jsonl';
  /** Shards merged so far, of the plan's. */
  progress?: (done: number, total: number) => void;
  /** In the merged `qa_train.jsonl` / `qa_eval.jsonl`, one-image samples' `image` is the path itself (LLaVA-1.5) [false]. */
  singleImageAsString?: boolean;
}

/** Parses JSON text read from `file`; a parse error is `ERR_SPATIAL_FORMAT` naming the file (and line). */
function parseJsonFrom<T>(text: string, file: string, line?: number): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${file}${line === undefined ? '' : `:${line}`} is not valid JSON (${(e as Error).message})`);
  }
}

/** Reads a shard's `shard.json` and checks its files (see {@link MergeOptions.verify}). */
async function verifiedShard(dir: string, key: string, verify: 'all' | 'jsonl'): Promise<{ meta: ShardMeta; metaText: string; splits: Record<string, Buffer>; typed: [string, Buffer][] }> {
  const metaFile = join(dir, 'shard.json');
  const metaText = await readFile(metaFile, 'utf8');
  const meta = parseJsonFrom<ShardMeta>(metaText, metaFile);
  if (meta?.key !== key || typeof meta.files !== 'object' || meta.files === null || !SPLITS.every((f) => typeof meta.files[f] === 'string'))
    throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${metaFile} does not describe unit ${key} (key and files with both splits expected)`);
  const splits: Record<string, Buffer> = {};
  const typed: [string, Buffer][] = [];
  const isTyped = (rel: string) => rel.startsWith(`${BY_TYPE_DIR}/`) && rel.endsWith('.jsonl');
  if (!Object.keys(meta.files).some(isTyped))
    throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${metaFile} lists no ${BY_TYPE_DIR}/ files (a shard of an older engine); delete ${dir} and rerun the unit`);
  for (const [rel, sha] of Object.entries(meta.files)) {
    if (verify === 'jsonl' && !(SPLITS as readonly string[]).includes(rel) && !isTyped(rel)) continue;
    const file = join(dir, ...rel.split('/'));
    if (rel.split('/').includes('..') || posix.isAbsolute(rel)) throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${metaFile} lists a file outside its shard (${rel})`);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${file} is listed in its shard.json but cannot be read (${fsReason(e)}); delete ${dir} and rerun the unit`);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha)
      throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${file} does not match the sha256 in its shard.json; delete ${dir} and rerun the unit`);
    if ((SPLITS as readonly string[]).includes(rel)) splits[rel] = bytes;
    else if (isTyped(rel)) typed.push([rel, bytes]);
  }
  return { meta, metaText, splits, typed };
}

/**
 * Merges the shards of `out/plan.json` in plan order into `out/qa_train.jsonl` and
 * `out/qa_eval.jsonl` (streamed, one shard in memory at a time), with every sample's image paths
 * rewritten to point into its shard (`shards/<key>/images/...`), concatenates the shards'
 * per-type files into `out/by_type/` (built beside it and swapped in whole) with the dataset card
 * (`README.md`, `dataset_info.json`), and writes `out/manifest.json`.
 * Each shard is checked against the sha256 list in its `shard.json` first (every file by default,
 * see {@link MergeOptions.verify}). Only complete shards exist under their key, so an interrupted
 * unit can never be merged. `manifest.json` is the merge's completion marker: it is removed before
 * the splits are replaced and written last, so splits without a manifest (a merge killed half-way)
 * are incomplete; readers check the splits against it ({@link checkMergedSplit}).
 * @throws ERR_SPATIAL_IO naming the missing units when some are not done; ERR_SPATIAL_FORMAT when a
 *   shard's files are missing or do not match their checksums, or a JSON file does not parse
 *   (naming the file and line).
 */
export async function mergeShards(out: string, opts: MergeOptions = {}): Promise<Manifest> {
  const verify = opts.verify ?? DATASET_DEFAULTS.verify;
  const plan = await readPlan(out);
  const done = await completedKeys(out);
  const missing = plan.units.filter((u) => !done.has(u.key)).map((u) => u.key);
  if (missing.length)
    throw spatialError('ERR_SPATIAL_IO', `merge: ${missing.length} of ${plan.units.length} units are not done yet (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`);
  // A merge killed half-way leaves its temporaries beside the splits and the manifest; only a merge
  // writes those names, so any found now are from a dead one.
  await removeStaleTemporaries(out, [...SPLITS, 'manifest.json', 'dataset_info.json', 'README.md']);
  for (const d of await readdir(out)) if (isTempName(d) && d.startsWith(`.${BY_TYPE_DIR}.`)) await rm(join(out, d), { recursive: true, force: true });
  const writers = SPLITS.map((name) => {
    const tmp = tempPathFor(join(out, name));
    return { name, tmp, stream: createWriteStream(tmp, { flags: 'wx' }), hash: createHash('sha256'), samples: 0 };
  });
  // The per-type files are built in a folder beside by_type/ (a tempPathFor name, which the next
  // merge removes if this one dies) and swapped in whole.
  const typedDir = tempPathFor(join(out, BY_TYPE_DIR));
  try {
    await mkdir(typedDir);
  } catch (e) {
    for (const w of writers) w.stream.destroy();
    await Promise.all(writers.map((w) => rm(w.tmp, { force: true })));
    throw asIoError(e);
  }
  const typed = new TypedSplits();
  const typedStreams = new Map<string, NodeJS.WritableStream>();
  const typedStream = async (rel: string) => {
    let stream = typedStreams.get(rel);
    if (!stream) {
      const file = join(typedDir, ...rel.split('/').slice(1));
      await mkdir(dirname(file), { recursive: true });
      typedStreams.set(rel, (stream = createWriteStream(file, { flags: 'wx' })));
    }
    return stream;
  };
  const manifest: Manifest = { version: 1, engine: plan.engine, units: plan.units.length, splits: {} as Manifest['splits'], samples: {}, shards: [] };
  // A benchmark of N per question type: the eval lines are candidates, picked once all are read.
  const perType = plan.split?.mode === 'rooms' ? plan.split.eval_per_type : undefined;
  const candidates = new Map<string, EvalCandidate[]>();
  const seq = new Map<EvalCandidate, number>();
  const evalTypes = new Set<string>();
  const evalSamples: Record<string, number> = {};
  // With --eval-per-type: the per-type eval rows by sample id (ids name their scene), until the pick.
  const typedEvalRows = new Map<string, { row: Record<string, unknown> & { question_type: string }; where: string }>();
  try {
    for (const [k, unit] of plan.units.entries()) {
      const dir = shardDir(out, unit.key);
      const { meta, metaText, splits, typed: typedFiles } = await verifiedShard(dir, unit.key, verify);
      for (const w of writers) {
        let text = '';
        for (const [i, line] of splits[w.name].toString('utf8').split('\n').entries()) {
          if (!line) continue;
          const sample = parseJsonFrom<{ image?: unknown; question_type?: unknown }>(line, join(dir, w.name), i + 1);
          if (sample.image !== undefined) sample.image = mergedImageField(rebaseImages(sample.image, unit.key), opts.singleImageAsString);
          const json = JSON.stringify(sample) + '\n';
          if (w.name === 'qa_eval.jsonl') {
            const type = String(sample.question_type);
            if (perType !== undefined) {
              const list = candidates.get(type) ?? (candidates.set(type, []).get(type)!);
              const c = { room: roomOf(meta.scene), scene: meta.scene, line: json };
              seq.set(c, seq.size);
              list.push(c);
              continue;
            }
            evalSamples[type] = (evalSamples[type] ?? 0) + 1;
          }
          text += json;
          w.samples++;
        }
        w.hash.update(text);
        await writeChunk(w.stream, text);
      }
      for (const [rel, bytes] of typedFiles.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const split: SplitName = rel.endsWith('/train.jsonl') ? 'train' : 'eval';
        const texts = new Map<string, string>();
        for (const [i, line] of bytes.toString('utf8').split('\n').entries()) {
          if (!line) continue;
          const where = `${join(dir, rel)}:${i + 1}`;
          const row = parseJsonFrom<Record<string, unknown> & { question_type: string }>(line, join(dir, rel), i + 1);
          if (typeof row.question_type !== 'string') throw spatialError('ERR_SPATIAL_FORMAT', `merge: ${where} has no question_type`);
          if (row.image !== undefined) row.image = rebaseImages(row.image, unit.key);
          // With --eval-per-type only the picked eval samples are written (below, after the pick).
          if (perType !== undefined && split === 'eval') {
            typedEvalRows.set(String(row.id), { row, where });
            continue;
          }
          const file = typed.add(row, split, where);
          texts.set(file, (texts.get(file) ?? '') + JSON.stringify(row) + '\n');
        }
        for (const [file, text] of texts) await writeChunk(await typedStream(file), text);
      }
      for (const [type, n] of Object.entries(meta.samples)) manifest.samples[type] = (manifest.samples[type] ?? 0) + n;
      const wanted = meta.options?.perTask ?? 20;
      const expected = expectedQuestionTypes(meta.tasks, { prompts: meta.options?.prompts, clip: meta.source?.format === CLIP_FORMAT });
      if (meta.options?.sceneSplit === 'eval') for (const type of expected) evalTypes.add(type);
      for (const type of expected) {
        const made = meta.samples[type] ?? 0;
        if (made >= wanted) continue;
        const scene = ((manifest.shortfalls ??= {})[unit.scene] ??= {});
        scene[type] = { made: (scene[type]?.made ?? 0) + made, wanted };
      }
      manifest.shards.push({ key: unit.key, scene: meta.scene, tasks: meta.tasks, train: meta.train, eval: meta.eval, sha256: createHash('sha256').update(metaText).digest('hex') });
      opts.progress?.(k + 1, plan.units.length);
    }
    let shortfall: Record<string, number> | undefined;
    if (perType !== undefined) {
      // Every type an eval room asked for counts, including those it made none of.
      const pick = pickEvalPerType(candidates, perType, evalTypes);
      // Written in merge order (plan order, then line order), whatever the type.
      const lines = [...pick.picked.values()].flat().sort((a, b) => seq.get(a)! - seq.get(b)!).map((c) => c.line).join('');
      const w = writers.find((x) => x.name === 'qa_eval.jsonl')!;
      w.samples += Object.values(pick.counts).reduce((a, b) => a + b, 0);
      w.hash.update(lines);
      await writeChunk(w.stream, lines);
      // The per-type eval files hold the same picked samples, in the same order.
      const texts = new Map<string, string>();
      for (const line of lines.split('\n')) {
        if (!line) continue;
        const id = String((JSON.parse(line) as { id?: unknown }).id);
        const typedRow = typedEvalRows.get(id);
        if (!typedRow) throw spatialError('ERR_SPATIAL_FORMAT', `merge: eval sample ${id} has no row in its shard's ${BY_TYPE_DIR}/ files`);
        const file = typed.add(typedRow.row, 'eval', typedRow.where);
        texts.set(file, (texts.get(file) ?? '') + JSON.stringify(typedRow.row) + '\n');
      }
      for (const [file, text] of texts) await writeChunk(await typedStream(file), text);
      Object.assign(evalSamples, pick.counts);
      shortfall = pick.shortfall;
    }
    if (plan.split) {
      manifest.split = { ...plan.split, eval_samples: Object.fromEntries(Object.entries(evalSamples).sort(([a], [b]) => (a < b ? -1 : 1))) };
      if (shortfall) manifest.split.eval_shortfall = shortfall;
    }
    for (const w of writers) await closeStream(w.stream);
    for (const stream of typedStreams.values()) await closeStream(stream);
    // The completion marker goes first and comes back last: splits without it are a merge in progress.
    await rm(join(out, 'manifest.json'), { force: true });
    for (const w of writers) {
      await rename(w.tmp, join(out, w.name));
      manifest.splits[w.name] = { samples: w.samples, sha256: w.hash.digest('hex') };
    }
    await rm(join(out, BY_TYPE_DIR), { recursive: true, force: true });
    await rename(typedDir, join(out, BY_TYPE_DIR));
    await writeDatasetCard(out, typed.list(), { title: `Spatial QA dataset of ${plan.units.length} units`, imagePaths: imagePathNote('merged') });
  } catch (e) {
    for (const w of writers) {
      w.stream.destroy();
      await rm(w.tmp, { force: true }).catch(() => undefined);
    }
    for (const stream of typedStreams.values()) (stream as NodeJS.WritableStream & { destroy(): void }).destroy();
    await rm(typedDir, { recursive: true, force: true }).catch(() => undefined);
    throw asIoError(e);
  }
  manifest.samples = Object.fromEntries(Object.entries(manifest.samples).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFileAtomic(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', 'manifest', { mkdir: true });
  return manifest;
}

/**
 * For readers of a merged split (`stats`, `eval`): when `file` is `qa_train.jsonl` or
 * `qa_eval.jsonl` at the root of a dataset (beside `plan.json`), requires the merge's
 * `manifest.json` and that the file matches the sha256 it records, so a merge killed half-way is
 * never read as a dataset. Any other file passes unchecked.
 * @throws ERR_SPATIAL_FORMAT naming the file when the merge is incomplete or the file changed.
 */
export async function checkMergedSplit(file: string, bytes: Uint8Array): Promise<void> {
  const name = basename(file) as (typeof SPLITS)[number];
  const dir = dirname(resolve(file));
  if (!SPLITS.includes(name) || !(await exists(join(dir, 'plan.json')))) return;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    throw spatialError('ERR_SPATIAL_FORMAT', `${file} belongs to a dataset whose merge did not complete (no readable ${join(dir, 'manifest.json')}): run 'spatial-geom merge --out ${dir}'`);
  }
  if (manifest?.splits?.[name]?.sha256 !== createHash('sha256').update(bytes).digest('hex'))
    throw spatialError('ERR_SPATIAL_FORMAT', `${file} does not match the sha256 in ${join(dir, 'manifest.json')}: run 'spatial-geom merge --out ${dir}' again`);
}
