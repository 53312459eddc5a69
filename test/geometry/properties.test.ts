// Native == reference under fast-check (seeded, shrinking), at every SIMD level this CPU offers
// (configure({ simd }): every level must agree with the reference the same way). Tolerances:
// - Float64 points: the native kernels compute in double with the reference's operation order and
//   no FMA contraction (-ffp-contract=off), so every output must be bit-identical to the reference.
// - Float32 points: the native kernels compute in float32 (twice the SIMD width) while the reference
//   computes in double. Each output may differ by the float32 rounding error of its formula, bounded
//   per point by `projectionBounds` (standard error analysis: gamma_n = n*eps for an n-term dot
//   product, propagated through the division; doubled for safety; plus an absolute 2^-124 for
//   values that underflow float32). A visibility decision may differ
//   only when the reference's own values lie within that bound of a decision boundary (pixel border
//   u + 0.5 = integer, z = near, z = d + tolerance); everything outside the band must agree exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import { camFromWorld } from '../../lib/ops/geometry/reference-camera.js';
import type { Camera, DepthMap } from '../../lib/types.js';
import { atSimdLevel, simdLevels } from '../helpers/simd.js';
import { FLOAT32_EPS, cameraArb, depthMapArb, indexSetArb, pointSpecArb, specToWorld } from './arbitraries.js';

const RUNS = 200;
const SEED = 20261122;

/** A camera, points placed relative to it (all hard cases), and its depth map. */
const sceneArb = cameraArb.chain((cam) =>
  fc.record({
    cam: fc.constant(cam),
    specs: fc.array(pointSpecArb(cam.intrinsics), { minLength: 0, maxLength: 60 }),
    depth: depthMapArb(cam.intrinsics),
    tolerance: fc.constantFrom(0, 0.05, 0.2),
  }),
);

function pointsOf(cam: Camera, specs: ReturnType<typeof pointSpecArb> extends fc.Arbitrary<infer S> ? S[] : never, type: 'f32' | 'f64') {
  const flat = specs.flatMap((s) => specToWorld(cam, s));
  return type === 'f32' ? Float32Array.from(flat) : Float64Array.from(flat);
}

/** Reference double-precision camera-frame values of a point and the float32 error bounds of the native kernel. */
function projectionBounds(cam: Camera, x: number, y: number, z: number) {
  const m = camFromWorld(cam.pose);
  const { fx, fy, cx, cy } = cam.intrinsics;
  const row = (r: number) => m[4 * r] * x + m[4 * r + 1] * y + m[4 * r + 2] * z + m[4 * r + 3];
  const mag = (r: number) => Math.abs(m[4 * r] * x) + Math.abs(m[4 * r + 1] * y) + Math.abs(m[4 * r + 2] * z) + Math.abs(m[4 * r + 3]);
  const [xc, yc, zc] = [row(0), row(1), row(2)];
  const e = 2 * FLOAT32_EPS;
  // 2^-126 (float32's smallest normal) per term covers underflow: values below it lose their
  // relative precision in float32 (a translation of 5e-324 becomes 0).
  const tiny = 4 * 2 ** -126;
  const dx = 6 * e * mag(0) + tiny, dy = 6 * e * mag(1) + tiny, dz = 6 * e * mag(2) + tiny;
  const az = Math.abs(zc);
  const du = fx * (dx / az + (Math.abs(xc) * dz) / (az * az)) + 4 * e * (Math.abs((fx * xc) / zc) + Math.abs(cx));
  const dv = fy * (dy / az + (Math.abs(yc) * dz) / (az * az)) + 4 * e * (Math.abs((fy * yc) / zc) + Math.abs(cy));
  return { xc, yc, zc, dz, du, dv, u: (fx * xc) / zc + cx, v: (fy * yc) / zc + cy };
}

const distToInteger = (a: number) => Math.abs(a - Math.round(a));

describe.each(simdLevels)('SIMD level %s', (simd) => {
  atSimdLevel(simd);

  describe('projectPoints: native == reference', () => {
    it('Float64 points: bit-identical', () => {
      fc.assert(
        fc.property(sceneArb, fc.array(cameraArb, { maxLength: 2 }), ({ cam, specs }, extra) => {
          const pts = pointsOf(cam, specs, 'f64');
          const cams = [cam, ...extra];
          const a = native.projectPoints(pts, cams);
          const b = ref.projectPoints(pts, cams);
          expect(a.uv).toEqual(b.uv); // toEqual treats NaN as equal to NaN, element by element
          expect(a.depth).toEqual(b.depth);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('Float32 points: within the float32 error bound of each point', () => {
      fc.assert(
        fc.property(sceneArb, ({ cam, specs }) => {
          const pts = pointsOf(cam, specs, 'f32');
          const a = native.projectPoints(pts, cam);
          const b = ref.projectPoints(pts, cam);
          for (let i = 0; i < pts.length / 3; i++) {
            const bnd = projectionBounds(cam, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
            if (!Number.isFinite(bnd.zc)) {
              expect(Number.isNaN(a.depth[i]) || !Number.isFinite(a.depth[i])).toBe(true);
              continue;
            }
            expect(Math.abs(a.depth[i] - b.depth[i])).toBeLessThanOrEqual(bnd.dz + FLOAT32_EPS * Math.abs(bnd.zc));
            if (Math.abs(bnd.zc) <= bnd.dz) continue; // the sign of z itself is within rounding
            if (bnd.zc < 0) {
              expect(Number.isNaN(a.uv[2 * i]) && Number.isNaN(b.uv[2 * i])).toBe(true);
              continue;
            }
            expect(Math.abs(a.uv[2 * i] - b.uv[2 * i])).toBeLessThanOrEqual(bnd.du + FLOAT32_EPS * Math.abs(bnd.u));
            expect(Math.abs(a.uv[2 * i + 1] - b.uv[2 * i + 1])).toBeLessThanOrEqual(bnd.dv + FLOAT32_EPS * Math.abs(bnd.v));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  describe('visibleSets: native == reference', () => {
    it('Float64 points: identical sets', () => {
      fc.assert(
        fc.property(sceneArb, ({ cam, specs, depth, tolerance }) => {
          const pts = pointsOf(cam, specs, 'f64');
          expect(native.visibleSets(pts, [cam], [depth], { tolerance })).toEqual(ref.visibleSets(pts, [cam], [depth], { tolerance }));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('Float32 points: identical except within the stated band of a decision boundary', () => {
      let banded = 0;
      fc.assert(
        fc.property(sceneArb, ({ cam, specs, depth, tolerance }) => {
          const pts = pointsOf(cam, specs, 'f32');
          const a = new Set(native.visibleSets(pts, [cam], [depth], { tolerance })[0]);
          const b = new Set(ref.visibleSets(pts, [cam], [depth], { tolerance })[0]);
          for (let i = 0; i < pts.length / 3; i++) {
            if (a.has(i) === b.has(i)) continue;
            banded++;
            expect(inDecisionBand(cam, depth, pts, i, tolerance)).toBe(true);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      // Report how often the band was needed (informative, not asserted).
      console.info(`visibleSets float32: ${banded} decisions inside the rounding band`);
    });

    it('exactly representable cases (pixel borders, image edges, depth ties) agree exactly in float32 too', () => {
      // Identity pose, power-of-two focal lengths, half-integer principal points and dyadic coordinates:
      // every operation is exact in float32 and double, so the decision at a boundary must match.
      const arb = fc.record({
        w: fc.integer({ min: 1, max: 16 }),
        h: fc.integer({ min: 1, max: 16 }),
        pts: fc.array(fc.tuple(fc.integer({ min: -40, max: 80 }), fc.integer({ min: -40, max: 80 }), fc.integer({ min: -8, max: 16 })), { maxLength: 80 }),
        d: fc.array(fc.constantFrom(0, 0.25, 0.5, 1, 1.5, 2, NaN), { minLength: 256, maxLength: 256 }),
      });
      fc.assert(
        fc.property(arb, ({ w, h, pts, d }) => {
          const cam: Camera = { intrinsics: { fx: 4, fy: 2, cx: 0.5, cy: -0.5, width: w, height: h }, pose: Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) };
          // x = u-offset / 4 at z = 1 lands exactly on quarter pixels, incl. the borders j + 0.5.
          const flat = pts.flatMap(([a, b, c]) => [a / 16, b / 8, c / 4]);
          const depth: DepthMap = { width: w, height: h, data: Float32Array.from(d.slice(0, w * h)) };
          for (const tolerance of [0, 0.25]) {
            const f32 = native.visibleSets(Float32Array.from(flat), [cam], [depth], { tolerance });
            expect(f32).toEqual(ref.visibleSets(Float64Array.from(flat), [cam], [depth], { tolerance }));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  function inDecisionBand(cam: Camera, depth: DepthMap, pts: Float32Array | Float64Array, i: number, tolerance: number): boolean {
    const bnd = projectionBounds(cam, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
    if (!Number.isFinite(bnd.zc)) return false;
    if (Math.abs(bnd.zc - 1e-6) <= bnd.dz || bnd.zc <= bnd.dz) return true;
    if (distToInteger(bnd.u + 0.5) <= bnd.du + FLOAT32_EPS * Math.abs(bnd.u) || distToInteger(bnd.v + 0.5) <= bnd.dv + FLOAT32_EPS * Math.abs(bnd.v)) return true;
    const j = Math.floor(bnd.u + 0.5), r = Math.floor(bnd.v + 0.5);
    if (j < 0 || r < 0 || j >= depth.width || r >= depth.height) return false;
    const d = depth.data[r * depth.width + j];
    return Math.abs(bnd.zc - (d + tolerance)) <= bnd.dz + 2 * FLOAT32_EPS * (Math.abs(d) + tolerance);
  }

  describe('sets: native == reference (exact)', () => {
    const setsArb = fc.integer({ min: 1, max: 3000 }).chain((u) => fc.array(indexSetArb(u), { minLength: 0, maxLength: 12 }));

    it('intersect and overlap', () => {
      fc.assert(
        fc.property(setsArb, (sets) => {
          for (let i = 0; i + 1 < sets.length; i++) {
            expect(native.intersect(sets[i], sets[i + 1])).toEqual(ref.intersect(sets[i], sets[i + 1]));
            expect(native.overlap(sets[i], sets[i + 1])).toBe(ref.overlap(sets[i], sets[i + 1]));
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('overlapMatrix (bitset or merge, whichever the density picks) and its async twin', async () => {
      await fc.assert(
        fc.asyncProperty(setsArb, async (sets) => {
          const expected = ref.overlapMatrix(sets);
          expect(native.overlapMatrix(sets)).toEqual(expected);
          expect(await native.overlapMatrixAsync(sets)).toEqual(expected);
        }),
        { seed: SEED, numRuns: 100 },
      );
    });
  });

  describe('correspondences, backprojectDepth: native == reference', () => {
    it('correspondences (Float64: exact)', () => {
      fc.assert(
        fc.property(sceneArb, cameraArb, ({ cam, specs, depth }, camB) => {
          const pts = pointsOf(cam, specs, 'f64');
          const n = pts.length / 3;
          const all = Uint32Array.from({ length: n }, (_, i) => i);
          const setA = ref.visibleSets(pts, [cam], [depth])[0];
          expect(native.correspondences(pts, cam, camB, setA, all)).toEqual(ref.correspondences(pts, cam, camB, setA, all));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('backprojectDepth (exact: both compute in double, one rounding to float32)', () => {
      fc.assert(
        fc.property(cameraArb.chain((cam) => fc.tuple(fc.constant(cam), depthMapArb(cam.intrinsics), fc.integer({ min: 1, max: 4 }))), ([cam, depth, stride]) => {
          expect(native.backprojectDepth(depth, cam, { stride })).toEqual(ref.backprojectDepth(depth, cam, { stride }));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });
});
