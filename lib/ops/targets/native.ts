/**
 * Geometric supervision targets (GeoVR's and VGGT's conventions): VGGT's
 * 9-d pose encoding, relative poses, VGGT scene normalisation, per-patch depth targets, the metric
 * scale factor, and similarity / scale-shift alignment of predictions to ground truth.
 *
 * Everything here is plain TypeScript (small per-frame work) except {@link alignSim3}, whose sums
 * over millions of points run in the C++ core (Eigen SVD); its pure-TS twin (Horn's quaternion
 * method) is in `@spatial/geom/reference`.
 * @module
 */
import { native } from '../../native.js';
import type { Points, View } from '../../types.js';
import { rayEmbedding } from '../rays/native.js';
import { buildCameraTokens, checkAlignArgs, type CameraTokenOptions, type CameraTokens, type Sim3Alignment } from './shared.js';

export {
  encodePoseAbsTQuatFov, decodePoseAbsTQuatFov, relativePose, normalizeScene, denormalizeScene, depthPatchTargets,
  metricScaleFactor, alignDepthScaleShift,
} from './shared.js';
export type {
  CameraTokenOptions, CameraTokens, PoseDecodeOptions, SceneToNormalize, NormalizedScene, DepthPatchTargets,
  MetricScaleOptions, Sim3Alignment,
} from './shared.js';

/**
 * Umeyama similarity alignment: the `scale`, rotation and translation minimising
 * `Σ ||s R src_i + t - dst_i||^2` over the pairs whose points are both finite; never a reflection.
 * With `withScale: false`, `s = 1` (rigid). Native: two-pass double sums over fixed chunks (same
 * result for any thread count) and Eigen's 3x3 SVD. Degenerate inputs (collinear points) have
 * several optimal rotations: one of them is returned, and the reference may return another.
 * @param src - 3N points (Float32Array or Float64Array).
 * @param dst - 3N corresponding points.
 * @throws ERR_SPATIAL_SHAPE with fewer than 3 finite pairs, or when all finite src points coincide.
 * @example
 * const { scale, rotation, translation } = alignSim3(predPoints, gtPoints);
 */
export function alignSim3(src: Points, dst: Points, opts: { withScale?: boolean } = {}): Sim3Alignment {
  const a = checkAlignArgs(src, dst, opts);
  return native().alignSim3(src, dst, a.withScale);
}

/*
 * Camera tokens (CA-MLLM's dense camera-ray embedding) of a camera view: one vector per visual
 * token, computed from the view's current intrinsics, so an augmented view (resized, cropped,
 * padded) gets the rays of its new camera.
 */

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
