/**
 * One entry point for every scene layout, and the per-frame pixel loaders the engine uses.
 * @module
 */
import { describeValue, spatialError } from '../errors.js';
import { readDepthPng, readDepthPngStored, readImage } from '../io/image.js';
import type { DepthMap, Image, StoredDepthMap } from '../types.js';
import { formatNameList, type SceneFormat, type SceneFormatOptions, sceneFormat } from './formats.js';
import type { Frame, Scene } from './types.js';

export type { SceneFormat, SceneFormatOptions } from './formats.js';

/**
 * Loads a scene from disk.
 * @param path A ScanNet export directory, a TUM sequence directory, or a manifest JSON file (or a
 *   directory holding `manifest.json`).
 * @param format Which layout `path` holds (the formats of `lib/scenes/formats.ts`).
 * @param opts Options of the format's loader (`loadScanNet`, `loadTum`, `loadManifest`).
 * @example const scene = await loadScene('data/scene0000_00', 'scannet', { frameStep: 5 });
 */
export async function loadScene<F extends SceneFormat>(path: string, format: F, opts?: SceneFormatOptions<F>): Promise<Scene>;
export async function loadScene(path: string, format: SceneFormat, opts?: SceneFormatOptions<SceneFormat>): Promise<Scene> {
  const entry = sceneFormat(format);
  if (!entry) throw spatialError('ERR_SPATIAL_TYPE', `Expected ${formatNameList((n) => `'${n}'`)} for format but received ${describeValue(format)}`);
  return entry.load(path, opts);
}

function checkFrame(frame: unknown): Frame {
  if (typeof frame !== 'object' || frame === null || typeof (frame as Frame).intrinsics !== 'object')
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Frame { id, intrinsics, pose, ... } for frame but received ${describeValue(frame)}`);
  return frame as Frame;
}

/**
 * A frame's metric depth: `frame.depth` when it is in memory, else the 16-bit PNG at
 * `frame.depthPath` divided by `frame.depthScale`. The map must match `frame.intrinsics`' size.
 * @returns `{ width, height, data }`, metres, 0 = no measurement.
 * @throws ERR_SPATIAL_FORMAT when the frame has neither depth nor depthPath + depthScale, or the
 *   file is not a 16-bit PNG; ERR_SPATIAL_SHAPE (naming the file) when the size differs from the
 *   intrinsics; ERR_SPATIAL_IO when the file is missing.
 * @example const depth = await loadFrameDepth(scene.frames[0]);
 */
export async function loadFrameDepth(frame: Frame): Promise<DepthMap> {
  const f = checkFrame(frame);
  const k = f.intrinsics;
  let depth: DepthMap;
  let source: string;
  if (f.depth) {
    depth = f.depth;
    source = `frame ${f.id}'s in-memory depth`;
  } else {
    if (!f.depthPath || f.depthScale === undefined)
      throw spatialError('ERR_SPATIAL_FORMAT', `frame ${f.id} has no depth: expected frame.depth, or frame.depthPath with frame.depthScale`);
    depth = await readDepthPng(f.depthPath, { scale: f.depthScale });
    source = f.depthPath;
  }
  if (depth.width !== k.width || depth.height !== k.height)
    throw spatialError('ERR_SPATIAL_SHAPE', `${source} is ${depth.width}x${depth.height} but frame ${f.id}'s intrinsics are for ${k.width}x${k.height}`);
  return depth;
}

/**
 * A frame's depth as its 16-bit PNG stores it (uint16 samples + `frame.depthScale`), for
 * `visibleSetsStoredAsync`; `undefined` when the frame's depth is in memory (`frame.depth`: use
 * {@link loadFrameDepth}). Same checks and errors as {@link loadFrameDepth}.
 */
export async function loadFrameDepthStored(frame: Frame): Promise<StoredDepthMap | undefined> {
  const f = checkFrame(frame);
  if (f.depth) return undefined;
  if (!f.depthPath || f.depthScale === undefined)
    throw spatialError('ERR_SPATIAL_FORMAT', `frame ${f.id} has no depth: expected frame.depth, or frame.depthPath with frame.depthScale`);
  const depth = await readDepthPngStored(f.depthPath, { scale: f.depthScale });
  const k = f.intrinsics;
  if (depth.width !== k.width || depth.height !== k.height)
    throw spatialError('ERR_SPATIAL_SHAPE', `${f.depthPath} is ${depth.width}x${depth.height} but frame ${f.id}'s intrinsics are for ${k.width}x${k.height}`);
  return depth;
}

/**
 * A frame's colour image: `frame.color` when in memory, else the file at `frame.colorPath`. The
 * image must match `frame.colorIntrinsics ?? frame.intrinsics` in size.
 * @throws ERR_SPATIAL_FORMAT when the frame has no colour; ERR_SPATIAL_SHAPE (naming the file) for a
 *   size mismatch; ERR_SPATIAL_IO when the file is missing.
 * @example const img = await loadFrameColor(scene.frames[0]); // { width, height, channels, data }
 */
export async function loadFrameColor(frame: Frame): Promise<Image> {
  const f = checkFrame(frame);
  const k = f.colorIntrinsics ?? f.intrinsics;
  let image: Image;
  let source: string;
  if (f.color) {
    image = f.color;
    source = `frame ${f.id}'s in-memory colour image`;
  } else {
    if (!f.colorPath) throw spatialError('ERR_SPATIAL_FORMAT', `frame ${f.id} has no colour image: expected frame.color or frame.colorPath`);
    image = await readImage(f.colorPath);
    source = f.colorPath;
  }
  if (image.width !== k.width || image.height !== k.height)
    throw spatialError('ERR_SPATIAL_SHAPE', `${source} is ${image.width}x${image.height} but frame ${f.id}'s colour intrinsics are for ${k.width}x${k.height}`);
  return image;
}
