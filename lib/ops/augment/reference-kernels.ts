/**
 * Pure-TS twins of the native resampling kernels (native/core/src/resample.cpp), with the raw
 * binding's signatures. Every floating-point step (positions, indices, weights) is the C++ one in the
 * same order (the native build forbids FMA contraction) and the blending is integer arithmetic, so
 * outputs are bit-identical; see `native/core/include/spatial_geom/resample.h` for the rules:
 * source position `u = scale * j' + offset`; inside iff `-0.5 <= u < W - 0.5`; colour bilinear
 * (11-bit fixed-point weights, exact integer arithmetic) with clamp-to-edge inside the half-pixel
 * border; depth and ids nearest `floor(u + 0.5)`; outside -> fill (colour) or 0 (depth, ids).
 * @module
 */
import { spatialError } from '../../errors.js';

const MAX_SIDE = 1 << 20;

function checkSide(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1 || v > MAX_SIDE)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [1, ${MAX_SIDE}] (got ${v})`);
}

function checkGeometry(srcW: number, srcH: number, dstW: number, dstH: number, map: Float64Array): void {
  checkSide(srcW, 'source width');
  checkSide(srcH, 'source height');
  checkSide(dstW, 'destination width');
  checkSide(dstH, 'destination height');
  if (srcW * srcH > 2147483647) throw spatialError('ERR_SPATIAL_SHAPE', `source width*height must be < 2^31 (got ${srcW * srcH})`);
  if (dstW * dstH > 2147483647) throw spatialError('ERR_SPATIAL_SHAPE', `destination width*height must be < 2^31 (got ${dstW * dstH})`);
  if (map.length !== 4) throw spatialError('ERR_SPATIAL_SHAPE', `map must hold 4 values scaleX, offsetX, scaleY, offsetY (got ${map.length})`);
  if (!map.every(Number.isFinite))
    throw spatialError('ERR_SPATIAL_SHAPE', `map coefficients (scaleX, offsetX, scaleY, offsetY) must be finite (got ${Array.from(map).join(', ')})`);
}

function checkLengths(src: ArrayLike<number>, dst: ArrayLike<number>, srcLen: number, dstLen: number): void {
  if (src.length !== srcLen) throw spatialError('ERR_SPATIAL_SHAPE', `src.length must be ${srcLen} (got ${src.length})`);
  if (dst.length !== dstLen) throw spatialError('ERR_SPATIAL_SHAPE', `dst.length must be ${dstLen} (got ${dst.length})`);
}

/** Whether position u lies on an axis of n pixels (false for NaN). */
function onAxis(u: number, n: number): boolean {
  return u >= -0.5 && u < n - 0.5;
}

/** 11-bit weights: 2048 = 1. */
const ONE = 2048;

interface BilinearAxis {
  i0: Int32Array;
  i1: Int32Array;
  w: Int32Array;
  inside: Uint8Array;
}

function bilinearAxis(scale: number, offset: number, dstN: number, srcN: number, stride: number): BilinearAxis {
  const a: BilinearAxis = { i0: new Int32Array(dstN), i1: new Int32Array(dstN), w: new Int32Array(dstN), inside: new Uint8Array(dstN) };
  const last = srcN - 1;
  for (let k = 0; k < dstN; k++) {
    const u = scale * k + offset;
    if (!onAxis(u, srcN)) continue;
    let uc = u < 0 ? 0 : u;
    uc = uc > last ? last : uc;
    const f = Math.floor(uc);
    a.inside[k] = 1;
    a.i0[k] = f * stride;
    a.i1[k] = Math.min(f + 1, last) * stride;
    a.w[k] = Math.floor((uc - f) * ONE + 0.5);
  }
  return a;
}

function nearestAxis(scale: number, offset: number, dstN: number, srcN: number): Int32Array {
  const idx = new Int32Array(dstN).fill(-1);
  for (let k = 0; k < dstN; k++) {
    const u = scale * k + offset;
    if (!onAxis(u, srcN)) continue;
    idx[k] = Math.min(Math.floor(u + 0.5), srcN - 1);
  }
  return idx;
}

/** Twin of the native `resampleImage` (bilinear colour, 11-bit fixed point; see resample.h). */
export function resampleImage(
  src: Uint8Array, srcWidth: number, srcHeight: number, channels: number, dst: Uint8Array, dstWidth: number, dstHeight: number,
  map: Float64Array, fill: Uint8Array,
): void {
  if (channels !== 1 && channels !== 3 && channels !== 4) throw spatialError('ERR_SPATIAL_SHAPE', `channels must be 1, 3 or 4 (got ${channels})`);
  checkGeometry(srcWidth, srcHeight, dstWidth, dstHeight, map);
  if (fill.length !== channels) throw spatialError('ERR_SPATIAL_SHAPE', `fill.length must equal channels = ${channels} (got ${fill.length})`);
  checkLengths(src, dst, srcWidth * srcHeight * channels, dstWidth * dstHeight * channels);
  const C = channels;
  const xs = bilinearAxis(map[0], map[1], dstWidth, srcWidth, C);
  const ys = bilinearAxis(map[2], map[3], dstHeight, srcHeight, 1);
  const srcRow = srcWidth * C;
  // Horizontal pass of one source row: p[x0] * (2048 - w) + p[x1] * w, or fill * 2048 off the image.
  // The last two rows are kept: consecutive output rows of an upscale share source rows.
  const cache = new Map<number, Int32Array>();
  const horizontal = (r: number): Int32Array => {
    const hit = cache.get(r);
    if (hit) return hit;
    const h = new Int32Array(dstWidth * C);
    if (cache.size >= 2) cache.delete(cache.keys().next().value as number);
    cache.set(r, h);
    const base = r * srcRow;
    for (let j = 0; j < dstWidth; j++)
      for (let c = 0; c < C; c++)
        h[j * C + c] = xs.inside[j] ? src[base + xs.i0[j] + c] * (ONE - xs.w[j]) + src[base + xs.i1[j] + c] * xs.w[j] : fill[c] * ONE;
    return h;
  };
  for (let i = 0; i < dstHeight; i++) {
    const out = i * dstWidth * C;
    if (!ys.inside[i]) {
      for (let j = 0; j < dstWidth; j++) for (let c = 0; c < C; c++) dst[out + j * C + c] = fill[c];
      continue;
    }
    const h0 = horizontal(ys.i0[i]), h1 = horizontal(ys.i1[i]);
    const wy = ys.w[i];
    // Exact integers: the largest sum is 255 * 2048 * 2048 + 2^21 < 2^31, so >> is safe.
    for (let k = 0; k < dstWidth * C; k++) dst[out + k] = (h0[k] * (ONE - wy) + h1[k] * wy + 2097152) >> 22;
  }
}

function resampleNearest(src: Float32Array | Uint16Array, srcWidth: number, srcHeight: number, dst: Float32Array | Uint16Array, dstWidth: number, dstHeight: number, map: Float64Array): void {
  checkGeometry(srcWidth, srcHeight, dstWidth, dstHeight, map);
  checkLengths(src, dst, srcWidth * srcHeight, dstWidth * dstHeight);
  const xs = nearestAxis(map[0], map[1], dstWidth, srcWidth);
  const ys = nearestAxis(map[2], map[3], dstHeight, srcHeight);
  for (let i = 0; i < dstHeight; i++) {
    const out = i * dstWidth;
    if (ys[i] < 0) {
      dst.fill(0, out, out + dstWidth);
      continue;
    }
    const row = ys[i] * srcWidth;
    for (let j = 0; j < dstWidth; j++) dst[out + j] = xs[j] < 0 ? 0 : src[row + xs[j]];
  }
}

/** Twin of the native `resampleDepth` (nearest, outside -> 0). */
export function resampleDepth(src: Float32Array, srcWidth: number, srcHeight: number, dst: Float32Array, dstWidth: number, dstHeight: number, map: Float64Array): void {
  resampleNearest(src, srcWidth, srcHeight, dst, dstWidth, dstHeight, map);
}

/** Twin of the native `resampleIds` (nearest, outside -> 0). */
export function resampleIds(src: Uint16Array, srcWidth: number, srcHeight: number, dst: Uint16Array, dstWidth: number, dstHeight: number, map: Float64Array): void {
  resampleNearest(src, srcWidth, srcHeight, dst, dstWidth, dstHeight, map);
}
