/**
 * ScanNet's exported layout (the `SensReader` export used by MultiSPA and most RGB-D pipelines):
 *   color/N.jpg|png, depth/N.png (16-bit mm), pose/N.txt (4x4 camera-to-world),
 *   intrinsic/intrinsic_depth.txt and intrinsic_color.txt (4x4), optionally <scene>.txt with
 *   `axisAlignment = <16 numbers>` and <scene>_vh_clean_2.ply (mesh vertices).
 * @module
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { spatialError } from '../errors.js';
import { matMul4 } from '../engine/relations.js';
import type { Intrinsics } from '../types.js';
import { checkPose } from '../validate.js';
import { readPlyVertices } from './ply.js';
import { readMatrix4, readText } from './text.js';
import type { Frame, Scene, SkippedFrame } from './types.js';

export interface ScanNetOptions {
  /** Keep every k-th frame of the numerically sorted list (MultiSPA used 5) [1]. */
  frameStep?: number;
  /** Depth units per metre [1000]. */
  depthScale?: number;
}

async function imageSize(path: string): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(path).metadata();
    return { width: m.width!, height: m.height! };
  } catch {
    throw spatialError('ERR_SPATIAL_FORMAT', `${path} is not a readable image`);
  }
}

async function stems(dir: string, exts: string[]): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `cannot read ${dir}: no such directory`);
  }
  const out = new Map<string, string>();
  for (const n of names) {
    const dot = n.lastIndexOf('.');
    if (dot > 0 && exts.includes(n.slice(dot).toLowerCase())) out.set(n.slice(0, dot), join(dir, n));
  }
  return out;
}

function intrinsicsFrom(m: Float64Array, size: { width: number; height: number }): Intrinsics {
  return { fx: m[0], fy: m[5], cx: m[2], cy: m[6], width: size.width, height: size.height };
}

/** Reads the optional `axisAlignment = ...` of <scene>.txt (identity when absent). */
async function axisAlignment(dir: string): Promise<Float64Array | undefined> {
  const file = join(dir, `${basename(dir)}.txt`);
  if (!existsSync(file)) return undefined;
  const text = await readText(file);
  const line = text.split(/\r?\n/).findIndex((l) => l.trim().startsWith('axisAlignment'));
  if (line < 0) return undefined;
  const values = text.split(/\r?\n/)[line].split('=')[1]?.trim().split(/\s+/).map(Number) ?? [];
  if (values.length !== 16 || values.some((v) => !Number.isFinite(v)))
    throw spatialError('ERR_SPATIAL_FORMAT', `${file}:${line + 1}: axisAlignment must be 16 numbers`);
  return Float64Array.from(values);
}

/**
 * Loads a ScanNet export. Frames are sorted numerically; frames whose pose is not finite (ScanNet
 * writes `-inf` when tracking was lost) or not rigid are skipped and listed in `scene.skipped`.
 * With an axis alignment, poses and mesh vertices are moved into the aligned (z-up) world.
 */
export async function loadScanNet(dir: string, opts: ScanNetOptions = {}): Promise<Scene> {
  const step = opts.frameStep ?? 1;
  if (!Number.isInteger(step) || step < 1) throw spatialError('ERR_SPATIAL_SHAPE', `opts.frameStep must be an integer >= 1 (got ${step})`);
  const depthScale = opts.depthScale ?? 1000;
  const [poses, depths, colors] = await Promise.all([
    stems(join(dir, 'pose'), ['.txt']),
    stems(join(dir, 'depth'), ['.png']),
    stems(join(dir, 'color'), ['.jpg', '.jpeg', '.png']),
  ]);
  const ids = [...depths.keys()].filter((k) => poses.has(k)).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  if (!ids.length) throw spatialError('ERR_SPATIAL_FORMAT', `${dir}: no frame has both depth/<N>.png and pose/<N>.txt`);
  const depthSize = await imageSize(depths.get(ids[0])!);
  const depthK = intrinsicsFrom(await readMatrix4(join(dir, 'intrinsic', 'intrinsic_depth.txt')), depthSize);
  let colorK: Intrinsics | undefined;
  const firstColor = colors.get(ids[0]);
  if (firstColor && existsSync(join(dir, 'intrinsic', 'intrinsic_color.txt'))) {
    colorK = intrinsicsFrom(await readMatrix4(join(dir, 'intrinsic', 'intrinsic_color.txt')), await imageSize(firstColor));
    const same = (['fx', 'fy', 'cx', 'cy', 'width', 'height'] as const).every((key) => Math.abs(colorK![key] - depthK[key]) < 1e-9);
    if (same) colorK = undefined;
  }
  const align = await axisAlignment(dir);
  const frames: Frame[] = [];
  const skipped: SkippedFrame[] = [];
  for (const id of ids.filter((_, i) => i % step === 0)) {
    const poseFile = poses.get(id)!;
    let pose = await readMatrix4(poseFile);
    if (pose.some((v) => !Number.isFinite(v))) {
      skipped.push({ id, reason: `${poseFile}: pose is not finite (tracking lost)` });
      continue;
    }
    if (align) pose = matMul4(align, pose);
    try {
      checkPose(pose, poseFile);
    } catch (e) {
      skipped.push({ id, reason: (e as Error).message });
      continue;
    }
    frames.push({ id, intrinsics: depthK, pose, depthPath: depths.get(id), depthScale, colorPath: colors.get(id), colorIntrinsics: colorK });
  }
  const scene: Scene = { id: basename(dir), root: dir, frames, skipped, up: align ? 'z' : undefined };
  const ply = join(dir, `${basename(dir)}_vh_clean_2.ply`);
  if (existsSync(ply)) {
    const pts = await readPlyVertices(ply);
    if (align)
      for (let i = 0; i < pts.length; i += 3) {
        const [x, y, z] = [pts[i], pts[i + 1], pts[i + 2]];
        for (let r = 0; r < 3; r++) pts[i + r] = align[r * 4] * x + align[r * 4 + 1] * y + align[r * 4 + 2] * z + align[r * 4 + 3];
      }
    scene.points = pts;
  }
  return scene;
}
