/**
 * One entry point for every scene format, and the per-frame accessors the engine uses (in-memory
 * pixels when the frame carries them, else the files, read on demand).
 * @module
 */
import { join } from 'node:path';
import { spatialError } from '../errors.js';
import { readDepthPng, readImage } from '../io/image.js';
import type { DepthMap, Image } from '../types.js';
import { loadManifest } from './manifest.js';
import { loadScanNet, type ScanNetOptions } from './scannet.js';
import { loadTum, type TumOptions } from './tum.js';
import type { Frame, Scene } from './types.js';

export type SceneFormat = 'scannet' | 'tum' | 'manifest';

/** Loads a scene: a ScanNet export folder, a TUM RGB-D folder, or a manifest (file, or folder holding manifest.json). */
export async function loadScene(path: string, format: SceneFormat, opts: ScanNetOptions & TumOptions = {}): Promise<Scene> {
  switch (format) {
    case 'scannet': return loadScanNet(path, opts);
    case 'tum': return loadTum(path, opts);
    case 'manifest': return loadManifest(path.endsWith('.json') ? path : join(path, 'manifest.json'));
    default: throw spatialError('ERR_SPATIAL_FORMAT', `format must be scannet, tum or manifest (got ${format as string})`);
  }
}

/** The frame's metric depth map (in memory, or read from its 16-bit PNG with its depth scale). */
export async function loadFrameDepth(frame: Frame): Promise<DepthMap> {
  if (frame.depth) return frame.depth;
  if (!frame.depthPath) throw spatialError('ERR_SPATIAL_IO', `frame ${frame.id} has neither in-memory depth nor a depth path`);
  const d = await readDepthPng(frame.depthPath, { scale: frame.depthScale ?? 1000 });
  if (d.width !== frame.intrinsics.width || d.height !== frame.intrinsics.height)
    throw spatialError('ERR_SPATIAL_FORMAT', `${frame.depthPath} is ${d.width}x${d.height} but the frame's intrinsics are for ${frame.intrinsics.width}x${frame.intrinsics.height}`);
  return d;
}

/** The frame's colour image (in memory, or read from its file). */
export async function loadFrameColor(frame: Frame): Promise<Image> {
  if (frame.color) return frame.color;
  if (!frame.colorPath) throw spatialError('ERR_SPATIAL_IO', `frame ${frame.id} has neither an in-memory colour image nor a colour path`);
  return readImage(frame.colorPath);
}
