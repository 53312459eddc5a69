// voxelDownsample: native == reference (exact: both compute in double with the same order of
// operations), plus hand-computed cases and bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';

describe('voxelDownsample', () => {
  it('hand-computed: centroids, counts, majority labels with ties to the smaller label', () => {
    const pts = Float32Array.of(0.01, 0.01, 0.01, 0.03, 0.01, 0.01, 0.5, 0.5, 0.5, NaN, 0, 0, 0.05, 0.05, 0.05);
    const labels = Uint16Array.of(7, 3, 2, 9, 3);
    for (const g of [native, ref]) {
      const r = g.voxelDownsample(pts, 0.1, labels);
      expect(Array.from(r.counts)).toEqual([3, 1]);
      expect(r.points[0]).toBeCloseTo(0.03, 6);
      expect(Array.from(r.labels!)).toEqual([3, 2]);
    }
  });

  it('native == reference on random clouds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 0, max: 4 })), { maxLength: 300 }),
        fc.constantFrom(0.05, 0.3, 1),
        (rows, voxel) => {
          const pts = Float32Array.from(rows.flatMap((r) => r.slice(0, 3)));
          const labels = Uint16Array.from(rows.map((r) => r[3]));
          expect(native.voxelDownsample(pts, voxel, labels)).toEqual(ref.voxelDownsample(pts, voxel, labels));
          expect(native.voxelDownsample(pts, voxel)).toEqual(ref.voxelDownsample(pts, voxel));
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });

  it('rejects bad voxel sizes and labels', () => {
    for (const g of [native, ref]) {
      expect(() => g.voxelDownsample(new Float32Array(3), 0)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE' }));
      expect(() => g.voxelDownsample(new Float32Array(3), 1, new Uint16Array(2))).toThrow(/labels.length must equal the number of points 1/);
    }
  });
});
