// Writers of small synthetic scene folders (ScanNet, TUM, manifest) for the loader tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeDepthPng, writeImage, type DepthMap, type Image } from '../../lib/index.js';

export function flatDepth(width: number, height: number, metres: number): DepthMap {
  return { width, height, data: new Float32Array(width * height).fill(metres) };
}

export function flatImage(width: number, height: number, value = 128): Image {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(value) };
}

export async function put(path: string, content: string | Uint8Array): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

/** A 4x4 row-major matrix as ScanNet writes it: 4 lines of 4 numbers. */
export function matrixText(m: ArrayLike<number>): string {
  return [0, 1, 2, 3].map((r) => Array.from({ length: 4 }, (_, c) => Number(m[4 * r + c]).toFixed(9)).join(' ')).join('\n') + '\n';
}

export function kMatrix(fx: number, fy: number, cx: number, cy: number): number[] {
  return [fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

export interface ScanNetFrameSpec {
  n: string; // file stem, e.g. "0" or "00010"
  pose: ArrayLike<number> | string; // matrix or raw text
  depthMetres?: number;
}

/** Writes a ScanNet export: depth WxH (mm), colour CWxCH JPEG, intrinsic files, poses. */
export async function writeScanNet(
  root: string,
  frames: ScanNetFrameSpec[],
  opts: { width?: number; height?: number; colorWidth?: number; colorHeight?: number; colorK?: boolean } = {},
): Promise<void> {
  const w = opts.width ?? 4, h = opts.height ?? 3;
  const cw = opts.colorWidth ?? w, ch = opts.colorHeight ?? h;
  await mkdir(join(root, 'depth'), { recursive: true });
  await mkdir(join(root, 'color'), { recursive: true });
  await mkdir(join(root, 'pose'), { recursive: true });
  for (const f of frames) {
    await writeDepthPng(join(root, 'depth', `${f.n}.png`), flatDepth(w, h, f.depthMetres ?? 1.5), { scale: 1000 });
    await writeImage(join(root, 'color', `${f.n}.jpg`), flatImage(cw, ch));
    await put(join(root, 'pose', `${f.n}.txt`), typeof f.pose === 'string' ? f.pose : matrixText(f.pose));
  }
  await put(join(root, 'intrinsic', 'intrinsic_depth.txt'), matrixText(kMatrix(10, 11, 1.5, 1)));
  if (opts.colorK ?? true) await put(join(root, 'intrinsic', 'intrinsic_color.txt'), matrixText(kMatrix(20, 22, (cw - 1) / 2, (ch - 1) / 2)));
}

/** Writes a TUM sequence: the listed depth (640x480 by default) and rgb files, and the three lists. */
export async function writeTum(
  root: string,
  spec: { rgb: string[]; depth: string[]; groundtruth: string[]; width?: number; height?: number },
): Promise<void> {
  const w = spec.width ?? 640, h = spec.height ?? 480;
  const header = '# synthetic sequence\n# timestamp filename\n';
  for (const t of spec.depth) await mkdir(join(root, 'depth'), { recursive: true }).then(() => writeDepthPng(join(root, 'depth', `${t}.png`), flatDepth(w, h, 2), { scale: 5000 }));
  for (const t of spec.rgb) await mkdir(join(root, 'rgb'), { recursive: true }).then(() => writeImage(join(root, 'rgb', `${t}.png`), flatImage(w, h)));
  await put(join(root, 'depth.txt'), header + spec.depth.map((t) => `${t} depth/${t}.png`).join('\n') + '\n');
  await put(join(root, 'rgb.txt'), header + spec.rgb.map((t) => `${t} rgb/${t}.png`).join('\n') + '\n');
  await put(join(root, 'groundtruth.txt'), '# ground truth\n# timestamp tx ty tz qx qy qz qw\n' + spec.groundtruth.join('\n') + '\n');
}

/** A synthetic scene (lib/scenes/synthetic.ts) written as a scene manifest with 16-bit depth and PNG colour. */
export async function writeSyntheticManifest(root: string, opts: { seed?: number; frames?: number; width?: number; height?: number } = {}): Promise<string> {
  const { synthesizeScene } = await import('../../lib/scenes/synthetic.js');
  const scene = synthesizeScene({ seed: opts.seed ?? 0, frames: opts.frames ?? 8, width: opts.width ?? 160, height: opts.height ?? 120 });
  const frames = [];
  for (const f of scene.frames) {
    await mkdir(join(root, 'depth'), { recursive: true });
    await mkdir(join(root, 'color'), { recursive: true });
    await writeDepthPng(join(root, 'depth', `${f.id}.png`), f.depth!, { scale: 1000 });
    await writeImage(join(root, 'color', `${f.id}.png`), f.color!);
    frames.push({ id: f.id, depth: `depth/${f.id}.png`, color: `color/${f.id}.png`, pose: Array.from(f.pose) });
  }
  const manifest = { version: 1, id: scene.id, depthScale: 1000, intrinsics: scene.frames[0].intrinsics, frames };
  return put(join(root, 'manifest.json'), JSON.stringify(manifest));
}
