// voxelCoverageSelect: hand-made cases on both backends, bad inputs, native == reference (exact,
// property-based), greedy against the brute-force optimum, and the async variant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';
import type { Points } from '../../lib/types.js';
import { smoothScene } from './scenes.js';
import { backends } from '../helpers/backends.js';

/** A point map of voxel centres on the unit grid: cells [[x, y, z], ...] -> xyz + 0.5. */
function cells(list: [number, number, number][], type: 'f32' | 'f64' = 'f32'): Points {
  const a = type === 'f32' ? new Float32Array(list.length * 3) : new Float64Array(list.length * 3);
  list.forEach((c, i) => a.set([c[0] + 0.5, c[1] + 0.5, c[2] + 0.5], 3 * i));
  return a;
}

describe.each(backends)('voxelCoverageSelect (%s)', (_name, api) => {
  it('returns frames in temporal order and the coverage curve in pick order', () => {
    const maps = [cells([[0, 0, 0], [1, 0, 0]]), cells([[1, 0, 0], [2, 0, 0], [3, 0, 0]]), cells([[0, 0, 0]])];
    const sel = api.voxelCoverageSelectDetailed(maps, 2, { voxelSize: 1 });
    expect(sel.order).toEqual([1, 0]);
    expect(sel.frames).toEqual([0, 1]);
    expect(sel.coverage).toEqual([3, 4]);
    expect(sel).toMatchObject({ greedyPicks: 2, voxelSize: 1, totalVoxels: 4, keptPoints: 6, candidates: [0, 1, 2] });
    expect(Number.isNaN(sel.confidenceThreshold)).toBe(true);
    expect(api.voxelCoverageSelect(maps, 2, { voxelSize: 1 })).toEqual([0, 1]);
  });

  it('breaks ties toward the earlier frame', () => {
    const maps = [cells([[5, 0, 0]]), cells([[0, 0, 0], [1, 0, 0]]), cells([[2, 0, 0], [3, 0, 0]])];
    const sel = api.voxelCoverageSelectDetailed(maps, 2, { voxelSize: 1 });
    expect(sel.order).toEqual([1, 2]); // frames 1 and 2 both add 2: frame 1 first
  });

  it('picks one copy of duplicate frames, then fills the remaining slots evenly in time', () => {
    const a = cells([[0, 0, 0], [1, 0, 0]]);
    const b = cells([[4, 0, 0]]);
    const sel = api.voxelCoverageSelectDetailed([a, a, b, a], 4, { voxelSize: 1 });
    // Greedy: frame 0 (gain 2, tied with 1 and 3), then frame 2 (gain 1). Fill: frames 1 and 3 are
    // both 1 away from a selected frame: the earlier, 1, goes first.
    expect(sel.order).toEqual([0, 2, 1, 3]);
    expect(sel.coverage).toEqual([2, 3, 3, 3]);
    expect(sel.greedyPicks).toBe(2);
  });

  it('never picks empty frames greedily and still returns min(k, M) frames', () => {
    const empty = new Float32Array(0);
    const nan = Float32Array.of(NaN, 0, 0, 1, Infinity, 0);
    const maps = [empty, cells([[0, 0, 0]]), nan, empty, empty];
    const sel = api.voxelCoverageSelectDetailed(maps, 3, { voxelSize: 1 });
    // Greedy: frame 1 (frame 2's points are all non-finite). Fill: distances to frame 1 are 1, 1, 2, 3
    // -> frame 4; then frames 0, 2, 3 are all 1 away -> frame 0.
    expect(sel.order).toEqual([1, 4, 0]);
    expect(sel.frames).toEqual([0, 1, 4]);
    expect(sel.keptPoints).toBe(1);
    // No point anywhere: the first candidate, then the farthest, then the middle.
    const none = api.voxelCoverageSelectDetailed([empty, nan, empty, empty, empty], 3);
    expect(none.order).toEqual([0, 4, 2]);
    expect(none).toMatchObject({ greedyPicks: 0, voxelSize: 0, totalVoxels: 0, coverage: [0, 0, 0] });
  });

  it('returns every frame when k exceeds them, and none for k = 0 or no frames', () => {
    const maps = [cells([[0, 0, 0]]), cells([[0, 0, 0]])];
    expect(api.voxelCoverageSelect(maps, 10)).toEqual([0, 1]);
    expect(api.voxelCoverageSelect(maps, 0)).toEqual([]);
    expect(api.voxelCoverageSelect([], 4)).toEqual([]);
  });

  it('considers only the linspace candidates', () => {
    const maps = Array.from({ length: 300 }, (_, f) => cells([[f, 0, 0]]));
    const sel = api.voxelCoverageSelectDetailed(maps, 3, { candidates: 7, voxelSize: 1 });
    expect(sel.candidates).toEqual([0, 49, 99, 149, 199, 249, 299]); // numpy.linspace(0, 299, 7, dtype=int)
    expect(sel.order).toEqual([0, 49, 99]); // all gains 1: earliest first
  });

  it('derives the voxel from the smallest box extent and keeps the top half of the confidences', () => {
    // Box: x in [0, 4], y in [0, 2], z in [0, 1] -> voxel 1/20 (float32).
    const maps = [Float32Array.of(0, 0, 0, 4, 2, 1), Float32Array.of(2, 1, 0.5)];
    const sel = api.voxelCoverageSelectDetailed(maps, 1);
    expect(sel.voxelSize).toBe(Math.fround(Math.fround(1) / 20));
    // Confidences {1, 3} and {2}: median 2 keeps conf >= 2: the point (4, 2, 1) and frame 1's point.
    const conf = [Float32Array.of(1, 3), Float32Array.of(2)];
    const c = api.voxelCoverageSelectDetailed(maps, 2, { confidences: conf });
    expect(c.confidenceThreshold).toBe(2);
    expect(c.keptPoints).toBe(2);
    // Kept box: x [2, 4], y [1, 2], z [0.5, 1] -> voxel 0.5 / 20.
    expect(c.voxelSize).toBe(Math.fround(0.5 / 20));
    // conf > 0.1 is required as well: a median of 0.05 keeps nothing.
    const low = api.voxelCoverageSelectDetailed(maps, 1, { confidences: [Float32Array.of(0.05, 0.05), Float32Array.of(0.05)] });
    expect(low.keptPoints).toBe(0);
  });

  it.each([
    ['pointMaps not an array', () => api.voxelCoverageSelect({} as never, 1), 'ERR_SPATIAL_TYPE', /Expected an Array of Float32Array or Float64Array for pointMaps but received an object/],
    ['mixed element types', () => api.voxelCoverageSelect([new Float32Array(3), new Float64Array(3)], 1), 'ERR_SPATIAL_TYPE', /pointMaps\[1\] is a Float64Array/],
    ['a length not a multiple of 3', () => api.voxelCoverageSelect([new Float32Array(4)], 1), 'ERR_SPATIAL_SHAPE', /pointMaps\[0\]\.length must be a multiple of 3 \(got 4\)/],
    ['k negative', () => api.voxelCoverageSelect([new Float32Array(3)], -1), 'ERR_SPATIAL_SHAPE', /k must be an integer in \[0, 4294967295\] \(got -1\)/],
    ['k not a number', () => api.voxelCoverageSelect([new Float32Array(3)], '2' as never), 'ERR_SPATIAL_TYPE', /Expected an integer for k/],
    ['voxelSize 0', () => api.voxelCoverageSelect([new Float32Array(3)], 1, { voxelSize: 0 }), 'ERR_SPATIAL_SHAPE', /opts\.voxelSize must be a finite number > 0 \(got 0\)/],
    ['candidates 0', () => api.voxelCoverageSelect([new Float32Array(3)], 1, { candidates: 0 }), 'ERR_SPATIAL_SHAPE', /opts\.candidates must be an integer in \[1, 4294967295\]/],
    ['confidences of the wrong count', () => api.voxelCoverageSelect([new Float32Array(3)], 1, { confidences: [] }), 'ERR_SPATIAL_SHAPE', /opts\.confidences\.length must equal pointMaps\.length \(1\), got 0/],
    ['confidences of the wrong length', () => api.voxelCoverageSelect([new Float32Array(3)], 1, { confidences: [new Float32Array(2)] }), 'ERR_SPATIAL_SHAPE', /opts\.confidences\[0\]\.length must equal the number of points of pointMaps\[0\] \(1\), got 2/],
    ['confidences of the wrong type', () => api.voxelCoverageSelect([new Float32Array(3)], 1, { confidences: [new Float64Array(1)] as never }), 'ERR_SPATIAL_TYPE', /Expected a Float32Array for opts\.confidences\[0\]/],
    ['a grid finer than 2^53 cells per axis', () => api.voxelCoverageSelect([Float64Array.of(0, 0, 0, 1, 1, 1)], 1, { voxelSize: 1e-300 }), 'ERR_SPATIAL_SHAPE', /the voxel grid is too fine \(more than 2\^53 voxels along x/],
  ])('rejects %s', (_case, call, code, message) => {
    expect(call).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

// ---- Property: native == reference, exactly (integer results, float32 arithmetic reproduced with Math.fround).

const SPECIAL = [NaN, Infinity, -Infinity];

/** Point maps on a coarse lattice (ties and shared voxels are common), with a few non-finite points. */
const pointMapsArb = fc
  .record({
    double: fc.boolean(),
    step: fc.constantFrom(0.1, 0.25, 1, 0.037, 3.3),
    frames: fc.array(
      fc.array(fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 40 }), fc.float({ min: 0, max: 2, noNaN: true })), { maxLength: 40, size: 'max' }),
      { maxLength: 14, size: 'max' },
    ),
  })
  .map(({ double, step, frames }) => {
    const maps = frames.map((pts) => {
      const a = double ? new Float64Array(pts.length * 3) : new Float32Array(pts.length * 3);
      pts.forEach(([x, y, z, special], i) => {
        a.set([x * step + 0.013, y * step, z * step * 0.5], 3 * i);
        if (special < 3) a[3 * i + (special % 3)] = SPECIAL[special];
      });
      return a;
    });
    const confidences = frames.map((pts) => Float32Array.from(pts, (p) => (p[3] === 40 ? NaN : p[4])));
    return { maps, confidences };
  });

describe('voxelCoverageSelect: native == reference', () => {
  it('agrees exactly on random point maps, options and k', () => {
    // Exact equality: every step is integer (voxel keys, counts, indices) or a float32/double value
    // computed by the same IEEE operations in the same order in both backends (no FMA: -ffp-contract=off).
    fc.assert(
      fc.property(
        pointMapsArb,
        fc.integer({ min: 0, max: 16 }),
        fc.option(fc.constantFrom(0.05, 0.3, 1, 2.5), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
        fc.boolean(),
        ({ maps, confidences }, k, voxelSize, candidates, useConf) => {
          const opts = { voxelSize, candidates, confidences: useConf ? confidences : undefined };
          const n = native.voxelCoverageSelectDetailed(maps, k, opts);
          const r = reference.voxelCoverageSelectDetailed(maps, k, opts);
          expect(n).toEqual(r);
          expect(n.frames.length).toBe(Math.min(k, Math.min(candidates ?? 128, maps.length)));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('agrees on larger smooth point maps with confidences (multi-threaded native path)', () => {
    const { maps, confidences } = smoothScene(24, 64, 48, 7);
    const opts = { confidences, candidates: 20 };
    const n = native.voxelCoverageSelectDetailed(maps, 8, opts);
    expect(n).toEqual(reference.voxelCoverageSelectDetailed(maps, 8, opts));
    expect(n.frames).toHaveLength(8);
    expect(n.greedyPicks).toBe(8);
    for (let i = 1; i < n.coverage.length; i++) expect(n.coverage[i]).toBeGreaterThan(n.coverage[i - 1]);
  });

  it('runs off the main thread with the same result', async () => {
    const { maps, confidences } = smoothScene(10, 32, 24, 3);
    const sync = native.voxelCoverageSelectDetailed(maps, 4, { confidences });
    await expect(native.voxelCoverageSelectAsync(maps, 4, { confidences })).resolves.toEqual(sync);
    await expect(reference.voxelCoverageSelectAsync(maps, 4, { confidences })).resolves.toEqual(sync);
  });
});

// ---- Greedy against the brute-force optimum, on voxel-centre point maps (voxel sets known exactly).

describe('voxelCoverageSelect: greedy bound', () => {
  it('covers at least (1 - 1/e) of the best k frames, and its curve counts the union of its picks', () => {
    const setsArb = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { maxLength: 12 }), { minLength: 1, maxLength: 9 });
    fc.assert(
      fc.property(setsArb, fc.integer({ min: 1, max: 9 }), (sets, k) => {
        // Voxel v = cell (v, 0, 0) with voxelSize 1: keys are v - min(v), one to one with v.
        const maps = sets.map((s) => cells(s.map((v) => [v, 0, 0] as [number, number, number])));
        for (const api of [native, reference]) {
          const sel = api.voxelCoverageSelectDetailed(maps, k, { voxelSize: 1 });
          const K = Math.min(k, sets.length);
          expect(sel.order).toHaveLength(K);
          const union = new Set<number>();
          sel.order.forEach((f, i) => {
            for (const v of sets[f]) union.add(v);
            expect(sel.coverage[i]).toBe(union.size);
          });
          let best = 0;
          for (let mask = 0; mask < 1 << sets.length; mask++) {
            if (popcount(mask) !== K) continue;
            const u = new Set<number>();
            sets.forEach((s, f) => { if (mask >> f & 1) for (const v of s) u.add(v); });
            best = Math.max(best, u.size);
          }
          expect(sel.coverage[K - 1]).toBeGreaterThanOrEqual((1 - 1 / Math.E) * best - 1e-9);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
