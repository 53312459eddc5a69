/**
 * Backend-independent body of the resampling and camera-augmentation API: types, validation, the
 * pixel maps and intrinsics of every op, and the view plumbing. the native face (`native.ts`)
 * run it over the native kernels and `lib/reference/` over the pure-TS twins, so both backends share
 * every rule except the per-pixel loops.
 *
 * Pixel maps (README: Conventions; integer coordinates are pixel centres, an image of width W spans
 * [-0.5, W-0.5)): every op is an axis-aligned affine map `u' = a*u + b`, `v' = c*v + d`:
 *
 * | op     | new size                | forward map u' =          | fx'    | cx'                    |
 * |--------|-------------------------|---------------------------|--------|------------------------|
 * | resize | W' x H' (sx = W'/W)     | sx*(u + 0.5) - 0.5        | sx*fx  | sx*(cx + 0.5) - 0.5    |
 * | crop   | box width x height      | u - x                     | fx     | cx - x                 |
 * | pad    | W+left+right x H+top+bottom | u + left              | fx     | cx + left              |
 * | shift  | W x H                   | u + dx                    | fx     | cx + dx                |
 *
 * (likewise for v, fy, cy with sy = H'/H, y, top, dy). The naive `cx' = s*cx` is off by (s-1)/2 px.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { DepthMap, Image, InstanceIdMap, Intrinsics, View } from '../../types.js';
import { checkDepthMap, checkImage, checkInstanceIdMap, checkIntrinsics, isObject } from '../../validate.js';
import type { Rng } from '../../random.js';

/** One axis of an affine pixel map: `out = scale * in + offset` (pixel-centre coordinates). */
export interface AxisMap {
  scale: number;
  offset: number;
}

/** A fill colour: one byte value for every channel, or one per channel (integers in [0, 255]). */
export type FillValue = number | readonly number[];

/**
 * A resampling job: the destination size and the INVERSE pixel map, i.e. the continuous source
 * position of each destination pixel centre: `u = x.scale * j' + x.offset`, `v = y.scale * i' + y.offset`.
 */
export interface ResampleSpec {
  /** Destination width in pixels (integer in [1, 2^20]). */
  width: number;
  /** Destination height in pixels (integer in [1, 2^20]). */
  height: number;
  /** Source x of destination column j': `x.scale * j' + x.offset`. */
  x: AxisMap;
  /** Source y of destination row i': `y.scale * i' + y.offset`. */
  y: AxisMap;
  /** Colour of destination pixels whose source position is off the image (colour only; default 0). */
  fill?: FillValue;
}

/** The raw kernels a backend provides (the native binding or the pure-TS twins). */
export interface ResampleKernels {
  resampleImage(src: Uint8Array, srcWidth: number, srcHeight: number, channels: number, dst: Uint8Array, dstWidth: number, dstHeight: number, map: Float64Array, fill: Uint8Array): void;
  resampleDepth(src: Float32Array, srcWidth: number, srcHeight: number, dst: Float32Array, dstWidth: number, dstHeight: number, map: Float64Array): void;
  resampleIds(src: Uint16Array, srcWidth: number, srcHeight: number, dst: Uint16Array, dstWidth: number, dstHeight: number, map: Float64Array): void;
}

/** Resize to an exact size. */
export interface ResizeOp {
  op: 'resize';
  width: number;
  height: number;
}
/** Integer crop box (may extend past the image: that part is filled). */
export interface CropOp {
  op: 'crop';
  x: number;
  y: number;
  width: number;
  height: number;
  fill?: FillValue;
}
/** Integer padding on each side. */
export interface PadOp {
  op: 'pad';
  left: number;
  top: number;
  right: number;
  bottom: number;
  fill?: FillValue;
}
/** Principal-point shift: content moves by (dx, dy) pixels, the image size stays. */
export interface ShiftOp {
  op: 'shift';
  dx: number;
  dy: number;
  fill?: FillValue;
}
/** One camera augmentation step; plain JSON data, replayable with `applyAugmentOps`. */
export type AugmentOp = ResizeOp | CropOp | PadOp | ShiftOp;

/** Sampling ranges of `randomCameraAugment`. */
export interface AugmentRanges {
  /** Scale factor s, uniform in [lo, hi] (default [0.8, 1.2]); the image becomes round(s*W) x round(s*H). */
  scale?: readonly [number, number];
  /**
   * Principal-point shift per axis, uniform in [lo, hi], in `shiftUnit`s (default [-0.05, 0.05]).
   * dx and dy are drawn independently.
   */
  shift?: readonly [number, number];
  /** `'fraction'` (default): the shift is a fraction of the current image width/height; `'pixels'`: in pixels. */
  shiftUnit?: 'fraction' | 'pixels';
  /** Round the shift to whole pixels (default true): pixels then move exactly, with no resampling. */
  integerShift?: boolean;
  /**
   * Crop/pad the resized image back to the input size about its centre (a "zoom": focal x s, same
   * resolution). Default false: the image keeps the resized size, as in CA-MLLM's scaling.
   */
  keepSize?: boolean;
  /** Fill colour of uncovered pixels (default 0). Depth and ids always get 0. */
  fill?: FillValue;
}

/** Output of `randomCameraAugment`: the new view and the ops that produced it. */
export interface AugmentResult {
  view: View;
  ops: AugmentOp[];
}

/** Forward pixel map and output size of an op: `u' = x.scale * u + x.offset`. */
export interface OpPixelMap {
  width: number;
  height: number;
  x: AxisMap;
  y: AxisMap;
}

const MAX_SIDE = 1 << 20;

function checkSide(v: unknown, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < 1 || v > MAX_SIDE) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [1, ${MAX_SIDE}] (got ${v})`);
  return v;
}

function checkInt(v: unknown, name: string, min: number): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < min || v > MAX_SIDE * 4)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [${min}, ${MAX_SIDE * 4}] (got ${v})`);
  return v;
}

function checkFinite(v: unknown, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name} but received ${describeValue(v)}`);
  if (!Number.isFinite(v)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be finite (got ${v})`);
  return v;
}

function checkAxisMap(m: unknown, name: string): AxisMap {
  if (!isObject(m)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an AxisMap { scale, offset } for ${name} but received ${describeValue(m)}`);
  return { scale: checkFinite(m.scale, `${name}.scale`), offset: checkFinite(m.offset, `${name}.offset`) };
}

/** Resolves a fill value to one byte per channel. */
export function resolveFill(fill: unknown, channels: number, name = 'fill'): Uint8Array {
  const out = new Uint8Array(channels);
  if (fill === undefined) return out;
  const checkByte = (v: unknown, n: string): number => {
    if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer in [0, 255] for ${n} but received ${describeValue(v)}`);
    if (!Number.isInteger(v) || v < 0 || v > 255) throw spatialError('ERR_SPATIAL_SHAPE', `${n} must be an integer in [0, 255] (got ${v})`);
    return v;
  };
  if (Array.isArray(fill)) {
    if (fill.length !== channels)
      throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must equal the image's channels = ${channels} (got ${fill.length})`);
    fill.forEach((v, c) => (out[c] = checkByte(v, `${name}[${c}]`)));
    return out;
  }
  return out.fill(checkByte(fill, name));
}

function checkFillShape(fill: unknown, name: string): FillValue | undefined {
  if (fill === undefined) return undefined;
  if (typeof fill === 'number' || Array.isArray(fill)) {
    resolveFill(fill, Array.isArray(fill) ? fill.length : 1, name);
    return Array.isArray(fill) ? [...(fill as number[])] : fill;
  }
  throw spatialError('ERR_SPATIAL_TYPE', `Expected a number or an array of numbers for ${name} but received ${describeValue(fill)}`);
}

/** Validates a resample spec; returns it normalised with the packed map. */
export function checkResampleSpec(spec: unknown, name = 'spec'): ResampleSpec & { map: Float64Array } {
  if (!isObject(spec)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a ResampleSpec { width, height, x, y } for ${name} but received ${describeValue(spec)}`);
  const width = checkSide(spec.width, `${name}.width`);
  const height = checkSide(spec.height, `${name}.height`);
  if (width * height > 2147483647) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width*height must be < 2^31 (got ${width * height})`);
  const x = checkAxisMap(spec.x, `${name}.x`);
  const y = checkAxisMap(spec.y, `${name}.y`);
  const fill = checkFillShape(spec.fill, `${name}.fill`);
  return { width, height, x, y, fill, map: Float64Array.of(x.scale, x.offset, y.scale, y.offset) };
}

/** Bilinear colour resample with a backend's kernels (see `resampleImage`). */
export function resampleImageWith(k: ResampleKernels, image: Image, spec: ResampleSpec): Image {
  const img = checkImage(image);
  const s = checkResampleSpec(spec);
  const fill = resolveFill(s.fill, img.channels, 'spec.fill');
  const data = new Uint8Array(s.width * s.height * img.channels);
  k.resampleImage(img.data, img.width, img.height, img.channels, data, s.width, s.height, s.map, fill);
  return { width: s.width, height: s.height, channels: img.channels, data };
}

/** Nearest-neighbour depth resample with a backend's kernels (see `resampleDepth`). */
export function resampleDepthWith(k: ResampleKernels, depth: DepthMap, spec: ResampleSpec): DepthMap {
  const d = checkDepthMap(depth);
  const s = checkResampleSpec(spec);
  const data = new Float32Array(s.width * s.height);
  k.resampleDepth(d.data, d.width, d.height, data, s.width, s.height, s.map);
  return { width: s.width, height: s.height, data };
}

/** Nearest-neighbour id resample with a backend's kernels (see `resampleIds`). */
export function resampleIdsWith(k: ResampleKernels, ids: InstanceIdMap, spec: ResampleSpec): InstanceIdMap {
  const m = checkInstanceIdMap(ids, 'ids');
  const s = checkResampleSpec(spec);
  const data = new Uint16Array(s.width * s.height);
  k.resampleIds(m.data, m.width, m.height, data, s.width, s.height, s.map);
  return { width: s.width, height: s.height, data };
}

/** Validates a view: intrinsics, and image / depth / instanceIds of the intrinsics' size. */
export function checkView(view: unknown, name = 'view'): View {
  if (!isObject(view)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a View { intrinsics, image?, depth?, pose?, instanceIds? } for ${name} but received ${describeValue(view)}`);
  const k = checkIntrinsics(view.intrinsics, `${name}.intrinsics`);
  const kName = `${name}.intrinsics`;
  const out: View = { intrinsics: k };
  if (view.image !== undefined) out.image = checkImage(view.image, `${name}.image`, k, kName);
  if (view.depth !== undefined) out.depth = checkDepthMap(view.depth, `${name}.depth`, k, kName);
  if (view.instanceIds !== undefined) out.instanceIds = checkInstanceIdMap(view.instanceIds, `${name}.instanceIds`, k, kName);
  if (view.pose !== undefined) {
    // The pose is carried, never used: only its type and length are checked (a dataset's invalid
    // pose, e.g. ScanNet's -inf rows, passes through unchanged).
    if (!(view.pose instanceof Float64Array))
      throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float64Array(16) for ${name}.pose but received ${describeValue(view.pose)}`);
    if (view.pose.length !== 16) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.pose.length must be 16 (row-major 4x4) (got ${view.pose.length})`);
    out.pose = view.pose;
  }
  return out;
}

/** Validates one op (plain JSON data) and returns a normalised copy. */
export function checkAugmentOp(op: unknown, name = 'op'): AugmentOp {
  if (!isObject(op)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an AugmentOp object for ${name} but received ${describeValue(op)}`);
  switch (op.op) {
    case 'resize':
      return { op: 'resize', width: checkSide(op.width, `${name}.width`), height: checkSide(op.height, `${name}.height`) };
    case 'crop': {
      const c: CropOp = {
        op: 'crop', x: checkInt(op.x, `${name}.x`, -MAX_SIDE * 4), y: checkInt(op.y, `${name}.y`, -MAX_SIDE * 4),
        width: checkSide(op.width, `${name}.width`), height: checkSide(op.height, `${name}.height`),
      };
      const fill = checkFillShape(op.fill, `${name}.fill`);
      return fill === undefined ? c : { ...c, fill };
    }
    case 'pad': {
      const p: PadOp = {
        op: 'pad', left: checkInt(op.left, `${name}.left`, 0), top: checkInt(op.top, `${name}.top`, 0),
        right: checkInt(op.right, `${name}.right`, 0), bottom: checkInt(op.bottom, `${name}.bottom`, 0),
      };
      const fill = checkFillShape(op.fill, `${name}.fill`);
      return fill === undefined ? p : { ...p, fill };
    }
    case 'shift': {
      const s: ShiftOp = { op: 'shift', dx: checkFinite(op.dx, `${name}.dx`), dy: checkFinite(op.dy, `${name}.dy`) };
      const fill = checkFillShape(op.fill, `${name}.fill`);
      return fill === undefined ? s : { ...s, fill };
    }
    default:
      throw spatialError('ERR_SPATIAL_FORMAT', `${name}.op must be 'resize', 'crop', 'pad' or 'shift' (got ${describeValue(op.op)})`);
  }
}

/**
 * The forward pixel map and output size of an op applied to a `width` x `height` image:
 * `u' = x.scale * u + x.offset`, `v' = y.scale * v + y.offset`.
 */
export function opPixelMap(op: AugmentOp, width: number, height: number): OpPixelMap {
  const o = checkAugmentOp(op);
  checkSide(width, 'width');
  checkSide(height, 'height');
  switch (o.op) {
    case 'resize': {
      const sx = o.width / width, sy = o.height / height;
      return { width: o.width, height: o.height, x: { scale: sx, offset: 0.5 * sx - 0.5 }, y: { scale: sy, offset: 0.5 * sy - 0.5 } };
    }
    case 'crop':
      return { width: o.width, height: o.height, x: { scale: 1, offset: -o.x }, y: { scale: 1, offset: -o.y } };
    case 'pad':
      return { width: width + o.left + o.right, height: height + o.top + o.bottom, x: { scale: 1, offset: o.left }, y: { scale: 1, offset: o.top } };
    case 'shift':
      return { width, height, x: { scale: 1, offset: o.dx }, y: { scale: 1, offset: o.dy } };
  }
}

/** Inverse map of an op (source position of each destination pixel centre), as the kernels take it. */
function inverseMap(o: AugmentOp, width: number, height: number): { x: AxisMap; y: AxisMap } {
  switch (o.op) {
    case 'resize': {
      // Written from W/W' (not 1/sx) so that integer factors give exact coefficients.
      const rx = width / o.width, ry = height / o.height;
      return { x: { scale: rx, offset: 0.5 * rx - 0.5 }, y: { scale: ry, offset: 0.5 * ry - 0.5 } };
    }
    case 'crop':
      return { x: { scale: 1, offset: o.x }, y: { scale: 1, offset: o.y } };
    case 'pad':
      return { x: { scale: 1, offset: -o.left }, y: { scale: 1, offset: -o.top } };
    case 'shift':
      return { x: { scale: 1, offset: -o.dx }, y: { scale: 1, offset: -o.dy } };
  }
}

/** Intrinsics after one op (pixels only: no image is touched). */
function intrinsicsAfterOp(k: Intrinsics, o: AugmentOp): Intrinsics {
  switch (o.op) {
    case 'resize': {
      const sx = o.width / k.width, sy = o.height / k.height;
      return { fx: sx * k.fx, fy: sy * k.fy, cx: sx * (k.cx + 0.5) - 0.5, cy: sy * (k.cy + 0.5) - 0.5, width: o.width, height: o.height };
    }
    case 'crop':
      return { fx: k.fx, fy: k.fy, cx: k.cx - o.x, cy: k.cy - o.y, width: o.width, height: o.height };
    case 'pad':
      return { fx: k.fx, fy: k.fy, cx: k.cx + o.left, cy: k.cy + o.top, width: k.width + o.left + o.right, height: k.height + o.top + o.bottom };
    case 'shift':
      return { fx: k.fx, fy: k.fy, cx: k.cx + o.dx, cy: k.cy + o.dy, width: k.width, height: k.height };
  }
}

/** Intrinsics after one op, with the new image size checked first (ERR_SPATIAL_SHAPE, not CAMERA). */
function checkedIntrinsicsAfterOp(k: Intrinsics, o: AugmentOp, name: string): Intrinsics {
  const nk = intrinsicsAfterOp(k, o);
  if (nk.width > MAX_SIDE || nk.height > MAX_SIDE || nk.width * nk.height > 2147483647)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} turns ${k.width}x${k.height} into ${nk.width}x${nk.height}; sides must be <= ${MAX_SIDE} and width*height < 2^31`);
  return checkIntrinsics(nk, `intrinsics after ${name}`);
}

/** Checks an ops list (an array of AugmentOp). */
export function checkAugmentOps(ops: unknown, name = 'ops'): AugmentOp[] {
  if (!Array.isArray(ops)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of AugmentOp for ${name} but received ${describeValue(ops)}`);
  return ops.map((o, i) => checkAugmentOp(o, `${name}[${i}]`));
}

/** Intrinsics after a list of ops, without touching any pixels (for 2-D labels that travel with a view). */
export function augmentIntrinsics(intrinsics: Intrinsics, ops: AugmentOp[]): Intrinsics {
  let k = checkIntrinsics(intrinsics);
  checkAugmentOps(ops).forEach((o, i) => (k = checkedIntrinsicsAfterOp(k, o, `ops[${i}]`)));
  return k;
}

/** Applies one validated op to a validated view with a backend's kernels; always returns fresh arrays. */
function applyOp(kernels: ResampleKernels, v: View, o: AugmentOp, name: string): View {
  const k = v.intrinsics;
  const nk = checkedIntrinsicsAfterOp(k, o, name);
  const inv = inverseMap(o, k.width, k.height);
  const spec: ResampleSpec = { width: nk.width, height: nk.height, x: inv.x, y: inv.y, fill: o.op === 'resize' ? undefined : o.fill };
  const out: View = { intrinsics: nk };
  if (v.image) out.image = resampleImageWith(kernels, v.image, spec);
  if (v.depth) out.depth = resampleDepthWith(kernels, v.depth, spec);
  if (v.instanceIds) out.instanceIds = resampleIdsWith(kernels, v.instanceIds, spec);
  if (v.pose) out.pose = new Float64Array(v.pose);
  return out;
}

/** Copies a validated view (fresh arrays, same content). */
function copyView(v: View): View {
  const out: View = { intrinsics: { ...v.intrinsics } };
  if (v.image) out.image = { ...v.image, data: v.image.data.slice() };
  if (v.depth) out.depth = { ...v.depth, data: v.depth.data.slice() };
  if (v.instanceIds) out.instanceIds = { ...v.instanceIds, data: v.instanceIds.data.slice() };
  if (v.pose) out.pose = new Float64Array(v.pose);
  return out;
}

/** Replays ops on a view with a backend's kernels (see `applyAugmentOps`). */
export function applyAugmentOpsWith(kernels: ResampleKernels, view: View, ops: AugmentOp[]): View {
  let v = checkView(view);
  const list = checkAugmentOps(ops);
  if (list.length === 0) return copyView(v);
  list.forEach((o, i) => (v = applyOp(kernels, v, o, `ops[${i}]`)));
  return v;
}

/** One op on a view with a backend's kernels. */
export function applyOneWith(kernels: ResampleKernels, view: View, op: AugmentOp, name: string): View {
  const v = checkView(view);
  return applyOp(kernels, v, checkAugmentOp(op, name), name);
}

/** Resolves `resizeView`'s size argument against the current size into a resize op. */
export function resizeOp(view: View, size: unknown): ResizeOp {
  const k = checkIntrinsics(isObject(view) ? view.intrinsics : undefined, 'view.intrinsics');
  if (!isObject(size)) throw spatialError('ERR_SPATIAL_TYPE', `Expected { width, height } or { scale } for size but received ${describeValue(size)}`);
  if (size.scale !== undefined) {
    const s = checkFinite(size.scale, 'size.scale');
    if (!(s > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `size.scale must be > 0 (got ${s})`);
    const width = Math.round(k.width * s), height = Math.round(k.height * s);
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
      throw spatialError('ERR_SPATIAL_SHAPE', `size.scale ${s} turns ${k.width}x${k.height} into ${width}x${height}; both sides must be in [1, ${MAX_SIDE}]`);
    return { op: 'resize', width, height };
  }
  return { op: 'resize', width: checkSide(size.width, 'size.width'), height: checkSide(size.height, 'size.height') };
}

/** Builds the crop op of `cropView` from its box argument. */
export function cropOp(box: unknown): AugmentOp {
  if (!isObject(box)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a box { x, y, width, height } for box but received ${describeValue(box)}`);
  return checkAugmentOp({ ...box, op: 'crop' }, 'box');
}

/** Builds the pad op of `padView` from its padding argument (missing sides are 0). */
export function padOp(padding: unknown): AugmentOp {
  if (!isObject(padding))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected { left?, top?, right?, bottom?, fill? } for padding but received ${describeValue(padding)}`);
  const { left = 0, top = 0, right = 0, bottom = 0, fill } = padding;
  return checkAugmentOp({ op: 'pad', left, top, right, bottom, ...(fill === undefined ? {} : { fill }) }, 'padding');
}

/** Builds the shift op of `shiftPrincipalPoint`. */
export function shiftOp(dx: unknown, dy: unknown, opts: unknown): AugmentOp {
  if (opts !== undefined && !isObject(opts)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const fill = opts?.fill;
  return checkAugmentOp({ op: 'shift', dx, dy, ...(fill === undefined ? {} : { fill }) }, 'shift');
}

function checkRange(r: unknown, name: string, positive: boolean): [number, number] {
  if (!Array.isArray(r) || r.length !== 2)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a [lo, hi] pair for ${name} but received ${describeValue(r)}`);
  const lo = checkFinite(r[0], `${name}[0]`), hi = checkFinite(r[1], `${name}[1]`);
  if (!(lo <= hi)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must have lo <= hi (got [${lo}, ${hi}])`);
  if (positive && !(lo > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be > 0 (got [${lo}, ${hi}])`);
  return [lo, hi];
}

/**
 * Draws the ops of `randomCameraAugment` for a view of intrinsics `k`. Draw order (part of the
 * reproducibility contract): scale, then dx, then dy, each `rng.uniform(lo, hi)`.
 */
export function sampleAugmentOps(k: Intrinsics, rng: Rng, ranges: unknown = {}): AugmentOp[] {
  if (!isObject(rng) || typeof rng.uniform !== 'function')
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an Rng (createRng(seed)) for rng but received ${describeValue(rng)}`);
  if (!isObject(ranges)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an AugmentRanges object for ranges but received ${describeValue(ranges)}`);
  const r = ranges as AugmentRanges;
  const [slo, shi] = r.scale === undefined ? [0.8, 1.2] : checkRange(r.scale, 'ranges.scale', true);
  const [tlo, thi] = r.shift === undefined ? [-0.05, 0.05] : checkRange(r.shift, 'ranges.shift', false);
  const unit = r.shiftUnit ?? 'fraction';
  if (unit !== 'fraction' && unit !== 'pixels')
    throw spatialError('ERR_SPATIAL_SHAPE', `ranges.shiftUnit must be 'fraction' or 'pixels' (got ${describeValue(unit)})`);
  const integerShift = r.integerShift ?? true;
  const keepSize = r.keepSize ?? false;
  if (typeof integerShift !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for ranges.integerShift but received ${describeValue(integerShift)}`);
  if (typeof keepSize !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for ranges.keepSize but received ${describeValue(keepSize)}`);
  const fill = checkFillShape(r.fill, 'ranges.fill');

  const s = rng.uniform(slo, shi);
  const rawDx = rng.uniform(tlo, thi), rawDy = rng.uniform(tlo, thi);
  const ops: AugmentOp[] = [];
  const width = Math.max(1, Math.round(k.width * s)), height = Math.max(1, Math.round(k.height * s));
  if (width > MAX_SIDE || height > MAX_SIDE)
    throw spatialError('ERR_SPATIAL_SHAPE', `scale ${s} turns ${k.width}x${k.height} into ${width}x${height}; both sides must be <= ${MAX_SIDE}`);
  if (width !== k.width || height !== k.height) ops.push({ op: 'resize', width, height });
  let w = width, h = height;
  if (keepSize && (w !== k.width || h !== k.height)) {
    // Centre crop (or pad, where the box reaches past the resized image) back to the input size.
    const crop: CropOp = { op: 'crop', x: Math.floor((w - k.width) / 2), y: Math.floor((h - k.height) / 2), width: k.width, height: k.height };
    ops.push(fill === undefined ? crop : { ...crop, fill });
    w = k.width;
    h = k.height;
  }
  let dx = unit === 'fraction' ? rawDx * w : rawDx;
  let dy = unit === 'fraction' ? rawDy * h : rawDy;
  if (integerShift) {
    // + 0 turns a -0 from Math.round into 0, so the ops list is stable through JSON.
    dx = Math.round(dx) + 0;
    dy = Math.round(dy) + 0;
  }
  if (dx !== 0 || dy !== 0) {
    const shift: ShiftOp = { op: 'shift', dx, dy };
    ops.push(fill === undefined ? shift : { ...shift, fill });
  }
  return ops;
}
