/**
 * Reference twin of `cameraTokens` (lib/camera-tokens.ts), on the pure-TS `rayEmbedding`.
 * @module
 */
import { buildCameraTokens, type CameraTokenOptions, type CameraTokens } from '../sampling/shared.js';
import type { View } from '../../types.js';
import { rayEmbedding } from '../geometry/reference.js';

export type { CameraTokenOptions, CameraTokens } from '../sampling/shared.js';

/**
 * Reference twin of {@link index!cameraTokens}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function cameraTokens(view: View, opts: CameraTokenOptions): CameraTokens {
  return buildCameraTokens(view, opts, rayEmbedding);
}
