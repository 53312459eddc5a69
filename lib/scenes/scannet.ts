/**
 * ScanNet scenes in the layout of ScanNet's SensReader export (and of MultiSPA's posed images):
 *
 * ```
 * <dir>/color/<N>.jpg|.jpeg|.png        colour frames (optional folder)
 * <dir>/depth/<N>.png                   16-bit depth, millimetres (depthScale 1000), 0 = invalid
 * <dir>/pose/<N>.txt                    4x4 camera-to-world, row-major; "-inf" rows = lost tracking
 * <dir>/intrinsic/intrinsic_depth.txt   4x4 K of the depth image (required)
 * <dir>/intrinsic/intrinsic_color.txt   4x4 K of the colour image (optional)
 * <dir>/<scene>.txt                     ScanNet meta file; its "axisAlignment = 16 numbers" is used
 * <dir>/<scene>_vh_clean_2.ply          mesh; its vertices become scene.points (ASCII or binary PLY)
 * <dir>/<scene>_vh_clean_2.0.010000.segs.json + <dir>/<scene>.aggregation.json   instances
 * ```
 * `<scene>` is the directory's base name (e.g. `scene0000_00`).
 * @module
 */
import { basename, join, resolve } from 'node:path';
import { spatialError } from '../errors.js';
import { readImageInfo } from '../io/image.js';
import { isFile, readText } from '../io/files.js';
import { readPlyPoints } from '../io/ply.js';
import { multiplyPoses, transformPoints } from '../pose.js';
import { formatError, parseJson, parseMatrix4, parseNumberToken } from '../io/text.js';
import type { Intrinsics } from '../types.js';
import { checkInteger } from '../validate.js';
import {
  booleanOption,
  checkDirectory,
  checkOptionKeys,
  checkPoseFrom,
  intrinsicsFromMatrix,
  listDirectory,
  mapLimit,
  positiveOption,
  readRequiredText,
  sameIntrinsics,
  sceneFile,
} from './common.js';
import type { Frame, Instance, Scene, SkippedFrame } from './types.js';

/** Options of {@link loadScanNet}. */
export interface ScanNetOptions {
  /** Keep every k-th frame of the numerically sorted list (index % k == 0): MultiSPA used 5. Default 1. */
  frameStep?: number;
  /** Stored depth units per metre. Default 1000 (ScanNet stores millimetres). */
  depthScale?: number;
  /** Apply `axisAlignment` from `<scene>.txt` to poses and points when the file gives it. Default true. */
  alignAxes?: boolean;
  /** Read `<scene>_vh_clean_2.ply` vertices into `scene.points` when present. Default true. */
  points?: boolean;
  /** Read instances (segs + aggregation JSON) when present and points are read. Default true. */
  instances?: boolean;
  /** Allow frame files that are symlinks leaving the scene folder. Default false (an error naming the file). */
  allowOutsidePaths?: boolean;
}

/** Labels ScanNet uses for room structure, flagged `structural` (excluded from object questions). */
const STRUCTURAL = new Set(['wall', 'floor', 'ceiling', 'window']);

const COLOR_EXT = ['.jpg', '.jpeg', '.png'];

/** Files of one frame folder keyed by frame number; non-numeric stems are format errors. */
function indexFrames(names: string[], exts: string[], folder: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    const ext = dot < 0 ? '' : name.slice(dot).toLowerCase();
    if (!exts.includes(ext) || name.startsWith('.')) continue;
    const stem = name.slice(0, dot);
    if (!/^\d+$/.test(stem))
      throw spatialError('ERR_SPATIAL_FORMAT', `${join(folder, name)}: Expected a frame number as the file name (e.g. 0${exts[0]} or 00000${exts[0]}) but received ${JSON.stringify(stem)}`);
    const n = Number(stem);
    const prev = out.get(n);
    if (prev !== undefined)
      throw spatialError('ERR_SPATIAL_FORMAT', `${join(folder, name)}: frame ${n} appears twice (also ${join(folder, prev)})`);
    out.set(n, name);
  }
  return out;
}

/** Reads ScanNet's `<scene>.txt` meta file: `key = value` lines; returns axisAlignment when given. */
async function readAxisAlignment(file: string): Promise<Float64Array | undefined> {
  const lines = (await readText(file, 'ScanNet meta file')).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const eq = lines[i].indexOf('=');
    if (eq < 0 || lines[i].slice(0, eq).trim() !== 'axisAlignment') continue;
    const tokens = lines[i].slice(eq + 1).trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length !== 16) throw formatError(file, i + 1, `Expected 16 numbers for axisAlignment but received ${tokens.length}`);
    const m = Float64Array.from(tokens.map((t, k) => parseNumberToken(t, file, i + 1, `axisAlignment value ${k + 1}`)));
    return checkPoseFrom(m, `${file}:${i + 1} (axisAlignment)`);
  }
  return undefined;
}

async function readIntrinsicFile(file: string, width: number, height: number): Promise<Intrinsics> {
  const m = parseMatrix4(await readRequiredText(file, 'ScanNet intrinsic file'), file, 'intrinsic matrix');
  for (let i = 0; i < 16; i++)
    if (!Number.isFinite(m[i])) throw formatError(file, undefined, `Expected finite numbers in the intrinsic matrix but element ${i} is ${m[i]}`);
  return intrinsicsFromMatrix(m, 4, width, height, file);
}

/** Per-vertex instance ids and instance boxes from ScanNet's segs + aggregation files. */
async function readInstances(segsFile: string, aggFile: string, points: Float32Array): Promise<{ pointInstances: Uint16Array; instances: Instance[] }> {
  const parse = async (file: string) => {
    const doc = parseJson(await readText(file, 'ScanNet instance file'), file);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw formatError(file, undefined, 'Expected a JSON object at the top level');
    return doc as Record<string, unknown>;
  };
  const segs = await parse(segsFile);
  const agg = await parse(aggFile);
  const segIndices = segs.segIndices;
  const n = points.length / 3;
  if (!Array.isArray(segIndices) || segIndices.length !== n)
    throw formatError(segsFile, undefined, `Expected segIndices with one entry per mesh vertex (${n}) but received ${Array.isArray(segIndices) ? segIndices.length : typeof segIndices}`);
  const groups = agg.segGroups;
  if (!Array.isArray(groups)) throw formatError(aggFile, undefined, 'Expected a segGroups array');
  const segToInstance = new Map<number, number>();
  const labels = new Map<number, string>();
  groups.forEach((g: Record<string, unknown>, gi) => {
    const objectId = typeof g.objectId === 'number' ? g.objectId : g.id;
    if (typeof objectId !== 'number' || !Number.isInteger(objectId) || objectId < 0 || objectId > 65534 || !Array.isArray(g.segments) || typeof g.label !== 'string')
      throw formatError(aggFile, undefined, `segGroups[${gi}] must have an integer objectId in [0, 65534], a segments array and a label`);
    labels.set(objectId + 1, g.label);
    // Later groups overwrite earlier ones on shared segments, as ScanNet's own export scripts do.
    for (const s of g.segments as unknown[]) segToInstance.set(Number(s), objectId + 1);
  });
  const pointInstances = new Uint16Array(n);
  const lo = new Map<number, number[]>(), hi = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const id = segToInstance.get(segIndices[i] as number) ?? 0;
    pointInstances[i] = id;
    if (id === 0) continue;
    const x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
    const a = lo.get(id), b = hi.get(id);
    if (!a || !b) { lo.set(id, [x, y, z]); hi.set(id, [x, y, z]); continue; }
    a[0] = Math.min(a[0], x); a[1] = Math.min(a[1], y); a[2] = Math.min(a[2], z);
    b[0] = Math.max(b[0], x); b[1] = Math.max(b[1], y); b[2] = Math.max(b[2], z);
  }
  const instances: Instance[] = [...lo.keys()].sort((p, q) => p - q).map((id) => {
    const label = labels.get(id) ?? '';
    const inst: Instance = { id, label, box: { min: lo.get(id) as [number, number, number], max: hi.get(id) as [number, number, number] } };
    if (STRUCTURAL.has(label.toLowerCase())) inst.structural = true;
    return inst;
  });
  return { pointInstances, instances };
}

/**
 * Loads a ScanNet scene exported by SensReader (see the module comment for the layout).
 *
 * - Frames are the depth images, sorted numerically by file number (`2.png` before `10.png`); each
 *   needs `pose/<N>.txt`, and `color/<N>.*` when a `color/` folder exists. `frameStep` keeps every
 *   k-th frame of that sorted list (before skipping, so ids stay `0, 5, 10, ...` as in MultiSPA).
 * - Frames whose pose holds non-finite values (ScanNet writes `-inf` where tracking was lost) are
 *   left out and listed in `scene.skipped`.
 * - `frame.intrinsics`: `intrinsic_depth.txt` at the size of the first depth image; when
 *   `intrinsic_color.txt` or the colour size differ, `frame.colorIntrinsics` holds the colour camera
 *   (the colour size is read from the first colour image). Without `intrinsic_color.txt` the colour
 *   camera is taken to be the depth camera, which requires equal sizes. `extrinsic_*.txt` are ignored
 *   (SensReader writes identities; depth and colour are treated as one camera centre).
 * - `<scene>.txt` with `axisAlignment`: applied to every pose (`alignedFromCam = A * worldFromCam`)
 *   and to the mesh points; `scene.axisAlignment = A` and `scene.up = 'z'`.
 * - `<scene>_vh_clean_2.ply`: its vertices (x, y, z) become `scene.points`. With
 *   `<scene>_vh_clean_2.0.010000.segs.json` and `<scene>.aggregation.json` also present,
 *   `scene.pointInstances` (objectId + 1 per vertex, 0 = none) and `scene.instances` (axis-aligned
 *   boxes of each object's aligned vertices; wall/floor/ceiling/window flagged structural).
 *
 * Depth and colour pixels are not read here: see `loadFrameDepth` / `loadFrameColor`.
 * @throws ERR_SPATIAL_IO when `dir` is missing; ERR_SPATIAL_FORMAT naming the file (and 1-based
 *   line) for a missing frame file or a malformed text file; ERR_SPATIAL_POSE for a finite but
 *   non-rigid pose; ERR_SPATIAL_CAMERA for invalid intrinsics.
 * @example
 * const scene = await loadScanNet('scans/scene0000_00', { frameStep: 5 });
 * scene.frames[0]; // { id: '0', intrinsics, pose, depthPath, depthScale: 1000, colorPath }
 */
export async function loadScanNet(dir: string, opts?: ScanNetOptions): Promise<Scene> {
  await checkDirectory(dir, 'ScanNet scene directory');
  const o = checkOptionKeys(opts, ['frameStep', 'depthScale', 'alignAxes', 'points', 'instances', 'allowOutsidePaths']);
  const allowOutside = booleanOption(o.allowOutsidePaths, false, 'opts.allowOutsidePaths');
  const frameStep = o.frameStep === undefined ? 1 : checkInteger(o.frameStep, 1, 2 ** 31 - 1, 'opts.frameStep');
  const depthScale = positiveOption(o.depthScale, 1000, 'opts.depthScale');
  const alignAxes = booleanOption(o.alignAxes, true, 'opts.alignAxes');
  const wantPoints = booleanOption(o.points, true, 'opts.points');
  const wantInstances = booleanOption(o.instances, true, 'opts.instances');

  const root = resolve(dir);
  const id = basename(root);
  const depthDir = join(root, 'depth'), poseDir = join(root, 'pose'), colorDir = join(root, 'color');
  const depthNames = await listDirectory(depthDir);
  const poseNames = await listDirectory(poseDir);
  if (!depthNames) throw spatialError('ERR_SPATIAL_FORMAT', `${root}: Expected a ScanNet export with a depth/ folder but found none`);
  if (!poseNames) throw spatialError('ERR_SPATIAL_FORMAT', `${root}: Expected a ScanNet export with a pose/ folder but found none`);
  const colorNames = await listDirectory(colorDir);
  const depthFiles = indexFrames(depthNames, ['.png'], depthDir);
  const poseFiles = indexFrames(poseNames, ['.txt'], poseDir);
  const colorFiles = colorNames ? indexFrames(colorNames, COLOR_EXT, colorDir) : undefined;
  const hasColor = colorFiles !== undefined && colorFiles.size > 0;
  if (depthFiles.size === 0) throw spatialError('ERR_SPATIAL_FORMAT', `${depthDir}: Expected depth images <N>.png but found none`);

  const numbers = [...depthFiles.keys()].sort((a, b) => a - b).filter((_, i) => i % frameStep === 0);
  for (const n of numbers) {
    if (!poseFiles.has(n)) throw spatialError('ERR_SPATIAL_FORMAT', `${join(poseDir, `${n}.txt`)}: missing pose file for depth frame ${join(depthDir, depthFiles.get(n) as string)}`);
    if (hasColor && !colorFiles.has(n))
      throw spatialError('ERR_SPATIAL_FORMAT', `${join(colorDir, `${n}.jpg`)}: missing colour image for depth frame ${join(depthDir, depthFiles.get(n) as string)}`);
  }

  // Every frame file must be a regular file inside the scene folder (symlinks that leave it need
  // allowOutsidePaths); the first bad one in frame order is reported.
  const frameFiles = numbers.flatMap((n) => [
    [depthDir, depthFiles.get(n)!, 'depth image'], [poseDir, poseFiles.get(n)!, 'pose file'],
    ...(hasColor ? [[colorDir, colorFiles.get(n)!, 'colour image']] : []),
  ]);
  const problems = await mapLimit(frameFiles, 64, ([folder, name, what]) =>
    sceneFile(root, join(folder, name), { from: join(folder, name), what }, allowOutside).then(() => undefined, (e: unknown) => e));
  const problem = problems.find((e) => e !== undefined);
  if (problem) throw problem;

  const firstDepth = await readImageInfo(join(depthDir, depthFiles.get(numbers[0]) as string));
  const depthK = await readIntrinsicFile(join(root, 'intrinsic', 'intrinsic_depth.txt'), firstDepth.width, firstDepth.height);
  let colorK: Intrinsics | undefined;
  if (hasColor) {
    const firstColor = await readImageInfo(join(colorDir, colorFiles.get(numbers[0]) as string));
    const colorFile = join(root, 'intrinsic', 'intrinsic_color.txt');
    if (await isFile(colorFile)) colorK = await readIntrinsicFile(colorFile, firstColor.width, firstColor.height);
    else if (firstColor.width === depthK.width && firstColor.height === depthK.height) colorK = depthK;
    else
      throw spatialError(
        'ERR_SPATIAL_FORMAT',
        `${colorFile}: missing, and the colour images (${firstColor.width}x${firstColor.height}) differ in size from the depth images (${depthK.width}x${depthK.height})`,
      );
  }

  let alignment: Float64Array | undefined;
  const metaFile = join(root, `${id}.txt`);
  if (alignAxes && (await isFile(metaFile))) alignment = await readAxisAlignment(metaFile);

  const skipped: SkippedFrame[] = [];
  const frames: Frame[] = [];
  // Read concurrently, parse in frame order, so the first malformed file reported is deterministic.
  const poseTexts = await mapLimit(numbers, 64, (n) => readText(join(poseDir, poseFiles.get(n) as string), 'ScanNet pose file'));
  const poses = numbers.map((n, i) => {
    const file = join(poseDir, poseFiles.get(n) as string);
    return { file, pose: parseMatrix4(poseTexts[i], file, 'pose') };
  });
  numbers.forEach((n, i) => {
    const { file, pose } = poses[i];
    const frameId = depthFiles.get(n)!.slice(0, -'.png'.length);
    if (!pose.every(Number.isFinite)) {
      skipped.push({ id: frameId, reason: `non-finite pose in ${file}` });
      return;
    }
    checkPoseFrom(pose, file);
    const frame: Frame = {
      id: frameId,
      intrinsics: depthK,
      pose: alignment ? multiplyPoses(alignment, pose) : pose,
      depthPath: join(depthDir, depthFiles.get(n) as string),
      depthScale,
    };
    if (hasColor) {
      frame.colorPath = join(colorDir, colorFiles.get(n) as string);
      if (colorK && !sameIntrinsics(colorK, depthK)) frame.colorIntrinsics = colorK;
    }
    frames.push(frame);
  });

  const scene: Scene = { id, root, frames, format: 'scannet' };
  if (skipped.length) scene.skipped = skipped;
  if (alignment) {
    scene.axisAlignment = alignment;
    scene.up = 'z';
  }
  const meshFile = join(root, `${id}_vh_clean_2.ply`);
  if (wantPoints && (await isFile(meshFile))) {
    const points = await readPlyPoints(meshFile);
    if (alignment) transformPoints(alignment, points, { out: points }); // alignedFromRaw, in place
    scene.points = points;
    const segsFile = join(root, `${id}_vh_clean_2.0.010000.segs.json`);
    const aggFile = join(root, `${id}.aggregation.json`);
    if (wantInstances && (await isFile(segsFile)) && (await isFile(aggFile))) Object.assign(scene, await readInstances(segsFile, aggFile, points));
  }
  return scene;
}
