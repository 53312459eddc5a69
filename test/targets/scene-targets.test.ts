// VGGT scene normalisation, per-patch depth targets, GeoVR's metric scale factor and the depth
// scale/shift fit: hand-computed values, round trips, edge cases and bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignDepthScaleShift, denormalizeScene, depthPatchTargets, metricScaleFactor, normalizeScene,
} from '../../lib/index.js';
import type { DepthMap } from '../../lib/types.js';
import { IDENTITY, poseFromAxisAngle } from '../helpers/cameras.js';

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
}

describe('normalizeScene', () => {
  it('divides by the mean distance of the valid points to the first camera', () => {
    // First camera at (1, 0, 0), axes = world axes. Points (4, 4, 0) and (1, 0, 2): distances 5 and 2.
    const first = poseFromAxisAngle([0, 0, 1], 0, [1, 0, 0]);
    const second = poseFromAxisAngle([0, 0, 1], 0, [1, 0, 7]);
    const points = [Float32Array.of(4, 4, 0, NaN, 0, 0), Float64Array.of(1, 0, 2)];
    const depth: DepthMap = { width: 2, height: 1, data: Float32Array.of(7, 0) };
    const n = normalizeScene({ poses: [first, second], points, depths: [depth] });
    expect(n.scale).toBe(3.5);
    expect(Array.from(n.worldFromFirst)).toEqual(Array.from(first));
    expect(Array.from(n.poses[0])).toEqual(Array.from(IDENTITY));
    expectClose(n.poses[1], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1], 1e-15);
    expect(n.points[0]).toBeInstanceOf(Float32Array);
    expect(n.points[1]).toBeInstanceOf(Float64Array);
    expectClose(n.points[0].subarray(0, 3), [3 / 3.5, 4 / 3.5, 0], 1e-7);
    expect(Number.isNaN(n.points[0][3])).toBe(true);
    expectClose(n.points[1], [0, 0, 2 / 3.5], 1e-15);
    expect(Array.from(n.depths![0].data)).toEqual([Math.fround(7 / 3.5), 0]);
  });

  it('honours masks and clamps the scale to [1e-3, 1e3]', () => {
    const pts = Float64Array.of(0, 0, 1e-5, 0, 0, 5e4);
    expect(normalizeScene({ poses: [IDENTITY], points: [pts], masks: [Uint8Array.of(1, 0)] }).scale).toBe(1e-3);
    expect(normalizeScene({ poses: [IDENTITY], points: [pts], masks: [Uint8Array.of(0, 1)] }).scale).toBe(1e3);
    expect(normalizeScene({ poses: [IDENTITY], points: [pts] }).scale).toBe(1e3);
  });

  it('round-trips through denormalizeScene', () => {
    // Tolerance 1e-9 m on O(10) m coordinates: one rigid transform, a division and their inverses.
    const arb = fc.record({
      axis: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(0.5)),
      angle: fc.double({ min: -3, max: 3, noNaN: true }),
      t: fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })),
      pts: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 60 }).map((a) => Float64Array.from(a.slice(0, a.length - (a.length % 3)))),
    });
    fc.assert(
      fc.property(arb, ({ axis, angle, t, pts }) => {
        const poses = [poseFromAxisAngle(axis, angle, t), poseFromAxisAngle([0, 1, 0], angle / 2, [t[1], t[2], t[0]])];
        const n = normalizeScene({ poses, points: [pts] });
        const back = denormalizeScene({ poses: n.poses, points: n.points }, n.scale, n.worldFromFirst);
        expectClose(back.points![0], pts, 1e-9);
        expectClose(back.poses![0], poses[0], 1e-9);
        expectClose(back.poses![1], poses[1], 1e-9);
        // Without worldFromFirst: metres in the first camera's frame.
        const local = denormalizeScene({ points: n.points }, n.scale);
        expect(local.poses).toBeUndefined();
        let mean = 0;
        for (let i = 0; i < pts.length; i += 3) mean += Math.hypot(local.points![0][i], local.points![0][i + 1], local.points![0][i + 2]);
        const clamped = Math.min(1e3, Math.max(1e-3, mean / (pts.length / 3)));
        expect(Math.abs(clamped - n.scale)).toBeLessThan(1e-9 * Math.max(1, n.scale));
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('rejects scenes without a valid point and bad inputs', () => {
    expect(() => normalizeScene({ poses: [IDENTITY], points: [Float32Array.of(NaN, 0, 0)] })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/no valid point/) }));
    expect(() => normalizeScene({ poses: [], points: [] })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'scene.poses must hold at least 1 pose (got 0)' }));
    expect(() => normalizeScene({ poses: [IDENTITY], points: [new Float32Array(3)], masks: [new Uint8Array(2)] })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/scene\.masks\[0\]\.length must equal/) }));
    expect(() => normalizeScene({ poses: [IDENTITY], points: new Float32Array(3) as never })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
    expect(() => denormalizeScene({}, 0)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'scale must be a finite number > 0 (got 0)' }));
  });
});

describe('depthPatchTargets', () => {
  it('takes the median of the valid pixels of each patch', () => {
    // 5 x 4 depth, patch 2: 2 x 2 patches (the last column is cropped).
    const d = Float32Array.of(
      1, 2, 5, 0, 9,
      3, 4, NaN, 0, 9,
      0, 0, 7, 8, 9,
      0, 6, 7, Infinity, 9,
    );
    const t = depthPatchTargets({ width: 5, height: 4, data: d }, 2);
    expect(t).toMatchObject({ rows: 2, cols: 2 });
    expect(Array.from(t.counts)).toEqual([4, 1, 1, 3]);
    expect(Array.from(t.valid)).toEqual([1, 1, 1, 1]);
    expect(Array.from(t.median)).toEqual([2.5, 5, 6, 7]); // (2 + 3) / 2, 5, 6, median of {7, 8, 7}
    const empty = depthPatchTargets({ width: 2, height: 2, data: new Float32Array(4) }, 2);
    expect(Array.from(empty.valid)).toEqual([0]);
    expect(Array.from(empty.median)).toEqual([0]);
  });

  it('rejects a patch larger than the image', () => {
    expect(() => depthPatchTargets({ width: 4, height: 3, data: new Float32Array(12) }, 4)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'patchSize must be an integer in [1, 3] (got 4)' }));
    expect(() => depthPatchTargets({ width: 4, height: 3, data: new Float32Array(11) }, 1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE' }));
  });
});

describe('metricScaleFactor', () => {
  it('is the least-squares s with metric = s * relative over the valid pixels', () => {
    // s = (1*1 + 2*1) / (1 + 1) = 1.5 ; pixel 2 fails metric > 0.01, pixel 3 relative > 0.001, pixel 4 is NaN.
    const m = Float32Array.of(1, 2, 0.005, 3, NaN);
    const d = Float32Array.of(1, 1, 1, 0.0005, 1);
    expect(metricScaleFactor(m, d)).toEqual({ scale: 1.5, count: 2, confidenceThreshold: NaN });
    // A mask removes pixel 1: s = 1.
    expect(metricScaleFactor(m, d, { mask: Uint8Array.of(1, 0, 1, 1, 1) }).scale).toBe(1);
    expect(metricScaleFactor(m, d, { minMetric: 0.001 }).count).toBe(3);
  });

  it('keeps pixels with confidence >= the median confidence inside the mask', () => {
    const rel = Float32Array.of(1, 1, 1, 1, 1);
    const metric = Float32Array.of(2, 2, 2, 100, 2); // pixel 3 is an outlier with low confidence
    const conf = Float32Array.of(5, 6, 7, 1, 100);
    const mask = Uint8Array.of(1, 1, 1, 1, 0); // median over {5, 6, 7, 1} = 5.5: keeps pixels 1 and 2
    expect(metricScaleFactor(metric, rel, { confidence: conf, mask })).toEqual({ scale: 2, count: 2, confidenceThreshold: 5.5 });
    // With no valid pixel the formula gives 0.
    expect(metricScaleFactor(Float32Array.of(0), Float32Array.of(1)).scale).toBe(0);
  });

  it('rejects mismatched inputs', () => {
    expect(() => metricScaleFactor(new Float32Array(2), new Float32Array(3))).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'relative.length must equal metric.length (2), got 3' }));
    expect(() => metricScaleFactor(new Float32Array(2), new Float32Array(2), { confidence: new Float64Array(2) as never })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
    expect(() => metricScaleFactor(new Float32Array(2), new Float32Array(2), { minMetric: NaN })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE' }));
  });
});

describe('alignDepthScaleShift', () => {
  it('fits gt = scale * pred + shift over valid depths', () => {
    const pred = Float32Array.of(1, 2, 3, 4, NaN, 5);
    const gt = Float32Array.of(2.5, 4.5, 6.5, 0, 3, 10.5); // 2 * pred + 0.5, pixel 3 has no depth
    const r = alignDepthScaleShift(pred, gt);
    expect(r.count).toBe(4);
    expect(r.scale).toBeCloseTo(2, 12);
    expect(r.shift).toBeCloseTo(0.5, 12);
    expect(alignDepthScaleShift(pred, gt, Uint8Array.of(1, 1, 0, 0, 0, 0)).count).toBe(2);
  });

  it('handles a constant prediction and no valid pixel', () => {
    expect(alignDepthScaleShift(Float32Array.of(3, 3), Float32Array.of(1, 2))).toEqual({ scale: 0, shift: 1.5, count: 2 });
    expect(alignDepthScaleShift(Float32Array.of(3), Float32Array.of(0))).toEqual({ scale: 0, shift: 0, count: 0 });
    expect(() => alignDepthScaleShift(Float32Array.of(3), Float32Array.of(1), new Uint8Array(2))).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'mask.length must be 1 (got 2)' }));
  });
});
