/**
 * TUM RGB-D layout: rgb.txt and depth.txt (`timestamp filename`), groundtruth.txt
 * (`timestamp tx ty tz qx qy qz qw`: the colour camera's optical centre and orientation in the
 * motion-capture world, i.e. camera-to-world in OpenCV axes), depth 16-bit PNG at 5000 per metre.
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { spatialError } from '../errors.js';
import type { Intrinsics, Pose } from '../types.js';
import { checkIntrinsics, checkPose } from '../validate.js';
import { numberField, readText, tableRows } from './text.js';
import type { Frame, Scene, SkippedFrame } from './types.js';

/** TUM's published intrinsics (fx, fy, cx, cy) per sensor, and the ROS default they document. */
export const TUM_INTRINSICS = {
  default: [525.0, 525.0, 319.5, 239.5],
  freiburg1: [517.3, 516.5, 318.6, 255.3],
  freiburg2: [520.9, 521.0, 325.1, 249.7],
  freiburg3: [535.4, 539.2, 320.1, 247.6],
} as const;

export interface TumOptions {
  /** Maximum timestamp difference (s) for associating depth with colour and pose [0.02]. */
  maxDt?: number;
  /** Depth units per metre [5000]. */
  depthScale?: number;
  /**
   * Intrinsics: explicit values, or a sensor preset. Default: `intrinsics.json` in the folder
   * (`{ "fx", "fy", "cx", "cy" }`) when present, else TUM's ROS default (525, 525, 319.5, 239.5).
   */
  intrinsics?: Omit<Intrinsics, 'width' | 'height'> | keyof typeof TUM_INTRINSICS;
}

/** Camera-to-world pose from a translation and a unit quaternion (x, y, z, w; normalised here). */
export function poseFromQuaternion(t: number[], q: number[]): Pose {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const [x, y, z, w] = q.map((v) => v / n);
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), t[0],
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), t[1],
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), t[2],
    0, 0, 0, 1,
  );
}

async function timedList(path: string): Promise<{ t: number; file: string; line: number }[]> {
  return tableRows(await readText(path)).map((r) => {
    if (r.fields.length < 2) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${r.line}: expected "timestamp filename"`);
    return { t: numberField(r.fields[0], path, r.line, 'timestamp'), file: r.fields[1], line: r.line };
  });
}

function nearest<T extends { t: number }>(list: T[], t: number, maxDt: number): T | undefined {
  let best: T | undefined;
  for (const e of list) if (Math.abs(e.t - t) <= maxDt && (!best || Math.abs(e.t - t) < Math.abs(best.t - t))) best = e;
  return best;
}

/**
 * Loads a TUM RGB-D sequence. Each depth frame is associated with the nearest colour frame and the
 * nearest ground-truth pose within `maxDt` (nearest sample, no interpolation); depth frames without
 * both are skipped and listed in `scene.skipped`. Frame ids are the depth timestamps.
 */
export async function loadTum(dir: string, opts: TumOptions = {}): Promise<Scene> {
  const maxDt = opts.maxDt ?? 0.02;
  const depthScale = opts.depthScale ?? 5000;
  const depthList = await timedList(join(dir, 'depth.txt'));
  const rgbList = await timedList(join(dir, 'rgb.txt'));
  const gtPath = join(dir, 'groundtruth.txt');
  const poses = tableRows(await readText(gtPath)).map((r) => {
    if (r.fields.length !== 8) throw spatialError('ERR_SPATIAL_FORMAT', `${gtPath}:${r.line}: expected "timestamp tx ty tz qx qy qz qw" (8 numbers, got ${r.fields.length})`);
    const v = r.fields.map((f, i) => numberField(f, gtPath, r.line, ['timestamp', 'tx', 'ty', 'tz', 'qx', 'qy', 'qz', 'qw'][i]));
    return { t: v[0], pose: poseFromQuaternion(v.slice(1, 4), v.slice(4, 8)), line: r.line };
  });
  if (!depthList.length) throw spatialError('ERR_SPATIAL_FORMAT', `${join(dir, 'depth.txt')}: no depth frames`);
  let k4: readonly number[] | Omit<Intrinsics, 'width' | 'height'> = TUM_INTRINSICS.default;
  if (typeof opts.intrinsics === 'string') {
    if (!(opts.intrinsics in TUM_INTRINSICS)) throw spatialError('ERR_SPATIAL_CAMERA', `opts.intrinsics must be one of ${Object.keys(TUM_INTRINSICS).join(', ')} (got ${opts.intrinsics})`);
    k4 = TUM_INTRINSICS[opts.intrinsics];
  } else if (opts.intrinsics) k4 = opts.intrinsics;
  else if (existsSync(join(dir, 'intrinsics.json'))) {
    try {
      k4 = JSON.parse(await readText(join(dir, 'intrinsics.json')));
    } catch {
      throw spatialError('ERR_SPATIAL_FORMAT', `${join(dir, 'intrinsics.json')}: not valid JSON`);
    }
  }
  const firstDepth = join(dir, depthList[0].file);
  let size: { width: number; height: number };
  try {
    const m = await sharp(firstDepth).metadata();
    size = { width: m.width!, height: m.height! };
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `cannot read ${firstDepth}`);
  }
  const [fx, fy, cx, cy] = Array.isArray(k4) ? k4 : [(k4 as Intrinsics).fx, (k4 as Intrinsics).fy, (k4 as Intrinsics).cx, (k4 as Intrinsics).cy];
  const intrinsics = checkIntrinsics({ fx, fy, cx, cy, ...size }, 'intrinsics');
  const frames: Frame[] = [];
  const skipped: SkippedFrame[] = [];
  for (const d of depthList) {
    const id = d.file.replace(/^.*\//, '').replace(/\.png$/i, '');
    const rgb = nearest(rgbList, d.t, maxDt);
    const gt = nearest(poses, d.t, maxDt);
    if (!rgb || !gt) {
      skipped.push({ id, reason: `no ${!rgb ? 'colour frame' : 'ground-truth pose'} within ${maxDt} s of depth ${d.t}` });
      continue;
    }
    checkPose(gt.pose, `${gtPath}:${gt.line}`);
    frames.push({ id, intrinsics, pose: gt.pose, depthPath: join(dir, d.file), depthScale, colorPath: join(dir, rgb.file), timestamp: d.t });
  }
  return { id: basename(dir), root: dir, frames, skipped };
}
