// Resampling kernels: hand-computed values on both backends, border rules, native == reference
// (fast-check), fixed-point colour vs exact bilinear, and bad inputs (wrapper and raw binding).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nat from '../../lib/index.js';
import { native } from '../../lib/native.js';
import * as ref from '../../lib/reference/index.js';
import * as refKernels from '../../lib/ops/augment/reference-kernels.js';
import type { DepthMap, Image, InstanceIdMap } from '../../lib/types.js';
import { backends } from '../helpers/backends.js';

/** Inverse map of a resize from n to m pixels: u = (n/m) * (u' + 0.5) - 0.5. */
function resizeAxis(n: number, m: number) {
  const r = n / m;
  return { scale: r, offset: 0.5 * r - 0.5 };
}

const grey2x2: Image = { width: 2, height: 2, channels: 1, data: Uint8Array.of(0, 100, 200, 40) };

/** Exact real-valued bilinear sample with the same clamp/fill rules (the yardstick of the fixed-point kernel). */
function exactBilinear(img: Image, u: number, v: number, c: number): number | undefined {
  const W = img.width, H = img.height, C = img.channels;
  if (!(u >= -0.5 && u < W - 0.5 && v >= -0.5 && v < H - 0.5)) return undefined;
  const uc = Math.min(Math.max(u, 0), W - 1), vc = Math.min(Math.max(v, 0), H - 1);
  const x0 = Math.floor(uc), y0 = Math.floor(vc), x1 = Math.min(x0 + 1, W - 1), y1 = Math.min(y0 + 1, H - 1);
  const wx = uc - x0, wy = vc - y0;
  const p = (x: number, y: number) => img.data[(y * W + x) * C + c];
  return (p(x0, y0) * (1 - wx) + p(x1, y0) * wx) * (1 - wy) + (p(x0, y1) * (1 - wx) + p(x1, y1) * wx) * wy;
}

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

describe.each(backends)('%s resample kernels: hand-computed values', (_name, lib) => {
  it('upscales a 2x2 grey image 2x bilinearly with clamp to edge', () => {
    const out = lib.resampleImage(grey2x2, { width: 4, height: 4, x: resizeAxis(2, 4), y: resizeAxis(2, 4) });
    // Column j' samples u = 0.5 j' - 0.25: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    // (1,1): top 0.75*0 + 0.25*100 = 25, bottom 0.75*200 + 0.25*40 = 160, 0.75*25 + 0.25*160 = 58.75 -> 59.
    expect(Array.from(out.data)).toEqual([0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40]);
    expect([out.width, out.height, out.channels]).toEqual([4, 4, 1]);
  });

  it('copies exactly under the identity and integer translations, filling uncovered pixels', () => {
    const rgb: Image = { width: 3, height: 2, channels: 3, data: Uint8Array.from({ length: 18 }, (_, i) => 10 * i + 3) };
    const same = lib.resampleImage(rgb, { width: 3, height: 2, x: { scale: 1, offset: 0 }, y: { scale: 1, offset: 0 } });
    expect(Array.from(same.data)).toEqual(Array.from(rgb.data));
    // Content moves right by 1: source x = j' - 1; column 0 has no source -> fill [1, 2, 3].
    const moved = lib.resampleImage(rgb, { width: 3, height: 2, x: { scale: 1, offset: -1 }, y: { scale: 1, offset: 0 }, fill: [1, 2, 3] });
    expect(Array.from(moved.data)).toEqual([1, 2, 3, 3, 13, 23, 33, 43, 53, 1, 2, 3, 93, 103, 113, 123, 133, 143]);
  });

  it('clamps within the half-pixel border and fills beyond it', () => {
    const row: Image = { width: 3, height: 1, channels: 1, data: Uint8Array.of(10, 20, 30) };
    const at = (offset: number) =>
      Array.from(lib.resampleImage(row, { width: 3, height: 1, x: { scale: 1, offset }, y: { scale: 1, offset: 0 }, fill: 255 }).data);
    // u = j - 0.4: -0.4 clamps to pixel 0; 0.6 -> 0.4*10 + 0.6*20 = 16; 1.6 -> 26.
    expect(at(-0.4)).toEqual([10, 16, 26]);
    // u = j - 0.6: -0.6 is off the image.
    expect(at(-0.6)).toEqual([255, 14, 24]);
    // u = j + 0.5: 2.5 is off the image (the image spans [-0.5, 2.5)); u = j + 0.45: 2.45 clamps to 2.
    expect(at(0.5)[2]).toBe(255);
    expect(at(0.45)[2]).toBe(30);
  });

  it('handles 4 channels with a scalar fill on every channel (alpha included)', () => {
    const rgba: Image = { width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 4) };
    const out = lib.resampleImage(rgba, { width: 2, height: 1, x: { scale: 1, offset: 0 }, y: { scale: 1, offset: 0 }, fill: 9 });
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4, 9, 9, 9, 9]);
  });

  it('resamples depth by nearest neighbour: never blended, invalid stays invalid, outside is 0', () => {
    const depth: DepthMap = { width: 2, height: 2, data: Float32Array.of(1, NaN, 0, 4) };
    const up = lib.resampleDepth(depth, { width: 4, height: 4, x: resizeAxis(2, 4), y: resizeAxis(2, 4) });
    // Column j' samples u = 0.5 j' - 0.25 -> nearest floor(u + 0.5) = 0, 0, 1, 1.
    expect(Array.from(up.data)).toEqual([1, 1, NaN, NaN, 1, 1, NaN, NaN, 0, 0, 4, 4, 0, 0, 4, 4]);
    const padded = lib.resampleDepth(depth, { width: 3, height: 3, x: { scale: 1, offset: -1 }, y: { scale: 1, offset: -1 } });
    expect(Array.from(padded.data)).toEqual([0, 0, 0, 0, 1, NaN, 0, 0, 4]);
  });

  it('breaks exact nearest ties to the right (downscale 4 -> 2 samples u = 2j\' + 0.5)', () => {
    const ids: InstanceIdMap = { width: 4, height: 1, data: Uint16Array.of(1, 2, 3, 4) };
    const out = lib.resampleIds(ids, { width: 2, height: 1, x: resizeAxis(4, 2), y: { scale: 1, offset: 0 } });
    expect(Array.from(out.data)).toEqual([2, 4]);
  });

  it('accepts negative scales (mirroring) and NaN-free extreme offsets (all fill)', () => {
    const row: Image = { width: 3, height: 1, channels: 1, data: Uint8Array.of(10, 20, 30) };
    const flip = lib.resampleImage(row, { width: 3, height: 1, x: { scale: -1, offset: 2 }, y: { scale: 1, offset: 0 } });
    expect(Array.from(flip.data)).toEqual([30, 20, 10]);
    const far = lib.resampleDepth({ width: 1, height: 1, data: Float32Array.of(5) }, { width: 2, height: 2, x: { scale: 1, offset: 1e300 }, y: { scale: 1, offset: 0 } });
    expect(Array.from(far.data)).toEqual([0, 0, 0, 0]);
  });
});

// Arbitrary small images and maps (flips, fractional scales and offsets, partly or fully off the image).
const channelsArb = fc.constantFrom(1 as const, 3 as const, 4 as const);
const axisArb = fc.record({
  scale: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(1, 0.5, 2, 1 / 3, 0.25)),
  offset: fc.oneof(fc.double({ min: -12, max: 20, noNaN: true }), fc.integer({ min: -4, max: 8 })),
});
const jobArb = fc
  .record({
    w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 12 }), c: channelsArb,
    dw: fc.integer({ min: 1, max: 16 }), dh: fc.integer({ min: 1, max: 16 }), x: axisArb, y: axisArb, seed: fc.integer(),
    fill: fc.integer({ min: 0, max: 255 }),
  })
  .map((j) => {
    let s = j.seed >>> 0;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
    const image: Image = { width: j.w, height: j.h, channels: j.c, data: Uint8Array.from({ length: j.w * j.h * j.c }, next) };
    const specials = [0, NaN, Infinity, -1];
    const depth: DepthMap = { width: j.w, height: j.h, data: Float32Array.from({ length: j.w * j.h }, () => { const r = next(); return r < 20 ? specials[r % 4] : r / 7; }) };
    const ids: InstanceIdMap = { width: j.w, height: j.h, data: Uint16Array.from({ length: j.w * j.h }, () => next() * 257) };
    return { image, depth, ids, spec: { width: j.dw, height: j.dh, x: j.x, y: j.y, fill: j.fill } };
  });

describe('native == reference (fast-check)', () => {
  // Tolerance: none. Positions, indices and weights are the same double expressions on both sides
  // (the native build disables FMA contraction) and the blend is integer arithmetic, so colour is
  // byte-identical; depth and ids are copies of the same source element (NaN compared with Object.is).
  it('colour, depth and ids agree exactly for arbitrary maps', () => {
    fc.assert(
      fc.property(jobArb, ({ image, depth, ids, spec }) => {
        expect(Array.from(nat.resampleImage(image, spec).data)).toEqual(Array.from(ref.resampleImage(image, spec).data));
        expect(sameFloats(nat.resampleDepth(depth, spec).data, ref.resampleDepth(depth, spec).data)).toBe(true);
        expect(Array.from(nat.resampleIds(ids, spec).data)).toEqual(Array.from(ref.resampleIds(ids, spec).data));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  // 500x400x3 samples x2 work units > 2^20 (the default thread threshold): these calls run on all threads.
  it('agrees exactly on images large enough to run on several threads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 900 }), fc.integer({ min: 400, max: 700 }), fc.constantFrom(3 as const, 4 as const), fc.double({ min: 0.3, max: 2.5, noNaN: true }), fc.integer(), (dw, dh, c, sy, seed) => {
        const w = 640, h = 480;
        let s = seed >>> 0;
        const data = Uint8Array.from({ length: w * h * c }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
        const spec = { width: dw, height: dh, x: resizeAxis(w, dw), y: { scale: sy, offset: -7.25 }, fill: 17 };
        const image: Image = { width: w, height: h, channels: c, data };
        expect(Buffer.from(nat.resampleImage(image, spec).data).equals(Buffer.from(ref.resampleImage(image, spec).data))).toBe(true);
        const depth: DepthMap = { width: w, height: h, data: Float32Array.from({ length: w * h }, (_, i) => (i % 613) / 3) };
        expect(sameFloats(nat.resampleDepth(depth, spec).data, ref.resampleDepth(depth, spec).data)).toBe(true);
      }),
      { seed: 42, numRuns: 4 },
    );
  });

  it('fixed-point colour is within 1 LSB of exact real-valued bilinear interpolation', () => {
    // The 11-bit weights are off by at most 2^-12 each: |error| <= 255 * 2^-12 per pass, 0.125 in all,
    // so after rounding the byte differs by at most 1 from the exact value rounded.
    fc.assert(
      fc.property(jobArb, ({ image, spec }) => {
        const out = ref.resampleImage(image, spec);
        for (let i = 0; i < spec.height; i++)
          for (let j = 0; j < spec.width; j++)
            for (let c = 0; c < image.channels; c++) {
              const exact = exactBilinear(image, spec.x.scale * j + spec.x.offset, spec.y.scale * i + spec.y.offset, c);
              const got = out.data[(i * spec.width + j) * image.channels + c];
              if (exact === undefined) expect(got).toBe(spec.fill);
              else expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.5 + 0.125 + 1e-9);
            }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe.each(backends)('%s resample: bad inputs', (_name, lib) => {
  const spec = { width: 2, height: 2, x: { scale: 1, offset: 0 }, y: { scale: 1, offset: 0 } };
  it.each([
    ['image not an object', () => lib.resampleImage(null as never, spec), 'ERR_SPATIAL_TYPE', /Expected an Image .* for image but received null/],
    ['image.data not bytes', () => lib.resampleImage({ ...grey2x2, data: new Float32Array(4) as never }, spec), 'ERR_SPATIAL_TYPE', /Expected a Uint8Array for image.data but received Float32Array of length 4/],
    ['2 channels', () => lib.resampleImage({ ...grey2x2, channels: 2 as never, data: new Uint8Array(8) }, spec), 'ERR_SPATIAL_SHAPE', /image.channels must be 1, 3 or 4 \(got the number 2\)/],
    ['data length', () => lib.resampleImage({ ...grey2x2, data: new Uint8Array(3) }, spec), 'ERR_SPATIAL_SHAPE', /image.data.length must be width\*height\*channels = 4 \(got 3\)/],
    ['zero width', () => lib.resampleImage(grey2x2, { ...spec, width: 0 }), 'ERR_SPATIAL_SHAPE', /spec.width must be an integer in \[1, 1048576\] \(got 0\)/],
    ['fractional height', () => lib.resampleImage(grey2x2, { ...spec, height: 1.5 }), 'ERR_SPATIAL_SHAPE', /spec.height must be an integer/],
    ['NaN map', () => lib.resampleImage(grey2x2, { ...spec, x: { scale: NaN, offset: 0 } }), 'ERR_SPATIAL_SHAPE', /spec.x.scale must be finite \(got NaN\)/],
    ['missing map', () => lib.resampleDepth({ width: 1, height: 1, data: new Float32Array(1) }, { width: 1, height: 1 } as never), 'ERR_SPATIAL_TYPE', /Expected an AxisMap \{ scale, offset \} for spec.x but received undefined/],
    ['fill length', () => lib.resampleImage(grey2x2, { ...spec, fill: [1, 2, 3] }), 'ERR_SPATIAL_SHAPE', /spec.fill.length must equal the image's channels = 1 \(got 3\)/],
    ['fill range', () => lib.resampleImage(grey2x2, { ...spec, fill: 256 }), 'ERR_SPATIAL_SHAPE', /spec.fill must be an integer in \[0, 255\] \(got 256\)/],
    ['ids type', () => lib.resampleIds({ width: 1, height: 1, data: new Uint32Array(1) as never }, spec), 'ERR_SPATIAL_TYPE', /Expected a Uint16Array for ids.data but received Uint32Array of length 1/],
    ['depth length', () => lib.resampleDepth({ width: 2, height: 2, data: new Float32Array(3) }, spec), 'ERR_SPATIAL_SHAPE', /depth.data.length must be width\*height = 4 \(got 3\)/],
  ])('rejects %s', (_case, fn, code, message) => {
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (e) {
      expect((e as { code: string }).code).toBe(code);
    }
  });
});

describe.each([
  ['native binding', () => native()],
  ['reference kernels', () => refKernels],
] as const)('%s: raw kernels validate their own arguments', (_name, kernels) => {
  const map = Float64Array.of(1, 0, 1, 0);
  const src = new Uint8Array(4);
  const cases: [string, () => void, string, RegExp][] = [
    ['dst too short', () => kernels().resampleImage(src, 2, 2, 1, new Uint8Array(3), 2, 2, map, new Uint8Array(1)), 'ERR_SPATIAL_SHAPE', /dst.length must be 4 \(got 3\)/],
    ['src too short', () => kernels().resampleDepth(new Float32Array(3), 2, 2, new Float32Array(4), 2, 2, map), 'ERR_SPATIAL_SHAPE', /src.length must be 4 \(got 3\)/],
    ['2 channels', () => kernels().resampleImage(new Uint8Array(8), 2, 2, 2, new Uint8Array(8), 2, 2, map, new Uint8Array(2)), 'ERR_SPATIAL_SHAPE', /channels must be 1, 3 or 4 \(got 2\)/],
    ['map length', () => kernels().resampleIds(new Uint16Array(4), 2, 2, new Uint16Array(4), 2, 2, new Float64Array(3)), 'ERR_SPATIAL_SHAPE', /map must hold 4 values/],
    ['infinite map', () => kernels().resampleIds(new Uint16Array(4), 2, 2, new Uint16Array(4), 2, 2, Float64Array.of(1, Infinity, 1, 0)), 'ERR_SPATIAL_SHAPE', /map coefficients .* must be finite/],
    ['size 0', () => kernels().resampleDepth(new Float32Array(0), 0, 2, new Float32Array(4), 2, 2, map), 'ERR_SPATIAL_SHAPE', /source width must be an integer in \[1, 1048576\]/],
    ['fill length', () => kernels().resampleImage(new Uint8Array(12), 2, 2, 3, new Uint8Array(12), 2, 2, map, new Uint8Array(1)), 'ERR_SPATIAL_SHAPE', /fill.length must equal channels = 3 \(got 1\)/],
  ];
  it.each(cases)('rejects %s', (_case, fn, code, message) => {
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (e) {
      expect((e as { code: string }).code).toBe(code);
    }
  });

  it('the native binding also rejects wrong types, missing arguments and dst aliasing src', () => {
    const b = native();
    expect(() => b.resampleImage(new Float32Array(4) as never, 2, 2, 1, new Uint8Array(4), 2, 2, map, new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: 'Expected a Uint8Array for src but received Float32Array of length 4' }),
    );
    expect(() => (b.resampleDepth as unknown as (...a: unknown[]) => void)(new Float32Array(4), 2, 2)).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: 'resampleDepth expects 7 arguments (got 3)' }),
    );
    const buf = new Float32Array(8);
    expect(() => b.resampleDepth(buf.subarray(0, 4), 2, 2, buf.subarray(2, 6), 2, 2, map)).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'dst must not share memory with src' }),
    );
    // Disjoint views of one buffer are fine.
    buf.set([1, 2, 3, 4]);
    b.resampleDepth(buf.subarray(0, 4), 2, 2, buf.subarray(4, 8), 2, 2, map);
    expect(Array.from(buf.subarray(4))).toEqual([1, 2, 3, 4]);
  });
});
