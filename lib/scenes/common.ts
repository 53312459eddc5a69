/**
 * Pieces shared by the scene loaders: directory checks, strict option checks, pose and intrinsics
 * validation that names the file a value came from.
 * @module
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { describeValue, spatialError } from '../errors.js';
import type { Intrinsics, Pose } from '../types.js';
import { checkPose, checkSceneIntrinsics } from '../validate.js';
import { fileKind, isFile, readText } from '../io/files.js';
import { formatError } from '../io/text.js';

/** Checks that `dir` is an existing directory (ERR_SPATIAL_IO naming it otherwise). */
export async function checkDirectory(dir: unknown, what: string): Promise<string> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a non-empty string for dir but received ${describeValue(dir)}`);
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `Cannot read ${what} ${dir}: no such file or directory`);
  }
  if (!isDir) throw spatialError('ERR_SPATIAL_IO', `Cannot read ${what} ${dir}: not a directory`);
  return dir;
}

/** Names in a directory, or undefined when it does not exist. */
export async function listDirectory(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw spatialError('ERR_SPATIAL_IO', `Cannot list directory ${dir}: ${(e as Error).message}`);
  }
}

/** Checks an optional options object and that it holds only `known` keys. */
export function checkOptionKeys(opts: unknown, known: readonly string[], name = 'opts'): Record<string, unknown> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for ${name} but received ${describeValue(opts)}`);
  for (const k of Object.keys(opts))
    if (!known.includes(k)) throw spatialError('ERR_SPATIAL_TYPE', `Unknown option ${name}.${k} (expected one of ${known.join(', ')})`);
  return opts as Record<string, unknown>;
}

/** A positive finite number option, or its default. */
export function positiveOption(v: unknown, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name} but received ${describeValue(v)}`);
  if (!Number.isFinite(v) || !(v > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be a finite number > 0 (got ${v})`);
  return v;
}

/** A boolean option, or its default. */
export function booleanOption(v: unknown, fallback: boolean, name: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for ${name} but received ${describeValue(v)}`);
  return v;
}

/** Validates a rigid camera-to-world pose read from `file` (ERR_SPATIAL_POSE naming the file). */
export function checkPoseFrom(pose: Float64Array, file: string): Pose {
  return checkPose(pose, `the pose in ${file}`);
}

/** Builds intrinsics from a 3x3 or 4x4 row-major K (`[fx 0 cx; 0 fy cy; ...]`) and an image size. */
export function intrinsicsFromMatrix(m: ArrayLike<number>, cols: 3 | 4, width: number, height: number, file: string): Intrinsics {
  const k = { fx: m[0], fy: m[cols + 1], cx: m[2], cy: m[cols + 2], width, height };
  return checkSceneIntrinsics(k, `the intrinsics in ${file}`);
}

/** True when two intrinsics are identical. */
export function sameIntrinsics(a: Intrinsics, b: Intrinsics): boolean {
  return a.fx === b.fx && a.fy === b.fy && a.cx === b.cx && a.cy === b.cy && a.width === b.width && a.height === b.height;
}

/**
 * Reads a file the layout requires: a missing one is a malformed dataset (`ERR_SPATIAL_FORMAT`
 * naming the file), not an I/O failure.
 */
export async function readRequiredText(file: string, what: string): Promise<string> {
  if (!(await isFile(file))) throw spatialError('ERR_SPATIAL_FORMAT', `${file}: Expected the ${what} but the file is missing`);
  return readText(file, what);
}

/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight: a ScanNet scene has thousands
 * of pose files, and opening them all at once can exhaust file descriptors (EMFILE).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Where a scene file reference was written: the file (and 1-based line) that names it. */
export interface PathSource {
  /** The list, manifest or folder the entry came from. */
  from: string;
  line?: number;
  /** What the entry is, for messages ("listed file", "frames[2].depth: file"). */
  what: string;
}

/**
 * Resolves a file a scene refers to, `entry` relative to `root` unless absolute, and checks it: it
 * must exist and be a regular file, and, unless `allowOutside`, its real path (symlinks resolved)
 * must lie inside the real path of `root`. Returns the path as written (joined to `root`).
 * @throws ERR_SPATIAL_FORMAT naming the entry and where it was written when it is missing or lies
 *   outside the scene folder; ERR_SPATIAL_IO when it is not a regular file (a FIFO, a directory).
 */
export async function sceneFile(root: string, entry: string, src: PathSource, allowOutside: boolean): Promise<string> {
  const path = isAbsolute(entry) ? entry : join(root, entry);
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw formatError(src.from, src.line, `${src.what} ${path} does not exist`);
  }
  const s = await stat(real);
  if (!s.isFile()) throw spatialError('ERR_SPATIAL_IO', `${src.from}${src.line ? `:${src.line}` : ''}: ${src.what} ${path} is ${fileKind(s)}, not a regular file`);
  if (!allowOutside) {
    const realRoot = await realpath(root);
    const rel = relative(realRoot, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
      throw formatError(
        src.from, src.line,
        `${src.what} ${JSON.stringify(entry)} resolves to ${real}, outside the scene folder ${realRoot} (pass allowOutsidePaths: true / --allow-outside-paths to allow it)`,
      );
  }
  return path;
}
