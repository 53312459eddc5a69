/**
 * Camera-aware geometric augmentation (CA-MLLM's camera-aware augmentation), done exactly: every op
 * transforms a {@link View}'s image, depth map, instance ids and intrinsics together, so that
 * projecting any 3-D point with the new intrinsics lands where the op moved its pixel. The pose
 * (and every 3-D label in camera or world coordinates) is unchanged.
 *
 * Pixel maps (integer coordinates are pixel centres; an image of width W spans [-0.5, W-0.5)):
 *
 * | op                    | new size            | pixel map u' =        | fx'    | cx'                 |
 * |-----------------------|---------------------|-----------------------|--------|---------------------|
 * | `resizeView`          | W' x H', sx = W'/W  | sx*(u + 0.5) - 0.5    | sx*fx  | sx*(cx + 0.5) - 0.5 |
 * | `cropView`            | box size            | u - x                 | fx     | cx - x              |
 * | `padView`             | W+left+right        | u + left              | fx     | cx + left           |
 * | `shiftPrincipalPoint` | W x H               | u + dx                | fx     | cx + dx             |
 *
 * (the same for v with sy = H'/H, y, top, dy). The naive `cx' = s*cx` is off by (s-1)/2 px.
 * Colour is resampled bilinearly, depth and ids by nearest neighbour (never blended); pixels with
 * no source get the fill colour, depth 0 (no measurement) and id 0. Integer crops, pads and shifts
 * move pixels exactly. Sampling rules: see the resampling section below.
 *
 * Every function validates the view (intrinsics: ERR_SPATIAL_CAMERA; image / depth / instanceIds
 * whose size differs from the intrinsics', bad sizes: ERR_SPATIAL_SHAPE; wrong types:
 * ERR_SPATIAL_TYPE) and returns a NEW view with fresh arrays; the input is never modified. Only the
 * View fields (intrinsics, image, depth, instanceIds, pose) are carried over.
 * @module
 */
import { native } from '../../native.js';
import type { Rng } from '../../random.js';
import type { DepthMap, Image, InstanceIdMap, View } from '../../types.js';
import {
  applyAugmentOpsWith, applyOneWith, checkView, cropOp, padOp, resampleDepthWith, resampleIdsWith, resampleImageWith,
  resizeOp, sampleAugmentOps, shiftOp, type AugmentOp, type AugmentRanges, type AugmentResult, type FillValue,
  type ResampleSpec,
} from './shared.js';

export type {
  AugmentOp, AugmentRanges, AugmentResult, AxisMap, CropOp, FillValue, OpPixelMap, PadOp, ResampleSpec, ResizeOp, ShiftOp,
} from './shared.js';
export { augmentIntrinsics, opPixelMap } from './shared.js';

/**
 * Resizes a view to `{ width, height }` or by `{ scale }` (then `W' = round(W*scale)`,
 * `H' = round(H*scale)`, and the intrinsics use the exact ratios `sx = W'/W`, `sy = H'/H`;
 * `scale` wins when both are given).
 *
 * New intrinsics: `fx' = sx*fx`, `fy' = sy*fy`, `cx' = sx*(cx + 0.5) - 0.5`, `cy' = sy*(cy + 0.5) - 0.5`.
 * Shrinking by more than 2x aliases (bilinear point sampling, no area averaging).
 *
 * @param view - the view (image, depth, instanceIds optional; each of the intrinsics' size).
 * @param size - target size in pixels (integers in [1, 2^20]) or a scale factor > 0.
 * @returns a new view of the new size (same fields as the input).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, or `size` is not an object or holds a non-number.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, a target side is not an integer in [1, 2^20], `scale` is not finite and > 0,
 *   or `scale` gives a side outside [1, 2^20].
 * @example
 * // 2x2 image with cx = 0.5 (the centre) resized to 4x4: cx' = 2*(0.5 + 0.5) - 0.5 = 1.5 (the new centre)
 * const big = resizeView(view, { scale: 2 });
 */
export function resizeView(view: View, size: { width: number; height: number } | { scale: number }): View {
  return applyOneWith(native(), view, resizeOp(view, size), 'size');
}

/**
 * Crops a view to an integer box `{ x, y, width, height }` (top-left pixel x, y). A box that reaches
 * past the image is padded there: colour `fill` (default 0), depth 0, id 0.
 *
 * New intrinsics: `cx' = cx - x`, `cy' = cy - y`, focal lengths unchanged.
 *
 * @param view - the view.
 * @param box - integer top-left corner (any sign) and positive integer size; optional `fill`.
 * @returns a new view of `box.width x box.height`.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, or `box` is not an object or holds a non-number.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, or `x`, `y` / `width`, `height` / `fill` are not integers in range
 *   (`fill`: bytes 0..255, one or one per channel).
 * @example
 * const centre = cropView(view, { x: 80, y: 60, width: 480, height: 360 }); // cx' = cx - 80
 */
export function cropView(view: View, box: { x: number; y: number; width: number; height: number; fill?: FillValue }): View {
  return applyOneWith(native(), view, cropOp(box), 'box');
}

/**
 * Pads a view by whole pixels on each side (each a non-negative integer, default 0); new colour
 * pixels get `fill` (default 0), new depth 0 (no measurement), new ids 0.
 *
 * New intrinsics: `cx' = cx + left`, `cy' = cy + top`, size `(W + left + right) x (H + top + bottom)`.
 *
 * @param view - the view.
 * @param padding - `left`, `top`, `right`, `bottom` in pixels and the optional `fill`.
 * @returns a new, larger view.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, or `padding` is not an object or holds a non-number.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, or a side is not a non-negative integer, `fill` is not a byte (0..255) or
 *   one byte per channel, or the padded size exceeds 2^20 per side.
 * @example
 * const square = padView(view, { top: 80, bottom: 80, fill: [114, 114, 114] }); // 640x480 -> 640x640
 */
export function padView(view: View, padding: { left?: number; top?: number; right?: number; bottom?: number; fill?: FillValue }): View {
  return applyOneWith(native(), view, padOp(padding), 'padding');
}

/**
 * Moves the principal point by `(dx, dy)` pixels (an off-centre crop of the same size): the content
 * moves with it, so `u' = u + dx`, `v' = v + dy`, `cx' = cx + dx`, `cy' = cy + dy`. Integer shifts
 * move pixels exactly; fractional shifts resample (colour bilinear, depth and ids nearest).
 * Uncovered pixels get `fill` (default 0), depth 0, id 0.
 *
 * @param view - the view.
 * @param dx - shift along x in pixels (finite).
 * @param dy - shift along y in pixels (finite).
 * @param opts - `fill`: colour of uncovered pixels.
 * @returns a new view of the same size.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, or `dx`, `dy` is not a number or `opts` not an object.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, `dx` / `dy` is not finite, or `fill` is not a byte (0..255) or one per channel.
 * @example
 * const shifted = shiftPrincipalPoint(view, 12, -5); // cx' = cx + 12, cy' = cy - 5
 */
export function shiftPrincipalPoint(view: View, dx: number, dy: number, opts?: { fill?: FillValue }): View {
  return applyOneWith(native(), view, shiftOp(dx, dy, opts), 'shift');
}

/**
 * Replays a list of ops (as returned by {@link randomCameraAugment}, or written by hand / read from
 * JSON) on a view, in order. The same view and ops give the same bytes on every run and machine.
 *
 * @param view - the view.
 * @param ops - `{ op: 'resize', width, height }`, `{ op: 'crop', x, y, width, height, fill? }`,
 *   `{ op: 'pad', left, top, right, bottom, fill? }`, `{ op: 'shift', dx, dy, fill? }`.
 * @returns a new view (a copy when `ops` is empty).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, `ops` is not an array or an op not an object or a field has the wrong type.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, or an op's field is out of range or an op would make a side exceed 2^20.
 * @throws ERR_SPATIAL_FORMAT when an op's `op` is not 'resize', 'crop', 'pad' or 'shift'.
 * @example
 * const again = applyAugmentOps(view, JSON.parse(savedOpsJson));
 */
export function applyAugmentOps(view: View, ops: AugmentOp[]): View {
  return applyAugmentOpsWith(native(), view, ops);
}

/**
 * Random camera augmentation (CA-MLLM's scaling + principal-point translation) with a seeded
 * generator: draws a scale `s ~ U(ranges.scale)` (default [0.8, 1.2]) and a shift per axis
 * `~ U(ranges.shift)` (default [-0.05, 0.05], a fraction of the image size unless
 * `shiftUnit: 'pixels'`; rounded to whole pixels unless `integerShift: false`), in that order, then
 * applies: resize to `round(s*W) x round(s*H)` (skipped when the size is unchanged); with
 * `keepSize: true`, a centre crop (or pad) back to W x H; then the shift (skipped when 0).
 * The ranges of the CA-MLLM paper are not published: the defaults are this library's choice.
 *
 * @param view - the view.
 * @param rng - a generator from `createRng(seed)`; three `uniform` draws are consumed.
 * @param ranges - sampling ranges and options (all optional).
 * @returns the new view and the JSON-serialisable `ops` that {@link applyAugmentOps} replays exactly.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `view` is not an object, or its image data is not a
 *   Uint8Array, depth data not a Float32Array, instanceIds data not a Uint16Array, pose not a Float64Array, `rng` has no `uniform` method, `ranges` is not an object, a range is not a
 *   `[lo, hi]` pair or `integerShift` / `keepSize` is not a boolean.
 * @throws ERR_SPATIAL_CAMERA for invalid `view.intrinsics` (non-finite, fx/fy <= 0, bad size).
 * @throws ERR_SPATIAL_SHAPE when the image / depth / instanceIds size differs from the intrinsics'
 *   or their data length from `width*height(*channels)`, the pose is not 16 long, a range is not finite with `lo <= hi` (scale > 0), `shiftUnit` is not
 *   'fraction' or 'pixels', or the drawn scale makes a side exceed 2^20.
 * @example
 * const { view: aug, ops } = randomCameraAugment(view, createRng(7), { scale: [0.8, 1.2], keepSize: true });
 */
export function randomCameraAugment(view: View, rng: Rng, ranges: AugmentRanges = {}): AugmentResult {
  const v = checkView(view);
  const ops = sampleAugmentOps(v.intrinsics, rng, ranges);
  return { view: applyAugmentOpsWith(native(), v, ops), ops };
}

/*
 * Native-backed resampling of images, depth maps and id maps under an axis-aligned affine pixel map
 * (the kernels behind every camera augmentation; see the view-level ops above).
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
 */

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
