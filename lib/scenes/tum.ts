/**
 * TUM RGB-D sequences:
 *
 * ```
 * <dir>/rgb.txt          "timestamp filename" per line (optional: without it frames have no colour)
 * <dir>/depth.txt        "timestamp filename" per line, 16-bit PNGs, 5000 units per metre
 * <dir>/groundtruth.txt  "timestamp tx ty tz qx qy qz qw" per line: camera-to-world of the colour
 *                        camera's optical centre (OpenCV axes), quaternion scalar-last
 * <dir>/intrinsics.json  optional: { "fx", "fy", "cx", "cy" [, "width", "height"] } in pixels
 * ```
 * Lines starting with `#` and blank lines are ignored. Timestamps are seconds.
 * @module
 */
import { basename, join, resolve } from 'node:path';
import { describeValue, spatialError } from '../errors.js';
import { isFile, readText } from '../io/files.js';
import { readImageInfo } from '../io/image.js';
import { dataLines, formatError, parseJson, parseNumberRow, parseNumberToken, type TextLine } from '../io/text.js';
import { poseFromQuaternion, slerp } from '../pose.js';
import type { Intrinsics, Pose } from '../types.js';
import { checkSceneIntrinsics } from '../validate.js';
import { booleanOption, checkDirectory, checkOptionKeys, mapLimit, positiveOption, readRequiredText, sceneFile } from './common.js';
import type { Frame, Scene, SkippedFrame } from './types.js';

/** Pinhole parameters without an image size (the loader takes the size from the depth images). */
export type PinholeParameters = Pick<Intrinsics, 'fx' | 'fy' | 'cx' | 'cy'> & Partial<Pick<Intrinsics, 'width' | 'height'>>;

/** Named TUM intrinsics presets. */
export type TumIntrinsicsPreset = 'freiburg1' | 'freiburg2' | 'freiburg3' | 'default';

/**
 * TUM RGB-D's documented colour-camera intrinsics (640x480), from the dataset's "file formats"
 * page. `default` is the ROS default the dataset recommends for its pre-registered depth images;
 * the freiburg1/2 lenses also have radial distortion, which is not modelled here (TUM's
 * freiburg3 images are already undistorted).
 */
export const TUM_INTRINSICS: Readonly<Record<TumIntrinsicsPreset, Readonly<Intrinsics>>> = Object.freeze({
  default: Object.freeze({ fx: 525.0, fy: 525.0, cx: 319.5, cy: 239.5, width: 640, height: 480 }),
  freiburg1: Object.freeze({ fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3, width: 640, height: 480 }),
  freiburg2: Object.freeze({ fx: 520.9, fy: 521.0, cx: 325.1, cy: 249.7, width: 640, height: 480 }),
  freiburg3: Object.freeze({ fx: 535.4, fy: 539.2, cx: 320.1, cy: 247.6, width: 640, height: 480 }),
});

/** Options of {@link loadTum}. */
export interface TumOptions {
  /** Largest |timestamp difference| (seconds, inclusive) for associating depth with rgb and pose. Default 0.02. */
  maxDt?: number;
  /** Stored depth units per metre. Default 5000 (TUM). */
  depthScale?: number;
  /**
   * Intrinsics: a preset name, or pinhole parameters (an image size, when given, must match the
   * depth images). When omitted: `<dir>/intrinsics.json` if present, else `'default'`.
   */
  intrinsics?: PinholeParameters | TumIntrinsicsPreset;
  /**
   * How a depth frame gets its pose: `'interpolate'` (default) interpolates linearly in translation
   * and by slerp in rotation between the two ground-truth poses bracketing the depth timestamp when
   * both lie within `maxDt` of it, else takes the nearest pose within `maxDt`; `'nearest'` always
   * takes the nearest pose within `maxDt`.
   */
  pose?: 'interpolate' | 'nearest';
  /**
   * Allow listed files outside the sequence folder (absolute paths, `../`, symlinks that leave it).
   * Default false: such an entry is an error naming it and its list.
   */
  allowOutsidePaths?: boolean;
}

interface Stamped {
  t: number;
  token: string;
  file: string;
  line: number;
}

interface StampedPose {
  t: number;
  line: number;
  translation: [number, number, number];
  /** Unit quaternion (qx, qy, qz, qw). */
  q: [number, number, number, number];
}

/** Moved to lib/pose.ts; still exported here (and from the package root) under its name. */
export { poseFromQuaternion };

function parseList(text: string, file: string): Stamped[] {
  const seen = new Map<string, number>();
  const out = dataLines(text).map((l: TextLine) => {
    if (l.tokens.length !== 2) throw formatError(file, l.line, `Expected 2 columns (timestamp filename) but received ${l.tokens.length}: ${JSON.stringify(l.tokens.join(' '))}`);
    const t = parseNumberToken(l.tokens[0], file, l.line, 'timestamp');
    const prev = seen.get(l.tokens[0]);
    if (prev !== undefined) throw formatError(file, l.line, `timestamp ${l.tokens[0]} appears twice (also line ${prev})`);
    seen.set(l.tokens[0], l.line);
    return { t, token: l.tokens[0], file: l.tokens[1], line: l.line };
  });
  return out.sort((a, b) => a.t - b.t);
}

function parseGroundTruth(text: string, file: string): StampedPose[] {
  const out = dataLines(text).map((l) => {
    const v = parseNumberRow(l, 8, file, 'timestamp tx ty tz qx qy qz qw');
    const q: [number, number, number, number] = [v[4], v[5], v[6], v[7]];
    const n = Math.hypot(...q);
    // Files store unit quaternions to a few decimals; a norm far from 1 means a broken line.
    if (!(Math.abs(n - 1) < 1e-2)) throw formatError(file, l.line, `Expected a unit quaternion (qx qy qz qw) but its norm is ${n}`);
    return { t: v[0], line: l.line, translation: [v[1], v[2], v[3]] as [number, number, number], q: q.map((c) => c / n) as [number, number, number, number] };
  });
  return out.sort((a, b) => a.t - b.t);
}

/** First index with `items[i].t >= t` (items sorted by t). */
function lowerBound(items: readonly { t: number }[], t: number): number {
  let lo = 0, hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One-to-one association by timestamp, as TUM's associate.py: all pairs within maxDt, taken in
 * order of increasing |dt| (ties: earlier depth, then earlier rgb), each item used at most once.
 */
function associate(depth: Stamped[], rgb: Stamped[], maxDt: number): Map<number, number> {
  const pairs: [number, number, number][] = [];
  depth.forEach((d, i) => {
    for (let j = lowerBound(rgb, d.t - maxDt); j < rgb.length && rgb[j].t <= d.t + maxDt; j++) {
      const dt = Math.abs(rgb[j].t - d.t);
      if (dt <= maxDt) pairs.push([dt, i, j]);
    }
  });
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const out = new Map<number, number>();
  const usedRgb = new Set<number>();
  for (const [, i, j] of pairs) {
    if (out.has(i) || usedRgb.has(j)) continue;
    out.set(i, j);
    usedRgb.add(j);
  }
  return out;
}

function poseAt(poses: StampedPose[], t: number, maxDt: number, mode: 'interpolate' | 'nearest'): Pose | undefined {
  const k = lowerBound(poses, t);
  const before = k > 0 ? poses[k - 1] : undefined;
  const after = k < poses.length ? poses[k] : undefined;
  const okBefore = before !== undefined && t - before.t <= maxDt;
  const okAfter = after !== undefined && after.t - t <= maxDt;
  if (mode === 'interpolate' && okBefore && okAfter && after.t > before.t) {
    const s = (t - before.t) / (after.t - before.t);
    const tr = [0, 1, 2].map((i) => before.translation[i] + s * (after.translation[i] - before.translation[i]));
    return poseFromQuaternion(tr, slerp(before.q, after.q, s));
  }
  let best: StampedPose | undefined;
  if (okBefore) best = before;
  if (okAfter && (!best || after.t - t < t - best.t)) best = after;
  return best && poseFromQuaternion(best.translation, best.q);
}

async function readIntrinsicsJson(file: string): Promise<PinholeParameters> {
  const v = parseJson(await readText(file, 'intrinsics file'), file);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw formatError(file, undefined, `Expected an object { fx, fy, cx, cy } but received ${describeValue(v)}`);
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!['fx', 'fy', 'cx', 'cy', 'width', 'height'].includes(key)) throw formatError(file, undefined, `Unknown key ${JSON.stringify(key)} (expected fx, fy, cx, cy, width, height)`);
  for (const key of ['fx', 'fy', 'cx', 'cy'])
    if (typeof o[key] !== 'number') throw formatError(file, undefined, `Expected a number for ${key} but received ${describeValue(o[key])}`);
  return o as unknown as PinholeParameters;
}

function resolveIntrinsics(spec: PinholeParameters | TumIntrinsicsPreset, width: number, height: number, source: string): Intrinsics {
  if (typeof spec === 'string') {
    const preset = TUM_INTRINSICS[spec];
    if (!preset || !Object.prototype.hasOwnProperty.call(TUM_INTRINSICS, spec))
      throw spatialError('ERR_SPATIAL_TYPE', `Expected 'default', 'freiburg1', 'freiburg2', 'freiburg3' or pinhole parameters for ${source} but received ${describeValue(spec)}`);
    if (preset.width !== width || preset.height !== height)
      throw spatialError('ERR_SPATIAL_SHAPE', `${source} '${spec}' is for ${preset.width}x${preset.height} images but the depth images are ${width}x${height}`);
    return { ...preset };
  }
  if (typeof spec !== 'object' || spec === null) throw spatialError('ERR_SPATIAL_TYPE', `Expected a preset name or { fx, fy, cx, cy } for ${source} but received ${describeValue(spec)}`);
  if ((spec.width !== undefined && spec.width !== width) || (spec.height !== undefined && spec.height !== height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${source} is for ${spec.width}x${spec.height} images but the depth images are ${width}x${height}`);
  return checkSceneIntrinsics({ fx: spec.fx, fy: spec.fy, cx: spec.cx, cy: spec.cy, width, height }, source);
}

/**
 * Loads a TUM RGB-D sequence (see the module comment for the layout).
 *
 * Association: every depth frame (sorted by timestamp) is paired one to one with the nearest rgb
 * frame within `maxDt` (TUM's associate.py rule) and given the ground-truth pose at the depth
 * timestamp (`opts.pose`: interpolated between the bracketing poses, or nearest). Depth frames
 * without an rgb frame (when rgb.txt exists) or without a pose within `maxDt` are left out and
 * listed in `scene.skipped`. Frame ids are the depth timestamps as written in depth.txt; the depth
 * images are not read, except the first one's header for the image size.
 * Intrinsics: `opts.intrinsics`, else `<dir>/intrinsics.json`, else TUM's recommended ROS default
 * (fx = fy = 525, cx = 319.5, cy = 239.5). Colour and depth share them (TUM registers depth to colour).
 * @throws ERR_SPATIAL_IO when `dir` is missing; ERR_SPATIAL_FORMAT naming the file and the 1-based
 *   line for a malformed line or a listed file that does not exist.
 * @example
 * const scene = await loadTum('rgbd_dataset_freiburg1_xyz', { intrinsics: 'freiburg1' });
 */
export async function loadTum(dir: string, opts?: TumOptions): Promise<Scene> {
  await checkDirectory(dir, 'TUM sequence directory');
  const o = checkOptionKeys(opts, ['maxDt', 'depthScale', 'intrinsics', 'pose', 'allowOutsidePaths']);
  const allowOutside = booleanOption(o.allowOutsidePaths, false, 'opts.allowOutsidePaths');
  const maxDt = positiveOption(o.maxDt, 0.02, 'opts.maxDt');
  const depthScale = positiveOption(o.depthScale, 5000, 'opts.depthScale');
  const mode = o.pose ?? 'interpolate';
  if (mode !== 'interpolate' && mode !== 'nearest')
    throw spatialError('ERR_SPATIAL_TYPE', `Expected 'interpolate' or 'nearest' for opts.pose but received ${describeValue(mode)}`);
  const root = resolve(dir);

  const depthListFile = join(root, 'depth.txt'), rgbListFile = join(root, 'rgb.txt'), gtFile = join(root, 'groundtruth.txt');
  const depth = parseList(await readRequiredText(depthListFile, 'TUM depth list'), depthListFile);
  const rgb = (await isFile(rgbListFile)) ? parseList(await readText(rgbListFile, 'TUM rgb list'), rgbListFile) : undefined;
  const poses = parseGroundTruth(await readRequiredText(gtFile, 'TUM ground truth'), gtFile);
  if (depth.length === 0) throw formatError(depthListFile, undefined, 'Expected at least one "timestamp filename" line but found none');

  // Every listed file must exist as a regular file inside the sequence folder (unless allowed
  // outside): a broken list is reported where it is written. Checked in list order.
  const checkFiles = async (list: Stamped[], listFile: string) => {
    const errors = await mapLimit(list, 64, (s) => sceneFile(root, s.file, { from: listFile, line: s.line, what: 'listed file' }, allowOutside).then(() => undefined, (e: unknown) => e));
    const first = errors.find((e) => e !== undefined);
    if (first) throw first;
  };
  await checkFiles(depth, depthListFile);
  if (rgb) await checkFiles(rgb, rgbListFile);

  const size = await readImageInfo(join(root, depth[0].file));
  let spec: PinholeParameters | TumIntrinsicsPreset = 'default';
  let source = 'opts.intrinsics';
  const intrinsicsFile = join(root, 'intrinsics.json');
  if (o.intrinsics !== undefined) spec = o.intrinsics as PinholeParameters | TumIntrinsicsPreset;
  else if (await isFile(intrinsicsFile)) {
    spec = await readIntrinsicsJson(intrinsicsFile);
    source = `the intrinsics in ${intrinsicsFile}`;
  } else source = "TUM's default intrinsics";
  const intrinsics = resolveIntrinsics(spec, size.width, size.height, source);
  if (rgb && rgb.length) {
    const c = await readImageInfo(join(root, rgb[0].file));
    if (c.width !== size.width || c.height !== size.height)
      throw formatError(rgbListFile, rgb[0].line, `colour images are ${c.width}x${c.height} but depth images are ${size.width}x${size.height}; TUM colour and depth must be registered at one size`);
  }

  const pairs = rgb ? associate(depth, rgb, maxDt) : undefined;
  const frames: Frame[] = [];
  const skipped: SkippedFrame[] = [];
  depth.forEach((d, i) => {
    const j = pairs?.get(i);
    if (rgb && j === undefined) {
      skipped.push({ id: d.token, reason: `no rgb frame within ${maxDt} s` });
      return;
    }
    const pose = poseAt(poses, d.t, maxDt, mode);
    if (!pose) {
      skipped.push({ id: d.token, reason: `no ground-truth pose within ${maxDt} s` });
      return;
    }
    const frame: Frame = { id: d.token, intrinsics, pose, depthPath: join(root, d.file), depthScale, timestamp: d.t };
    if (rgb && j !== undefined) frame.colorPath = join(root, rgb[j].file);
    frames.push(frame);
  });
  const scene: Scene = { id: basename(root), root, frames, format: 'tum' };
  if (skipped.length) scene.skipped = skipped;
  return scene;
}
