// The camera-ray ops (rayGrid, rayEmbedding): hand-computed values and bad inputs on both backends,
// and native == reference on random intrinsics at every SIMD level this CPU offers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import { backends } from '../helpers/backends.js';
import { intrinsics } from '../helpers/cameras.js';
import { expectCode } from '../helpers/errors.js';
import { atSimdLevel, simdLevels } from '../helpers/simd.js';
import { cameraArb } from '../geometry/arbitraries.js';

const SEED = 20261122;

describe.each(backends)('%s rays: hand-computed', (_name, g) => {
  it('rayGrid: patch centres in the pixel-centre convention', () => {
    const k = intrinsics(100, 50, 13.5, 6.5, 28, 14);
    expect(Array.from(g.rayGrid(k, { patchSize: 14 }))).toEqual([(6.5 - 13.5) / 100, 0, (20.5 - 13.5) / 100, 0].map(Math.fround));
    // rows x cols grid: step W/cols = 7, centre of column 0 at 3; step H/rows = 14, centre of row 0 at 6.5
    const grid = g.rayGrid(k, { rows: 1, cols: 4 });
    expect(grid[0]).toBeCloseTo((3 - 13.5) / 100, 7);
    expect(grid[1]).toBeCloseTo(0, 7);
    expect(grid.length).toBe(8);
  });

  it('rayEmbedding: layout [patch][component][octave][sin, cos]', () => {
    const k = intrinsics(100, 50, 13.5, 6.5, 28, 14);
    const F = 3;
    const e = g.rayEmbedding(k, { patchSize: 14, frequencies: F, includeFocal: true });
    expect(e.length).toBe(2 * 4 * 2 * F);
    const x = -0.07;
    expect(e[0]).toBeCloseTo(Math.sin(Math.PI * x), 6);
    expect(e[1]).toBeCloseTo(Math.cos(Math.PI * x), 6);
    expect(e[4]).toBeCloseTo(Math.sin(4 * Math.PI * x), 6);
    expect(e[2 * F]).toBeCloseTo(0, 6); // ray y of patch 0 is 0: sin 0
    expect(e[2 * F + 1]).toBeCloseTo(1, 6);
    expect(e[4 * F]).toBeCloseTo(Math.sin((Math.PI * 100) / 28), 6); // fx / W
    expect(e[6 * F + 2]).toBeCloseTo(Math.sin((2 * Math.PI * 50) / 14), 6); // fy / H, octave 1
    const noFocal = g.rayEmbedding(k, { patchSize: 14, frequencies: F });
    expect(noFocal.length).toBe(2 * 2 * 2 * F);
    expect(noFocal[0]).toBe(e[0]);
  });
});

describe.each(backends)('%s rays: bad input', (_name, g) => {
  const k = intrinsics(100, 100, 31.5, 23.5, 64, 48);

  it('rayGrid and rayEmbedding: grids, frequencies, out buffers, options', () => {
    expectCode(() => g.rayGrid(k, { patchSize: 49 }), 'ERR_SPATIAL_SHAPE', /grid.patchSize must be an integer in \[1, 48\]/);
    expectCode(() => g.rayGrid(k, { rows: 0, cols: 3 }), 'ERR_SPATIAL_SHAPE', /grid.rows/);
    expectCode(() => g.rayGrid(k, 14 as unknown as { patchSize: number }), 'ERR_SPATIAL_TYPE', /Expected \{ patchSize \} or \{ rows, cols \} for grid/);
    expectCode(() => g.rayEmbedding(k, { patchSize: 8, frequencies: 0 }), 'ERR_SPATIAL_SHAPE', /opts.frequencies must be an integer in \[1, 32\]/);
    expectCode(() => g.rayEmbedding(k, { patchSize: 8, frequencies: 2, out: new Float32Array(3) }), 'ERR_SPATIAL_SHAPE', /opts.out.length must be 384/);
    expectCode(() => g.rayEmbedding(k, undefined as unknown as { patchSize: number; frequencies: number }), 'ERR_SPATIAL_TYPE', /Expected an options object for opts/);
  });
});

describe.each(simdLevels)('SIMD level %s: rays native == reference', (simd) => {
  atSimdLevel(simd);

  it('rayGrid (exact) and rayEmbedding (sin/cos of glibc vs V8 may differ by 1 double ulp: 2.5e-7 absolute after float32 rounding)', () => {
    const arb = fc.record({
      k: cameraArb.map((c) => c.intrinsics),
      frequencies: fc.integer({ min: 1, max: 10 }),
      includeFocal: fc.boolean(),
      patch: fc.integer({ min: 1, max: 16 }),
      rows: fc.integer({ min: 1, max: 48 }),
      cols: fc.integer({ min: 1, max: 48 }),
    });
    fc.assert(
      fc.property(arb, ({ k, frequencies, includeFocal, patch, rows, cols }) => {
        const patchSize = Math.min(patch, k.width, k.height);
        expect(native.rayGrid(k, { patchSize })).toEqual(ref.rayGrid(k, { patchSize }));
        const grid = { rows: Math.min(rows, k.height), cols: Math.min(cols, k.width) };
        expect(native.rayGrid(k, grid)).toEqual(ref.rayGrid(k, grid));
        const a = native.rayEmbedding(k, { patchSize, frequencies, includeFocal });
        const b = ref.rayEmbedding(k, { patchSize, frequencies, includeFocal });
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(2.5e-7);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
