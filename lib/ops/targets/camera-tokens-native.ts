/**
 * Camera tokens (CA-MLLM's dense camera-ray embedding) of a camera view: one vector per visual
 * token, computed from the view's current intrinsics, so an augmented view (resized, cropped,
 * padded) gets the rays of its new camera.
 * @module
 */
import { rayEmbedding } from '../geometry/native.js';
import { buildCameraTokens, type CameraTokenOptions, type CameraTokens } from '../sampling/shared.js';
import type { View } from '../../types.js';

export type { CameraTokenOptions, CameraTokens } from '../sampling/shared.js';

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
 * @returns `{ rows, cols, dim, data }`: `data` is a Float32Array(rows*cols*dim), unitless (sin / cos values).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` or `opts` is not an object or an option has the wrong type.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics`.
 * @throws ERR_SPATIAL_SHAPE when `view.image` / `view.depth` has another size than the intrinsics,
 *   or `patchSize` (1..min(W, H)) or `frequencies` (1..32) is out of range.
 * @example
 * const t = cameraTokens(view, { patchSize: 28, frequencies: 8 }); // t.dim = 32
 */
export function cameraTokens(view: View, opts: CameraTokenOptions): CameraTokens {
  return buildCameraTokens(view, opts, rayEmbedding);
}
