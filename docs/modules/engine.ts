/**
 * The multi-frame spatial QA data engine: static scenes (scene points, visibility, overlap-balanced
 * pairs, task generators, JSONL output) and dynamic clips (object movement), deterministic for a
 * seed. The `spatial-geom` CLI drives it; the option defaults here are the CLI's.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module engine
 */
export { generateScene, GENERATE_DEFAULTS, type GenerateOptions, type GenerateReport, type ImageMode } from '../../lib/engine/pipeline.js';
export { generateClip, CLIP_GENERATE_DEFAULTS, type ClipGenerateOptions, type ClipReport } from '../../lib/engine/dynamic.js';
export type { CompatMode } from '../../lib/engine/format.js';
export type { PairSelection } from '../../lib/engine/pairs.js';
export type { CameraAugmentOptions } from '../../lib/engine/camera-augment.js';
export type { ImageFormat, ImageFormatOptions } from '../../lib/engine/images.js';
