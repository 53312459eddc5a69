/**
 * Reference twin of `cameraTokens` (lib/camera-tokens.ts), on the pure-TS `rayEmbedding`.
 * @module
 */
import { buildCameraTokens, type CameraTokenOptions, type CameraTokens } from '../sampling-args.js';
import type { View } from '../types.js';
import { rayEmbedding } from './geometry.js';

export type { CameraTokenOptions, CameraTokens } from '../sampling-args.js';

/** Reference of `cameraTokens`. */
export function cameraTokens(view: View, opts: CameraTokenOptions): CameraTokens {
  return buildCameraTokens(view, opts, rayEmbedding);
}
