/**
 * Scenes and I/O: the scene and clip types, the loaders of every scene format (ScanNet exports,
 * TUM RGB-D, JSON manifests, TAPVid-3D clips), the synthetic scene and clip, and image and PLY
 * reading.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module scenes-io
 */
export type { Frame, Instance, Scene, SkippedFrame } from '../../lib/scenes/types.js';
export * from '../../lib/scenes/synthetic.js';
export * from '../../lib/io/image.js';
export { readPlyPoints } from '../../lib/io/ply.js';
export { loadScene, loadFrameDepth, loadFrameColor, type SceneFormat } from '../../lib/scenes/load.js';
export { detectSceneFormat, SCENE_FORMAT_REGISTRY, SCENE_FORMATS, type SceneFormatEntry, type SceneFormatOptions } from '../../lib/scenes/formats.js';
export { loadScanNet, type ScanNetOptions } from '../../lib/scenes/scannet.js';
export { loadTum, poseFromQuaternion, TUM_INTRINSICS, type TumOptions, type TumIntrinsicsPreset, type PinholeParameters } from '../../lib/scenes/tum.js';
export { loadManifest, type ManifestOptions, type SceneManifest, type SceneManifestFrame } from '../../lib/scenes/manifest.js';
export { loadClip, type DynamicClip, type ClipImages, type LoadClipOptions } from '../../lib/scenes/clip.js';
export { synthesizeClip, type SyntheticClipOptions } from '../../lib/scenes/synthetic-clip.js';
