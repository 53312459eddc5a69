/**
 * `@spatial/geom`: fast, exact multi-view geometry for spatial-intelligence data pipelines.
 *
 * Conventions (one set, everywhere): OpenCV camera axes (x right, y down, z forward), metres,
 * `Camera.pose` is camera-to-world (row-major 4x4), integer pixel coordinates are pixel centres.
 * The API documentation groups these exports by module (core, geometry, augmentation,
 * sampling-targets, engine, scoring, scenes-io: `docs/modules/`); all are imported from here.
 * @module
 */
export * from './ops/geometry/native.js';
export * from './ops/rays/native.js';
export * from './types.js';
export { isSpatialError, type SpatialError, type SpatialErrorCode } from './errors.js';
export { PACKED_CAMERA_LENGTH } from './validate.js';
export { createRng, hashString, type Rng } from './random.js';
export type { Vec3 } from './pose.js';
export type { Frame, Instance, Scene, SkippedFrame } from './scenes/types.js';
export { voxelDownsample, type Downsampled } from './ops/pointcloud/native.js';
export { visibleSetsMultiSpa, type MultiSpaVisibilityOptions } from './ops/compat/native.js';
export * from './ops/raycast/native.js';
export * from './scenes/synthetic.js';
export * from './io/image.js';
export { readPlyPoints } from './io/ply.js';
export { loadScene, loadFrameDepth, loadFrameColor, type SceneFormat } from './scenes/load.js';
export { detectSceneFormat, SCENE_FORMAT_REGISTRY, SCENE_FORMATS, type SceneFormatEntry, type SceneFormatOptions } from './scenes/formats.js';
export { loadScanNet, type ScanNetOptions } from './scenes/scannet.js';
export { loadTum, poseFromQuaternion, TUM_INTRINSICS, type TumOptions, type TumIntrinsicsPreset, type PinholeParameters } from './scenes/tum.js';
export { loadManifest, type ManifestOptions, type SceneManifest, type SceneManifestFrame } from './scenes/manifest.js';
export { generateScene, GENERATE_DEFAULTS, type GenerateOptions, type GenerateReport, type ImageMode } from './engine/pipeline.js';
export { generateClip, CLIP_GENERATE_DEFAULTS, type ClipGenerateOptions, type ClipReport } from './engine/dynamic.js';
export type { CompatMode } from './engine/format.js';
export type { PairSelection } from './engine/pairs.js';
export type { CameraAugmentOptions } from './engine/camera-augment.js';
export type { ImageFormat, ImageFormatOptions } from './engine/images.js';
export { loadClip, type DynamicClip, type ClipImages, type LoadClipOptions } from './scenes/clip.js';
export { synthesizeClip, type SyntheticClipOptions } from './scenes/synthetic-clip.js';
export * from './ops/box-iou/native.js';
export * from './ops/motion/native.js';
export * from './engine/scoring/index.js';
export * from './ops/augment/native.js';
export * from './ops/sampling/native.js';
export * from './ops/targets/native.js';
