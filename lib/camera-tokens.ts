/**
 * Camera tokens (CA-MLLM's dense camera-ray embedding) of a camera view: one vector per visual
 * token, computed from the view's current intrinsics, so an augmented view (resized, cropped,
 * padded) gets the rays of its new camera.
 * @module
 */
import { rayEmbedding } from './geometry.js';
import { buildCameraTokens, type CameraTokenOptions, type CameraTokens } from './sampling-args.js';
import type { View } from './types.js';

export type { CameraTokenOptions, CameraTokens } from './sampling-args.js';

/**
 * The sinusoidal ray embedding ({@link rayEmbedding}) of `view.intrinsics` on the patch grid,
 * shaped as tokens: `rows = floor(H / P)`, `cols = floor(W / P)`, `dim = Q * 2F` (Q = 4 with
 * `includeFocal`, else 2); token (r, c) is `data[(r * cols + c) * dim ...]`, the encoding of the
 * ray through the patch centre `((c + 0.5) P - 0.5, (r + 0.5) P - 0.5)`.
 *
 * Because only the intrinsics enter, the tokens follow the camera augmentations exactly: a crop
 * at a patch-aligned offset `(aP, bP)` gives the sub-grid of the original tokens starting at
 * (b, a) (ray components; the focal components `fx / W` change with W), and a resize by 2 with
 * patch 2P gives the original tokens with patch P.
 *
 * @param view - a View; only `intrinsics` is used (`image` / `depth`, when present, must match its size).
 * @param opts - `patchSize` (pixels), `frequencies` (1..32), `includeFocal` (default false).
 * @example
 * const t = cameraTokens(view, { patchSize: 28, frequencies: 8 }); // t.dim = 32
 */
export function cameraTokens(view: View, opts: CameraTokenOptions): CameraTokens {
  return buildCameraTokens(view, opts, rayEmbedding);
}
