/**
 * A scene's geometric training targets as arrays a Python trainer loads as is: per frame the
 * per-patch camera rays, their sinusoidal embedding, CA-MLLM camera tokens, VGGT's pose encoding,
 * per-patch depth medians, and the scene's GeoVR metric scale, written as one NumPy `.npz`
 * ({@link SCENE_TARGET_ARRAYS} lists the arrays; `spatial-geom targets` writes one per scene).
 *
 * The camera is each frame's depth camera (`Frame.intrinsics`, the one the depth maps belong to),
 * resized to `imageSize` when given ({@link resizeView}: intrinsics and depth together). Frames are
 * in the scene's order (the loader's: ScanNet by frame number, TUM by time), every `frameStep`-th.
 * @module
 */
import { spatialError } from '../errors.js';
import { resizeView } from '../ops/augment/native.js';
import { backprojectDepth } from '../ops/geometry/native.js';
import { rayEmbedding, rayGrid } from '../ops/rays/native.js';
import { cameraTokens, depthPatchTargets, encodePoseAbsTQuatFov, normalizeScene } from '../ops/targets/native.js';
import { encodeNpz, type NpzMember } from '../io/npy.js';
import { loadFrameDepth } from '../scenes/load.js';
import type { Scene } from '../scenes/types.js';
import type { Intrinsics, Points, Pose, View } from '../types.js';

/** The defaults of {@link SceneTargetOptions} (the CLI's help reads them here). */
export const SCENE_TARGET_DEFAULTS = {
  /** ViT patch (pixels): DINOv2 / VGGT / Qwen2-VL use 14. */
  patchSize: 14,
  /** Octaves of the sinusoidal ray embedding. */
  frequencies: 8,
  frameStep: 1,
  /** Pixel stride of the back-projected points whose mean distance sets the VGGT scale. */
  pointStride: 4,
} as const;

/** Options of {@link computeSceneTargets}. */
export interface SceneTargetOptions {
  /** Resize every frame (intrinsics and depth) to `[width, height]` first; default: the frames' own size (all equal). */
  imageSize?: [number, number];
  /** Patch size P (pixels) of rays, embeddings, tokens and depth targets [14]. */
  patchSize?: number;
  /** Octaves F of the ray embedding and camera tokens (1..32) [8]. */
  frequencies?: number;
  /** Keep every k-th frame [1]. */
  frameStep?: number;
  /** Pixel stride of the points that set the VGGT scale [4]. */
  pointStride?: number;
  /** Progress callback: stage, frames done, frames total. */
  progress?: (stage: string, done: number, total: number) => void;
}

/** One array of the `.npz`: name, NumPy dtype, shape (T frames, R x C patches, F octaves) and meaning. */
export interface SceneTargetArray {
  name: string;
  dtype: string;
  shape: string;
  description: string;
}

/** The arrays of a scene's targets file, in file order (the README's table is this list). */
export const SCENE_TARGET_ARRAYS: readonly SceneTargetArray[] = [
  { name: 'frame_ids', dtype: '<U', shape: '(T,)', description: "frame ids in the file's frame order (the scene's order, every frame-step-th)" },
  { name: 'image_size', dtype: 'int32', shape: '(2,)', description: '[W, H] of the (resized) depth camera the arrays are for' },
  { name: 'intrinsics', dtype: 'float64', shape: '(T, 4)', description: '[fx, fy, cx, cy] in pixels of that size (pixel centres at integers)' },
  { name: 'world_from_cam', dtype: 'float64', shape: '(T, 4, 4)', description: 'camera-to-world poses (OpenCV camera axes), metres' },
  { name: 'rays', dtype: 'float32', shape: '(T, R, C, 2)', description: 'per-patch ray ((u - cx) / fx, (v - cy) / fy) through each patch centre (rayGrid)' },
  { name: 'ray_embedding', dtype: 'float32', shape: '(T, R, C, 4F)', description: 'sin/cos of 2^k pi x each ray component, k < F (rayEmbedding)' },
  { name: 'camera_tokens', dtype: 'float32', shape: '(T, R, C, 8F)', description: 'CA-MLLM camera tokens: the embedding of [ray x, ray y, fx / W, fy / H] (cameraTokens, includeFocal)' },
  { name: 'pose_encoding', dtype: 'float64', shape: '(T, 9)', description: "VGGT absT_quaR_FoV [t, q (xyzw), fov_h, fov_w] of the normalised scene: world = frame 0's camera, t in VGGT units (x metric_scale = metres)" },
  { name: 'depth_patch_median', dtype: 'float32', shape: '(T, R, C)', description: 'median valid depth of each P x P patch, metres; 0 where none is valid (depthPatchTargets)' },
  { name: 'depth_patch_valid', dtype: 'uint8', shape: '(T, R, C)', description: '1 where the patch has a valid depth pixel' },
  { name: 'depth_patch_count', dtype: 'uint32', shape: '(T, R, C)', description: 'valid depth pixels per patch' },
  { name: 'metric_scale', dtype: 'float64', shape: '()', description: "GeoVR's metric scale: metres per VGGT unit (mean distance of the back-projected points to frame 0's camera, normalizeScene)" },
  { name: 'patch_size', dtype: 'int32', shape: '()', description: 'P, pixels' },
  { name: 'frequencies', dtype: 'int32', shape: '()', description: 'F' },
];

/** A scene's targets, row-major, frame-major (the `.npz` members). */
export interface SceneTargets {
  frameIds: string[];
  width: number;
  height: number;
  rows: number;
  cols: number;
  patchSize: number;
  frequencies: number;
  intrinsics: Intrinsics[];
  worldFromCam: Pose[];
  rays: Float32Array;
  rayEmbedding: Float32Array;
  cameraTokens: Float32Array;
  poseEncoding: Float64Array;
  depthPatchMedian: Float32Array;
  depthPatchValid: Uint8Array;
  depthPatchCount: Uint32Array;
  metricScale: number;
}

/**
 * Computes a scene's targets (see the module comment and {@link SCENE_TARGET_ARRAYS}).
 * @throws ERR_SPATIAL_SHAPE when the frames have different sizes and no `imageSize` is given, or
 *   `patchSize` / `frequencies` are out of range for the image; ERR_SPATIAL_FORMAT for a scene
 *   without frames; the loaders' errors for unreadable depth.
 * @example const t = await computeSceneTargets(scene, { imageSize: [518, 392], patchSize: 14 });
 */
export async function computeSceneTargets(scene: Scene, opts: SceneTargetOptions = {}): Promise<SceneTargets> {
  const d = SCENE_TARGET_DEFAULTS;
  const patchSize = opts.patchSize ?? d.patchSize, frequencies = opts.frequencies ?? d.frequencies;
  const step = opts.frameStep ?? d.frameStep, pointStride = opts.pointStride ?? d.pointStride;
  const frames = scene.frames.filter((_, i) => i % step === 0);
  if (frames.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${scene.id} has no frames`);
  const first = opts.imageSize ?? [frames[0].intrinsics.width, frames[0].intrinsics.height];
  const [width, height] = first;
  const differing = frames.find((f) => !opts.imageSize && (f.intrinsics.width !== width || f.intrinsics.height !== height));
  if (differing)
    throw spatialError('ERR_SPATIAL_SHAPE', `scene ${scene.id}: frame ${differing.id} is ${differing.intrinsics.width}x${differing.intrinsics.height} but frame ${frames[0].id} is ${width}x${height}: give an image size (--image-size WxH)`);
  if (!Number.isInteger(patchSize) || patchSize < 1 || patchSize > Math.min(width, height))
    throw spatialError('ERR_SPATIAL_SHAPE', `patch size must be an integer in [1, ${Math.min(width, height)}] for ${width}x${height} images (got ${patchSize})`);
  const rows = Math.floor(height / patchSize), cols = Math.floor(width / patchSize), patches = rows * cols;
  const T = frames.length;
  const rays = new Float32Array(T * patches * 2);
  const embedding = new Float32Array(T * patches * 4 * frequencies);
  const tokens = new Float32Array(T * patches * 8 * frequencies);
  const median = new Float32Array(T * patches), valid = new Uint8Array(T * patches), count = new Uint32Array(T * patches);
  const intrinsics: Intrinsics[] = [], poses: Pose[] = [], points: Points[] = [];
  for (const [t, f] of frames.entries()) {
    let view: View = { intrinsics: f.intrinsics, depth: await loadFrameDepth(f), pose: f.pose };
    if (opts.imageSize && (width !== f.intrinsics.width || height !== f.intrinsics.height)) view = resizeView(view, { width, height });
    const k = view.intrinsics;
    intrinsics.push(k);
    poses.push(f.pose);
    rays.set(rayGrid(k, { patchSize }), t * patches * 2);
    embedding.set(rayEmbedding(k, { patchSize, frequencies }), t * patches * 4 * frequencies);
    tokens.set(cameraTokens(view, { patchSize, frequencies, includeFocal: true }).data, t * patches * 8 * frequencies);
    const dp = depthPatchTargets(view.depth!, patchSize);
    median.set(dp.median, t * patches);
    valid.set(dp.valid, t * patches);
    count.set(dp.counts, t * patches);
    points.push(backprojectDepth(view.depth!, { intrinsics: k, pose: f.pose }, { stride: pointStride }));
    opts.progress?.('targets', t + 1, T);
  }
  const normalized = normalizeScene({ poses, points });
  return {
    frameIds: frames.map((f) => f.id), width, height, rows, cols, patchSize, frequencies, intrinsics, worldFromCam: poses,
    rays, rayEmbedding: embedding, cameraTokens: tokens, poseEncoding: encodePoseAbsTQuatFov(normalized.poses, intrinsics),
    depthPatchMedian: median, depthPatchValid: valid, depthPatchCount: count, metricScale: normalized.scale,
  };
}

/** The `.npz` bytes of a scene's targets (members and order as {@link SCENE_TARGET_ARRAYS}). */
export function encodeSceneTargets(t: SceneTargets): Uint8Array {
  const T = t.frameIds.length, R = t.rows, C = t.cols, F = t.frequencies;
  const members: Record<string, NpzMember> = {
    frame_ids: { data: t.frameIds, shape: [T] },
    image_size: { data: Int32Array.of(t.width, t.height), shape: [2] },
    intrinsics: { data: Float64Array.from(t.intrinsics.flatMap((k) => [k.fx, k.fy, k.cx, k.cy])), shape: [T, 4] },
    world_from_cam: { data: Float64Array.from(t.worldFromCam.flatMap((p) => [...p])), shape: [T, 4, 4] },
    rays: { data: t.rays, shape: [T, R, C, 2] },
    ray_embedding: { data: t.rayEmbedding, shape: [T, R, C, 4 * F] },
    camera_tokens: { data: t.cameraTokens, shape: [T, R, C, 8 * F] },
    pose_encoding: { data: t.poseEncoding, shape: [T, 9] },
    depth_patch_median: { data: t.depthPatchMedian, shape: [T, R, C] },
    depth_patch_valid: { data: t.depthPatchValid, shape: [T, R, C] },
    depth_patch_count: { data: t.depthPatchCount, shape: [T, R, C] },
    metric_scale: { data: Float64Array.of(t.metricScale), shape: [] },
    patch_size: { data: Int32Array.of(t.patchSize), shape: [] },
    frequencies: { data: Int32Array.of(F), shape: [] },
  };
  return encodeNpz(members);
}
