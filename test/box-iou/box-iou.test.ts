// Oriented 3D box IoU: closed forms, the ZXY composition order, bad inputs, and properties
// (native == reference, symmetry, IoU <= 1, z-only rotations == an independent 2-D polygon clip,
// general rotations == a Monte Carlo estimate).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';
import { createRng } from '../../lib/random.js';
import { backends } from '../helpers/backends.js';

const PI = Math.PI;
const SQRT2 = Math.SQRT2;
type Box = number[];

describe.each(backends)('%s boxIou3d closed forms', (_name, backend) => {
  const iou = (a: Box, b: Box): number => backend.boxIou3d(a, b);

  it('axis-aligned boxes: product of the overlaps', () => {
    // [0,2]^3 vs [1,3]x[0.5,2.5]x[-1,1.5]: overlaps 1, 1.5, 1.5.
    const inter = 1 * 1.5 * 1.5;
    expect(iou([1, 1, 1, 2, 2, 2, 0, 0, 0], [2, 1.5, 0.25, 2, 2, 2.5, 0, 0, 0])).toBeCloseTo(inter / (8 + 10 - inter), 12);
  });

  it('identical boxes give 1, also rotated about all three axes', () => {
    expect(iou([0, 0, 0, 1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0])).toBeCloseTo(1, 12);
    const b = [0.3, -1, 2, 1, 2, 3, 0.4, 0.2, -0.9];
    expect(iou(b, b)).toBeCloseTo(1, 12);
  });

  it('nested boxes give small / large volume', () => {
    // A 1x2x1.5 box turned 0.7 rad about z, well inside the 4-cube at the origin.
    expect(iou([0, 0, 0, 4, 4, 4, 0, 0, 0], [0.5, -0.5, 0.2, 1, 2, 1.5, 0.7, 0, 0])).toBeCloseTo(3 / 64, 12);
    expect(iou([0.5, -0.5, 0.2, 1, 2, 1.5, 0.7, 0.3, 0.1], [0, 0, 0, 4, 4, 4, 0, 0, 0])).toBeCloseTo(3 / 64, 12);
  });

  it('disjoint boxes give exactly 0 and touching faces give 0', () => {
    expect(iou([0, 0, 0, 1, 1, 1, 0, 0, 0], [5, 0, 0, 1, 1, 1, 0, 0, 0])).toBe(0);
    expect(iou([0, 0, 0, 1, 1, 1, 0, 0, 0], [1, 0.2, 0.1, 1, 1, 1, 0, 0, 0])).toBeCloseTo(0, 12);
    // Touching along an edge and at a corner.
    expect(iou([0, 0, 0, 1, 1, 1, 0, 0, 0], [1, 1, 0, 1, 1, 1, 0, 0, 0])).toBeCloseTo(0, 12);
    expect(iou([0, 0, 0, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0, 0, 0])).toBeCloseTo(0, 12);
    // Rotated boxes that only touch: a 45-degree diamond's corner on the square's face x = 1.
    expect(iou([0, 0, 0, 2, 2, 2, 0, 0, 0], [1 + SQRT2 / 2, 0, 0, 1, 1, 2, PI / 4, 0, 0])).toBeCloseTo(0, 12);
  });

  it('a cube turned 45 degrees about z: the xy overlap is a regular octagon', () => {
    // Square [-1,1]^2 and the same square turned 45°: a regular octagon of inradius 1, area
    // 8 (sqrt2 - 1); height overlap 2: I = 16 (sqrt2 - 1), union 16 - I, IoU = 1 / sqrt2.
    expect(iou([0, 0, 0, 2, 2, 2, 0, 0, 0], [0, 0, 0, 2, 2, 2, PI / 4, 0, 0])).toBeCloseTo(1 / SQRT2, 12);
  });

  it('a turned box shifted along x: polygon area by hand x height overlap', () => {
    // Square [-1,1]^2 and the diamond |x - 1| + |y| <= sqrt2 (the square turned 45° about z and
    // moved to x = 1). The square keeps the diamond's part with x <= 1, where the diamond's half
    // height min(1, sqrt2 - 1 + x) grows from 0 at x = 1 - sqrt2 to 1 at x = 2 - sqrt2 (a triangle
    // pair of area 2 * 1/2) and stays 1 up to x = 1 (a rectangle of area 2 (sqrt2 - 1)):
    // area = 1 + 2 sqrt2 - 2 = 2 sqrt2 - 1. Heights [-0.5, 0.5] vs [-0.25, 0.75]: overlap 0.75.
    const inter = (2 * SQRT2 - 1) * 0.75;
    expect(iou([0, 0, 0, 2, 2, 1, 0, 0, 0], [1, 0, 0.25, 2, 2, 1, PI / 4, 0, 0])).toBeCloseTo(inter / (4 + 4 - inter), 12);
  });

  it('a box turned 90 degrees about x swaps its y and z extents', () => {
    expect(iou([0, 0, 0, 1, 2, 3, 0, PI / 2, 0], [0, 0, 0, 1, 3, 2, 0, 0, 0])).toBeCloseTo(1, 12);
    expect(iou([0, 0, 0, 1, 2, 3, 0, 0, PI / 2], [0, 0, 0, 3, 2, 1, 0, 0, 0])).toBeCloseTo(1, 12);
  });

  it('composes R = Rz(alpha) Rx(beta) Ry(gamma), not the reverse order', () => {
    // dims (1, 2, 3): Rx(90) first maps local y to world z and local z to -y: extents (1, 3, 2);
    // Rz(90) then maps x to y and y to -x: extents (3, 1, 2). Rx(90) Rz(90) would give (2, 3, 1).
    const turned = [0, 0, 0, 1, 2, 3, PI / 2, PI / 2, 0];
    expect(iou(turned, [0, 0, 0, 3, 1, 2, 0, 0, 0])).toBeCloseTo(1, 12);
    // (3,1,2) vs (2,3,1): intersection 2*1*1 = 2, union 6 + 6 - 2 = 10.
    expect(iou(turned, [0, 0, 0, 2, 3, 1, 0, 0, 0])).toBeCloseTo(0.2, 12);
    // All three angles: gamma about local y is applied first. dims (1,2,3) under Ry(90): extents
    // (3, 2, 1); then Rx(90): (3, 1, 2); then Rz(90): (1, 3, 2).
    expect(iou([0, 0, 0, 1, 2, 3, PI / 2, PI / 2, PI / 2], [0, 0, 0, 1, 3, 2, 0, 0, 0])).toBeCloseTo(1, 12);
  });

  it('a flat box has no volume: IoU 0, and 0 (not NaN) for two flat boxes', () => {
    expect(iou([0, 0, 0, 1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0])).toBe(0);
    expect(iou([0, 0, 0, 1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0, 0, 0])).toBe(0);
  });

  it('is translation invariant far from the origin', () => {
    const a = [0, 0, 0, 2, 2, 2, 0, 0, 0], b = [0, 0, 0, 2, 2, 2, PI / 4, 0, 0];
    const far = (x: Box): Box => [x[0] + 1e4, x[1] - 2e4, x[2] + 3e3, ...x.slice(3)];
    expect(iou(far(a), far(b))).toBeCloseTo(1 / SQRT2, 9);
  });

  it('accepts Float32Array and Float64Array boxes', () => {
    const a = Float64Array.of(0, 0, 0, 2, 2, 2, 0, 0, 0), b = Float32Array.of(1, 0, 0, 2, 2, 2, 0, 0, 0);
    expect(iou(a as unknown as Box, b as unknown as Box)).toBeCloseTo(1 / 3, 12);
  });

  it('boxIou3dMatrix: row-major N x M, packed or as arrays, empty inputs', () => {
    const a = [[0, 0, 0, 2, 2, 2, 0, 0, 0], [10, 0, 0, 1, 1, 1, 0, 0, 0]];
    const b = [[1, 0, 0, 2, 2, 2, 0, 0, 0], [0, 0, 0, 2, 2, 2, PI / 4, 0, 0], [10, 0, 0, 1, 1, 1, 0, 0, 0]];
    const m = backend.boxIou3dMatrix(a, b);
    expect(m).toBeInstanceOf(Float64Array);
    expect(m.length).toBe(6);
    const expected = [1 / 3, 1 / SQRT2, 0, 0, 0, 1];
    expected.forEach((e, i) => expect(m[i]).toBeCloseTo(e, 12));
    expect(Array.from(backend.boxIou3dMatrix(Float64Array.from(a.flat()), Float64Array.from(b.flat())))).toEqual(Array.from(m));
    expect(backend.boxIou3dMatrix([], b).length).toBe(0);
    expect(backend.boxIou3dMatrix(a, new Float64Array(0)).length).toBe(0);
  });
});

describe.each(backends)('%s boxIou3d bad inputs', (_name, backend) => {
  const ok = [0, 0, 0, 1, 1, 1, 0, 0, 0];
  it.each([
    ['a missing box', undefined, 'ERR_SPATIAL_TYPE', /Expected an array of 9 numbers .* for a but received undefined/],
    ['a short box', [0, 0, 0, 1, 1, 1], 'ERR_SPATIAL_SHAPE', /a\.length must be 9 \(got 6\)/],
    ['a negative edge', [0, 0, 0, 1, -1, 1, 0, 0, 0], 'ERR_SPATIAL_SHAPE', /a\.dy must be finite and >= 0 \(got -1\)/],
    ['a NaN angle', [0, 0, 0, 1, 1, 1, 0, NaN, 0], 'ERR_SPATIAL_SHAPE', /a\.beta must be finite \(got NaN\)/],
    ['a string value', [0, 0, '0', 1, 1, 1, 0, 0, 0], 'ERR_SPATIAL_TYPE', /Expected a number for a\.z but received the string "0"/],
  ])('rejects %s', (_label, bad, code, message) => {
    expect(() => backend.boxIou3d(bad as unknown as Box, ok)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
  it('names the offending box of a matrix input', () => {
    expect(() => backend.boxIou3dMatrix([ok], [ok, [0, 0, 0, 1, 1, Infinity, 0, 0, 0]])).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'b[1].dz must be finite and >= 0 (got Infinity)' }),
    );
    expect(() => backend.boxIou3dMatrix(new Float64Array(10), [ok])).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/a\.length must be a multiple of 9 .*\(got 10\)/) }),
    );
    expect(() => backend.boxIou3dMatrix({} as unknown as Box[], [ok])).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
  });
});

describe('box rotation and corners', () => {
  it('boxRotationZXY equals Rz(a) Rx(b) Ry(g) written out by hand', () => {
    const a = 0.3, b = -0.7, g = 1.1;
    const [ca, sa, cb, sb, cg, sg] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(g), Math.sin(g)];
    const expected = [
      ca * cg - sa * sb * sg, -sa * cb, ca * sg + sa * sb * cg,
      sa * cg + ca * sb * sg, ca * cb, sa * sg - ca * sb * cg,
      -cb * sg, sb, cb * cg,
    ];
    const r = native.boxRotationZXY(a, b, g);
    expected.forEach((e, i) => expect(r[i]).toBeCloseTo(e, 15));
  });

  it('boxCorners: corner c = i + 2j + 4k at R (dims ⊙ (unit - 0.5)) + centre', () => {
    const c = native.boxCorners([1, 2, 3, 2, 4, 6, PI / 2, 0, 0]);
    expect(c.length).toBe(24);
    // Corner 0 has local offset (-1, -2, -3); Rz(90°) maps (x, y) to (-y, x): (2, -1, -3).
    [3, 1, 0].forEach((e, i) => expect(c[i]).toBeCloseTo(e, 12));
    // Corner 7 = (+1, +2, +3) -> (-2, 1, 3).
    [-1, 3, 6].forEach((e, i) => expect(c[21 + i]).toBeCloseTo(e, 12));
  });
});

// Random boxes: a continuous part (generic positions) and a grid part (centres on a 0.5 grid,
// right-angle rotations) that produces coplanar faces, shared edges and identical boxes.
const continuousBox = fc.tuple(
  fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }),
  fc.double({ min: 0.05, max: 3, noNaN: true }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.double({ min: 0.05, max: 3, noNaN: true }),
  fc.double({ min: -PI, max: PI, noNaN: true }), fc.double({ min: -PI, max: PI, noNaN: true }), fc.double({ min: -PI, max: PI, noNaN: true }),
).map((t) => [...t]);
const gridBox = fc.tuple(
  fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }),
).map((t) => [...t.slice(0, 6).map((v) => v * 0.5), ...t.slice(6).map((k) => (k * PI) / 2)]);
const anyBox = fc.oneof(continuousBox, gridBox);

describe('boxIou3d properties', () => {
  it('native == reference', () => {
    // Both run the same operations in the same order (no FMA on either side); they can differ only
    // through cos/sin (V8 vs libm, <= 1 ulp), which moves vertices by ~1e-16 and the IoU by far
    // less than 1e-9. 1e-9 still leaves room for a point that sits within eps (1e-12 of the box
    // size) of a plane to be classified differently, which changes the volume by O(eps).
    fc.assert(
      fc.property(anyBox, anyBox, (a, b) => {
        const n = native.boxIou3d(a, b), r = reference.boxIou3d(a, b);
        expect(Math.abs(n - r)).toBeLessThanOrEqual(1e-9 * Math.max(1e-3, r));
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('is symmetric and in [0, 1]', () => {
    // a clipped by b and b clipped by a are two computations of the same polyhedron: they agree
    // to rounding (1e-12 is ~1e4 ulp, far above the few operations' worth of error).
    fc.assert(
      fc.property(anyBox, anyBox, (a, b) => {
        const ab = native.boxIou3d(a, b), ba = native.boxIou3d(b, a);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(Math.abs(ab - ba)).toBeLessThanOrEqual(1e-12);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('boxes turned about z only == 2-D polygon clip (independent code) x height overlap', () => {
    // The 2-D clip below is a separate implementation (Sutherland-Hodgman on the footprint
    // rectangles, shoelace area); it shares no code with the 3-D clipper. Tolerance: 1e-10 absolute
    // on an IoU in [0, 1] (both are exact up to rounding of O(10) operations on O(1) values).
    const footprint = (b: Box): [number, number][] => {
      const c = Math.cos(b[6]), s = Math.sin(b[6]);
      return [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([i, j]) => {
        const lx = (i * b[3]) / 2, ly = (j * b[4]) / 2;
        return [b[0] + c * lx - s * ly, b[1] + s * lx + c * ly];
      });
    };
    const clip2 = (subject: [number, number][], clipper: [number, number][]): [number, number][] => {
      let out = subject;
      for (let e = 0; e < clipper.length && out.length > 0; e++) {
        const [p, q] = [clipper[e], clipper[(e + 1) % clipper.length]];
        const side = (v: [number, number]) => (q[0] - p[0]) * (v[1] - p[1]) - (q[1] - p[1]) * (v[0] - p[0]);
        const input = out;
        out = [];
        for (let i = 0; i < input.length; i++) {
          const cur = input[i], prev = input[(i + input.length - 1) % input.length];
          const sc = side(cur), sp = side(prev);
          if (sc >= 0) {
            if (sp < 0) out.push([prev[0] + (sp / (sp - sc)) * (cur[0] - prev[0]), prev[1] + (sp / (sp - sc)) * (cur[1] - prev[1])]);
            out.push(cur);
          } else if (sp >= 0) out.push([prev[0] + (sp / (sp - sc)) * (cur[0] - prev[0]), prev[1] + (sp / (sp - sc)) * (cur[1] - prev[1])]);
        }
      }
      return out;
    };
    const area = (poly: [number, number][]) =>
      Math.abs(poly.reduce((acc, p, i) => acc + p[0] * poly[(i + 1) % poly.length][1] - poly[(i + 1) % poly.length][0] * p[1], 0)) / 2;
    const zBox = continuousBox.map((b) => [...b.slice(0, 6), b[6], 0, 0]);
    fc.assert(
      fc.property(zBox, zBox, (a, b) => {
        const zOverlap = Math.max(0, Math.min(a[2] + a[5] / 2, b[2] + b[5] / 2) - Math.max(a[2] - a[5] / 2, b[2] - b[5] / 2));
        const inter = area(clip2(footprint(a), footprint(b))) * zOverlap;
        const expected = inter / (a[3] * a[4] * a[5] + b[3] * b[4] * b[5] - inter);
        expect(Math.abs(native.boxIou3d(a, b) - expected)).toBeLessThanOrEqual(1e-10);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('general rotations agree with a Monte Carlo estimate of the intersection', () => {
    // 200k uniform samples in box a: the fraction inside b estimates I / Va with a standard error
    // <= 0.5 / sqrt(200000) = 0.0011; 0.006 is over 5 standard errors.
    const rng = createRng(7);
    const inside = (b: Box, p: number[]): boolean => {
      const r = native.boxRotationZXY(b[6], b[7], b[8]);
      const d = [p[0] - b[0], p[1] - b[1], p[2] - b[2]];
      for (let k = 0; k < 3; k++) if (Math.abs(r[k] * d[0] + r[3 + k] * d[1] + r[6 + k] * d[2]) > b[3 + k] / 2) return false;
      return true;
    };
    const cases: [Box, Box][] = [
      [[0, 0, 0, 2, 1, 1.5, 0.3, 0.5, -0.4], [0.3, 0.2, -0.1, 1.2, 2, 1, -0.8, 0.1, 1.2]],
      [[0.1, 0, 0, 1, 1, 1, 0, PI / 4, 0], [0, 0, 0.2, 1.5, 0.7, 1, 0, 0, PI / 4]],
      [[0, 0, 0, 3, 0.5, 0.5, 1, 1, 1], [0.5, 0.1, 0, 0.5, 3, 0.5, -1, 0.5, 2]],
    ];
    for (const [a, b] of cases) {
      const samples = 200_000;
      let hits = 0;
      const ra = native.boxRotationZXY(a[6], a[7], a[8]);
      for (let s = 0; s < samples; s++) {
        const l = [0, 1, 2].map((k) => (rng.next() - 0.5) * a[3 + k]);
        const p = [0, 1, 2].map((r) => ra[3 * r] * l[0] + ra[3 * r + 1] * l[1] + ra[3 * r + 2] * l[2] + a[r]);
        if (inside(b, p)) hits++;
      }
      const va = a[3] * a[4] * a[5], vb = b[3] * b[4] * b[5];
      const exactInter = (() => {
        const iou = native.boxIou3d(a, b);
        return (iou * (va + vb)) / (1 + iou);
      })();
      expect(exactInter / va).toBeGreaterThan(0.02);
      expect(Math.abs(hits / samples - exactInter / va)).toBeLessThan(0.006);
    }
  });
});

describe('raw binding validates on its own', () => {
  // The public wrappers validate first; a direct malformed call must still throw, not crash.
  it('rejects wrong types, lengths and values with codes', async () => {
    const { native: raw } = await import('../../lib/native.js');
    const ok = Float64Array.of(0, 0, 0, 1, 1, 1, 0, 0, 0);
    expect(() => raw().boxIou3d([0] as unknown as Float64Array, ok)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
    expect(() => raw().boxIou3d(new Float64Array(18), ok)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'a.length must be 9 (got 18)' }));
    expect(() => raw().boxIou3d(Float64Array.of(0, 0, 0, 1, -1, 1, 0, 0, 0), ok)).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/^a\[0\]\.dy must be finite and >= 0/) }),
    );
    expect(() => raw().boxIou3dMatrix(ok, new Float64Array(10), new Float64Array(1))).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/^b\.length must be a multiple of 9/) }),
    );
    expect(() => raw().boxIou3dMatrix(ok, ok, new Float64Array(2))).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'out.length must be N*M = 1 (got 2)' }));
    expect(() => (raw().boxIou3dMatrix as unknown as (a: Float64Array) => void)(ok)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
  });
});
