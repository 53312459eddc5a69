/**
 * Scene manifests: one JSON file describing any posed RGB-D scene that is neither a ScanNet export
 * nor a TUM sequence. Schema (version 1), every key checked, unknown keys rejected:
 *
 * ```jsonc
 * {
 *   "version": 1,                         // required
 *   "id": "kitchen-01",                   // required, non-empty
 *   "up": "z",                            // optional: "x" | "y" | "z" | "-y"
 *   "depthScale": 1000,                   // optional default for frames: stored units per metre
 *   "intrinsics": { "fx": 525, "fy": 525, "cx": 319.5, "cy": 239.5, "width": 640, "height": 480 },
 *                                         // optional default for frames (of the depth image)
 *   "colorIntrinsics": { ... },           // optional default for frames, when colour differs
 *   "points": "mesh.ply",                 // optional: PLY whose vertices become scene.points
 *   "instances": [                        // optional
 *     { "id": 1, "label": "chair", "box": { "min": [0, 0, 0], "max": [1, 1, 1] }, "structural": false }
 *   ],
 *   "frames": [                           // required, at least one
 *     {
 *       "id": "0",                        // required, unique
 *       "depth": "depth/0.png",           // required: 16-bit PNG
 *       "depthScale": 1000,               // required unless given at the top
 *       "color": "color/0.jpg",           // optional
 *       "intrinsics": { ... },            // required unless given at the top
 *       "colorIntrinsics": { ... },       // optional
 *       "pose": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1],  // required: camera-to-world, row-major 4x4
 *       "timestamp": 0.0                  // optional, seconds
 *     }
 *   ]
 * }
 * ```
 * Relative paths are relative to the manifest's directory. Poses are camera-to-world with OpenCV
 * axes (x right, y down, z forward) in metres and must be rigid.
 * @module
 */
import { dirname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { describeValue, spatialError } from '../errors.js';
import { readText } from '../io/files.js';
import { readPlyPoints } from '../io/ply.js';
import { formatError, jsonLines, parseJson } from '../io/text.js';
import type { Intrinsics } from '../types.js';
import { checkPose, checkSceneIntrinsics } from '../validate.js';
import { booleanOption, checkOptionKeys, sceneFile } from './common.js';
import type { Frame, Instance, Scene } from './types.js';

/** A scene manifest as stored (see the module comment for the meaning of every key). */
export interface SceneManifest {
  version: 1;
  id: string;
  up?: 'x' | 'y' | 'z' | '-y';
  depthScale?: number;
  intrinsics?: Intrinsics;
  colorIntrinsics?: Intrinsics;
  points?: string;
  instances?: { id: number; label: string; box: { min: [number, number, number]; max: [number, number, number] }; structural?: boolean }[];
  frames: SceneManifestFrame[];
}

/** One frame of a {@link SceneManifest}. */
export interface SceneManifestFrame {
  id: string;
  depth: string;
  depthScale?: number;
  color?: string;
  intrinsics?: Intrinsics;
  colorIntrinsics?: Intrinsics;
  /** 16 numbers, row-major camera-to-world. */
  pose: number[];
  timestamp?: number;
}

const TOP_KEYS = ['version', 'id', 'up', 'depthScale', 'intrinsics', 'colorIntrinsics', 'points', 'instances', 'frames'];
const FRAME_KEYS = ['id', 'depth', 'depthScale', 'color', 'intrinsics', 'colorIntrinsics', 'pose', 'timestamp'];
const INTRINSICS_KEYS = ['fx', 'fy', 'cx', 'cy', 'width', 'height'];
const INSTANCE_KEYS = ['id', 'label', 'box', 'structural'];

type Obj = Record<string, unknown>;

class Checker {
  private lines?: Map<string, number>;
  constructor(private readonly file: string, private readonly text: string) {}

  fail(path: string, message: string): never {
    throw formatError(this.file, this.lineOf(path), `${path}: ${message}`);
  }

  /** The 1-based line of a JSON path's value, else of the nearest enclosing one (e.g. for a missing key). */
  lineOf(path: string): number | undefined {
    this.lines ??= jsonLines(this.text);
    let p = path;
    let line = this.lines.get(p);
    while (line === undefined && p.length) {
      // A top-level key ("up") has no parent segment to strip: go straight to the root, or this
      // loop would never end.
      const parent = p.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
      p = parent === p ? '' : parent;
      line = this.lines.get(p === '' ? '$' : p);
      if (p === '') break;
    }
    return line;
  }

  object(v: unknown, path: string, keys: string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `Expected an object but received ${describeValue(v)}`);
    for (const k of Object.keys(v as Obj)) if (!keys.includes(k)) this.fail(path === '$' ? k : `${path}.${k}`, `unknown key (expected one of ${keys.join(', ')})`);
    return v as Obj;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, `Expected a non-empty string but received ${describeValue(v)}`);
    return v as string;
  }

  number(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `Expected a finite number but received ${describeValue(v)}`);
    return v as number;
  }

  positive(v: unknown, path: string): number {
    const n = this.number(v, path);
    if (!(n > 0)) this.fail(path, `Expected a number > 0 but received ${n}`);
    return n;
  }

  vec3(v: unknown, path: string): [number, number, number] {
    if (!Array.isArray(v) || v.length !== 3) this.fail(path, `Expected an array of 3 numbers but received ${describeValue(v)}`);
    return (v as unknown[]).map((x, i) => this.number(x, `${path}[${i}]`)) as [number, number, number];
  }

  intrinsics(v: unknown, path: string): Intrinsics {
    const o = this.object(v, path, INTRINSICS_KEYS);
    for (const k of INTRINSICS_KEYS) if (o[k] === undefined) this.fail(`${path}.${k}`, 'missing');
    try {
      return checkSceneIntrinsics(o, path);
    } catch (e) {
      return this.fail(path, (e as Error).message);
    }
  }
}

/** Options of {@link loadManifest}. */
export interface ManifestOptions {
  /**
   * Allow files outside the manifest's folder (absolute paths, `../`, symlinks that leave it), e.g.
   * a manifest that points into a shared image store. Default false: such a path is an error naming
   * its JSON path and line.
   */
  allowOutsidePaths?: boolean;
}

/**
 * Loads a scene manifest (see the module comment for the schema).
 * @param path The manifest JSON file, or a directory holding `manifest.json`.
 * @returns The scene; frames keep their order; depth and colour pixels are not read (the files
 *   must exist); `points` are read from the PLY when given.
 * @throws ERR_SPATIAL_IO when the manifest cannot be read; ERR_SPATIAL_FORMAT naming the file, the
 *   1-based line and the JSON path (`frames[2].pose`) for invalid JSON, a wrong type, an unknown or
 *   missing key, a non-rigid pose, invalid intrinsics, a duplicate frame id or a missing file.
 * @example const scene = await loadManifest('scenes/kitchen-01/manifest.json');
 */
export async function loadManifest(path: string, opts?: ManifestOptions): Promise<Scene> {
  if (typeof path !== 'string' || path.length === 0)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a non-empty string for path but received ${describeValue(path)}`);
  const o = checkOptionKeys(opts, ['allowOutsidePaths']);
  const allowOutside = booleanOption(o.allowOutsidePaths, false, 'opts.allowOutsidePaths');
  let file = resolve(path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'manifest.json');
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `Cannot read scene manifest ${path}: no such file or directory`);
  }
  const text = await readText(file, 'scene manifest');
  const doc = parseJson(text, file);
  const base = dirname(file);
  const c = new Checker(file, text);
  // A file the manifest names: a regular file, inside the manifest's folder unless allowed outside.
  const at = (entry: string, jsonPath: string) => sceneFile(base, entry, { from: file, line: c.lineOf(jsonPath), what: `${jsonPath}: file` }, allowOutside);
  const top = c.object(doc, '$', TOP_KEYS);
  if (top.version !== 1) c.fail('version', `Expected 1 but received ${describeValue(top.version)}`);
  const id = c.string(top.id, 'id');
  const up = top.up;
  if (up !== undefined && up !== 'x' && up !== 'y' && up !== 'z' && up !== '-y') c.fail('up', `Expected "x", "y", "z" or "-y" but received ${describeValue(up)}`);
  const defaultScale = top.depthScale === undefined ? undefined : c.positive(top.depthScale, 'depthScale');
  const defaultK = top.intrinsics === undefined ? undefined : c.intrinsics(top.intrinsics, 'intrinsics');
  const defaultColorK = top.colorIntrinsics === undefined ? undefined : c.intrinsics(top.colorIntrinsics, 'colorIntrinsics');

  if (!Array.isArray(top.frames) || top.frames.length === 0) c.fail('frames', `Expected a non-empty array of frames but received ${describeValue(top.frames)}`);
  const ids = new Map<string, number>();
  const frames: Frame[] = [];
  for (const [i, raw] of (top.frames as unknown[]).entries()) {
    const p = `frames[${i}]`;
    const f = c.object(raw, p, FRAME_KEYS);
    const fid = c.string(f.id, `${p}.id`);
    if (ids.has(fid)) c.fail(`${p}.id`, `duplicate frame id ${JSON.stringify(fid)} (also frames[${ids.get(fid)}])`);
    ids.set(fid, i);
    const intrinsics = f.intrinsics !== undefined ? c.intrinsics(f.intrinsics, `${p}.intrinsics`) : defaultK;
    if (!intrinsics) c.fail(`${p}.intrinsics`, 'missing (and no top-level intrinsics)');
    const depthScale = f.depthScale !== undefined ? c.positive(f.depthScale, `${p}.depthScale`) : defaultScale;
    if (depthScale === undefined) c.fail(`${p}.depthScale`, 'missing (and no top-level depthScale)');
    if (!Array.isArray(f.pose) || f.pose.length !== 16) c.fail(`${p}.pose`, `Expected 16 numbers (row-major camera-to-world 4x4) but received ${describeValue(f.pose)}`);
    const pose = Float64Array.from((f.pose as unknown[]).map((v, k) => c.number(v, `${p}.pose[${k}]`)));
    try {
      checkPose(pose, `${p}.pose`);
    } catch (e) {
      c.fail(`${p}.pose`, (e as Error).message);
    }
    const frame: Frame = { id: fid, intrinsics: intrinsics!, pose, depthPath: await at(c.string(f.depth, `${p}.depth`), `${p}.depth`), depthScale };
    if (f.color !== undefined) frame.colorPath = await at(c.string(f.color, `${p}.color`), `${p}.color`);
    const colorK = f.colorIntrinsics !== undefined ? c.intrinsics(f.colorIntrinsics, `${p}.colorIntrinsics`) : defaultColorK;
    if (colorK) frame.colorIntrinsics = colorK;
    if (f.timestamp !== undefined) frame.timestamp = c.number(f.timestamp, `${p}.timestamp`);
    frames.push(frame);
  }

  const scene: Scene = { id, root: base, frames, format: 'manifest' };
  if (up !== undefined) scene.up = up as Scene['up'];
  if (top.instances !== undefined) {
    if (!Array.isArray(top.instances)) c.fail('instances', `Expected an array but received ${describeValue(top.instances)}`);
    const seen = new Set<number>();
    scene.instances = (top.instances as unknown[]).map((raw, i): Instance => {
      const p = `instances[${i}]`;
      const o = c.object(raw, p, INSTANCE_KEYS);
      const iid = c.number(o.id, `${p}.id`);
      if (!Number.isInteger(iid) || iid < 1 || iid > 65535) c.fail(`${p}.id`, `Expected an integer in [1, 65535] but received ${iid}`);
      if (seen.has(iid)) c.fail(`${p}.id`, `duplicate instance id ${iid}`);
      seen.add(iid);
      if (typeof o.label !== 'string') c.fail(`${p}.label`, `Expected a string but received ${describeValue(o.label)}`);
      const box = c.object(o.box, `${p}.box`, ['min', 'max']);
      const min = c.vec3(box.min, `${p}.box.min`), max = c.vec3(box.max, `${p}.box.max`);
      for (let k = 0; k < 3; k++) if (min[k] > max[k]) c.fail(`${p}.box`, `min[${k}] = ${min[k]} exceeds max[${k}] = ${max[k]}`);
      const inst: Instance = { id: iid, label: o.label as string, box: { min, max } };
      if (o.structural !== undefined) {
        if (typeof o.structural !== 'boolean') c.fail(`${p}.structural`, `Expected a boolean but received ${describeValue(o.structural)}`);
        inst.structural = o.structural as boolean;
      }
      return inst;
    });
  }
  if (top.points !== undefined) {
    const pointsFile = await at(c.string(top.points, 'points'), 'points');
    scene.points = await readPlyPoints(pointsFile);
  }
  return scene;
}
