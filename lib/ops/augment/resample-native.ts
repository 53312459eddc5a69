/**
 * Native-backed resampling of images, depth maps and id maps under an axis-aligned affine pixel map
 * (the kernels behind every camera augmentation; see `lib/augment.ts` for the view-level ops).
 *
 * Rules (identical in the pure-TS twins of `@spatial/geom/reference`, bit for bit): destination
 * pixel (j', i') samples the source at `u = x.scale * j' + x.offset`, `v = y.scale * i' + y.offset`
 * (integer coordinates are pixel centres). It is inside when `-0.5 <= u < W - 0.5` and
 * `-0.5 <= v < H - 0.5`; otherwise colour gets `fill` and depth / ids get 0.
 * Colour is bilinear, with the position clamped to `[0, W-1] x [0, H-1]` inside the half-pixel
 * border, rounded half up to a byte; downscaling samples at the destination centres without area
 * averaging, so shrinking by more than 2x aliases (as OpenCV's INTER_LINEAR does).
 * Depth and ids are nearest neighbour (`floor(u + 0.5)`, ties go right/down): values are copied,
 * never blended, so invalid depth (0, NaN) stays invalid and no depth is invented across edges.
 * Large images run on several threads (`configure({ threads })`).
 * @module
 */
import { resampleDepthWith, resampleIdsWith, resampleImageWith, type ResampleSpec } from './shared.js';
import { native } from '../../native.js';
import type { DepthMap, Image, InstanceIdMap } from '../../types.js';

export type { AxisMap, FillValue, ResampleSpec } from './shared.js';

/**
 * Resamples an 8-bit image (1, 3 or 4 interleaved channels) bilinearly.
 *
 * @param image - `width*height*channels` bytes, row-major.
 * @param spec - destination size, inverse map (source position of each destination pixel centre),
 *   and `fill` (one byte or one per channel, default 0) for pixels whose source is off the image.
 * @returns a new image `{ width: spec.width, height: spec.height, channels, data: Uint8Array }`.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `spec` or `spec.x` / `spec.y` is not an object or holds a
 *   non-number, `image` is not an object or `image.data` not a Uint8Array, or `fill` is not
 *   a number or an array of numbers.
 * @throws ERR_SPATIAL_SHAPE when `spec.width` / `spec.height` is not an integer in [1, 2^20] (or their
 *   product reaches 2^31), a map value is not finite, the image's size or channels (1, 3, 4) or data length is wrong, or `fill`
 *   is not a byte 0..255 (or one per channel).
 * @example
 * // 2x upscale of a 2x2 image: source x = 0.5 * j' - 0.25
 * resampleImage(img, { width: 4, height: 4, x: { scale: 0.5, offset: -0.25 }, y: { scale: 0.5, offset: -0.25 } });
 */
export function resampleImage(image: Image, spec: ResampleSpec): Image {
  return resampleImageWith(native(), image, spec);
}

/**
 * Resamples a metric depth map by nearest neighbour; pixels whose source is off the map get 0 (no
 * measurement). Values are copied bit for bit (NaN and 0 stay invalid).
 *
 * @param depth - `width*height` floats, metres.
 * @param spec - destination size and inverse map (`fill` is ignored).
 * @returns a new depth map `{ width: spec.width, height: spec.height, data: Float32Array }`, metres.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `spec` or `spec.x` / `spec.y` is not an object or holds a
 *   non-number, `depth` is not an object or `depth.data` not a Float32Array.
 * @throws ERR_SPATIAL_SHAPE when `spec.width` / `spec.height` is not an integer in [1, 2^20] (or their
 *   product reaches 2^31), a map value is not finite, or the depth map's size or data length is wrong.
 * @example
 * // Pad by one pixel on the left: source x = j' - 1
 * resampleDepth(depth, { width: depth.width + 1, height: depth.height, x: { scale: 1, offset: -1 }, y: { scale: 1, offset: 0 } });
 */
export function resampleDepth(depth: DepthMap, spec: ResampleSpec): DepthMap {
  return resampleDepthWith(native(), depth, spec);
}

/**
 * Resamples a uint16 id map (instance masks) by nearest neighbour; off-map pixels get 0 (background).
 *
 * @param ids - `width*height` ids.
 * @param spec - destination size and inverse map (`fill` is ignored).
 * @returns a new id map `{ width: spec.width, height: spec.height, data: Uint16Array }`.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `spec` or `spec.x` / `spec.y` is not an object or holds a
 *   non-number, `ids` is not an object or `ids.data` not a Uint16Array.
 * @throws ERR_SPATIAL_SHAPE when `spec.width` / `spec.height` is not an integer in [1, 2^20] (or their
 *   product reaches 2^31), a map value is not finite, or the id map's size or data length is wrong.
 * @example
 * resampleIds(ids, { width: 2 * ids.width, height: 2 * ids.height, x: { scale: 0.5, offset: -0.25 }, y: { scale: 0.5, offset: -0.25 } });
 */
export function resampleIds(ids: InstanceIdMap, spec: ResampleSpec): InstanceIdMap {
  return resampleIdsWith(native(), ids, spec);
}
