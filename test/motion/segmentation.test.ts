// Rigid-body segmentation: native == reference (fast-check, seeded, shrinking), hand-made cases,
// recovery of random rigid bodies, and bad input.
// Tolerances: the distance-change matrix is summed in the same order on both backends from the same
// doubles, so it must be bit-identical (Object.is). The native clustering updates averages with
// Lance-Williams while the reference recomputes them from the original distances; the two differ in
// the last bits, so partitions are compared on continuous random distances, where no merge height
// lies within rounding of the cut (checked: the reference's heights are reported on failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';

const SEED = 20261123;

/** Frame-major T x N x 3 tracks of rigid bodies: body b's points move by a random rotation about z
 * and translation per frame; a common "camera" rotation is applied on top. Returns tracks and the
 * body of each track. */
function rigidBodies(rng: () => number, bodies: number[], frames: number, f32: boolean): { tracks: Float32Array | Float64Array; body: number[] } {
  const n = bodies.reduce((a, b) => a + b, 0);
  const tracks = f32 ? new Float32Array(3 * frames * n) : new Float64Array(3 * frames * n);
  const body: number[] = [];
  const local: number[][] = [];
  bodies.forEach((count, b) => {
    for (let k = 0; k < count; k++) {
      body.push(b);
      local.push([rng() * 0.6, rng() * 0.6, rng() * 0.6]);
    }
  });
  // Per body: a random spin and drift, plus a speed along x that differs by 0.15 m/frame between
  // bodies 3 m apart along x, so every cross-body distance changes by about 0.15 m per frame (well
  // over the smoothing) and accumulates past the cut within two frames.
  const motion = bodies.map((_, b) => ({ v: [0.15 * b + rng() * 0.02, rng() * 0.04 - 0.02, rng() * 0.02], w: rng() * 0.6 - 0.3, origin: [3 * b, 0, 0] }));
  for (let t = 0; t < frames; t++) {
    const g = 0.05 * t, cg = Math.cos(g), sg = Math.sin(g);
    for (let i = 0; i < n; i++) {
      const m = motion[body[i]];
      const a = m.w * t, ca = Math.cos(a), sa = Math.sin(a);
      const [x, y, z] = local[i];
      const p = [m.origin[0] + ca * x - sa * y + m.v[0] * t, m.origin[1] + sa * x + ca * y + m.v[1] * t, m.origin[2] + z + m.v[2] * t];
      const o = 3 * (t * n + i);
      tracks[o] = cg * p[0] - sg * p[1];
      tracks[o + 1] = sg * p[0] + cg * p[1];
      tracks[o + 2] = p[2] + 2;
    }
  }
  return { tracks, body };
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same partition, whatever the numbering. */
function partitionOf(labels: ArrayLike<number>): string {
  const first = new Map<number, number>();
  return Array.from(labels, (l, i) => {
    if (!first.has(l)) first.set(l, i);
    return first.get(l);
  }).join(',');
}

describe('trackDistanceChange', () => {
  it('native is bit-identical to the reference (float32 and float64, NaN tracks included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.integer(), fc.constantFrom(0, 0.01, 0.3),
        (n, frames, f32, seed, smoothing) => {
          const rng = mulberry(seed);
          const tracks = f32 ? new Float32Array(3 * n * frames) : new Float64Array(3 * n * frames);
          for (let k = 0; k < tracks.length; k++) tracks[k] = rng() < 0.02 ? NaN : (rng() - 0.5) * 4;
          const a = native.trackDistanceChange(tracks, frames, { smoothing });
          const b = ref.trackDistanceChange(tracks, frames, { smoothing });
          expect(a.length).toBe(n < 2 ? 0 : (n * (n - 1)) / 2);
          for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) expect([k, a[k]]).toEqual([k, b[k]]);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('is 0 within a rigid body and counts only changes above the smoothing', () => {
    // Two tracks 1 m apart, then 1.005 m (ignored: <= 0.01), then 1.2 m (counted: 0.195).
    const tracks = Float64Array.of(0, 0, 1, 1, 0, 1, /* t1 */ 0, 0, 1, 1.005, 0, 1, /* t2 */ 0, 0, 1, 1.2, 0, 1);
    const d = native.trackDistanceChange(tracks, 3);
    expect(d[0]).toBeCloseTo(0.195, 15);
    expect(native.trackDistanceChange(tracks, 3, { smoothing: 0.2 })[0]).toBe(0);
    expect(native.trackDistanceChange(tracks, 1)[0]).toBe(0); // one frame: nothing changes
  });
});

describe('averageLinkageCut', () => {
  it('hand cases: average (not single) linkage, merges at exactly the cut, numbering by smallest item', () => {
    for (const impl of [native, ref]) {
      expect(Array.from(impl.averageLinkageCut(Float64Array.of(0.08, 0.15, 0.08), 3, 0.1))).toEqual([0, 0, 1]);
      expect(Array.from(impl.averageLinkageCut(Float64Array.of(0.1), 2, 0.1))).toEqual([0, 0]);
      expect(Array.from(impl.averageLinkageCut(Float64Array.of(0.1000000000000001), 2, 0.1))).toEqual([0, 1]);
      expect(Array.from(impl.averageLinkageCut(Float64Array.of(1, 0.05, 1, 1, 0.02, 1), 4, 0.1))).toEqual([0, 1, 0, 1]);
      expect(Array.from(impl.averageLinkageCut(new Float64Array(0), 1, 0.1))).toEqual([0]);
    }
  });

  it('native partitions equal the naive reference on random distances', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 28 }), fc.integer(), fc.double({ min: 0.03, max: 0.4, noNaN: true }), (n, seed, scale) => {
        const rng = mulberry(seed);
        const d = new Float64Array((n * (n - 1)) / 2).map(() => 2 * scale * rng() * rng());
        const copy = d.slice();
        const a = native.averageLinkageCut(d, n, 0.1);
        expect(d).toEqual(copy); // input left as it was
        expect(partitionOf(a)).toBe(partitionOf(ref.averageLinkageCut(d, n, 0.1)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('is O(n^2): 4000 items in one call', () => {
    const n = 4000;
    const rng = mulberry(5);
    // 40 tight clusters of 100 plus far-apart clusters: exactly 40 clusters at the cut.
    const d = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[k++] = i % 40 === j % 40 ? 0.05 * rng() : 0.5 + rng();
    const labels = native.averageLinkageCut(d, n, 0.1);
    expect(new Set(labels).size).toBe(40);
    for (let i = 0; i < n; i++) expect(labels[i]).toBe(i % 40);
  });
});

describe('rigidSegmentation', () => {
  it('recovers random rigid bodies exactly, on both backends, sync and async', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 6, max: 25 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 4, max: 12 }), fc.boolean(), fc.integer(),
        async (bodies, frames, f32, seed) => {
          const { tracks, body } = rigidBodies(mulberry(seed), bodies, frames, f32);
          const seg = native.rigidSegmentation(tracks, frames);
          expect(partitionOf(seg.labels)).toBe(partitionOf(body));
          expect(seg.groups.length).toBe(bodies.length);
          expect(seg.sizes).toEqual(bodies.slice().sort((a, b) => b - a));
          const r = ref.rigidSegmentation(tracks, frames);
          expect(partitionOf(r.labels)).toBe(partitionOf(seg.labels));
          const asyncSeg = await native.rigidSegmentationAsync(tracks, frames);
          expect(asyncSeg.labels).toEqual(seg.labels);
          expect(asyncSeg.groups).toEqual(seg.groups);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('drops clusters of 5 tracks or fewer (label -1) and orders groups largest first', () => {
    const { tracks } = rigidBodies(mulberry(3), [5, 9, 7], 8, false);
    const seg = native.rigidSegmentation(tracks, 8);
    expect(seg.clusters).toBe(3);
    expect(seg.sizes).toEqual([9, 7]);
    expect(Array.from(seg.labels.subarray(0, 5))).toEqual([-1, -1, -1, -1, -1]);
    expect(Array.from(seg.groups[0])).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(native.rigidSegmentation(tracks, 8, { minGroupSize: 1 }).groups.length).toBe(3);
  });

  it('segments 2,000 tracks over 60 frames', async () => {
    const { tracks, body } = rigidBodies(mulberry(9), [800, 600, 400, 200], 60, true);
    const seg = await native.rigidSegmentationAsync(tracks, 60);
    expect(partitionOf(seg.labels)).toBe(partitionOf(body));
  });

  it('rejects bad input with a code and a message naming the argument', () => {
    for (const impl of [native, ref]) {
      expect(() => impl.rigidSegmentation(new Float32Array(10), 1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/tracks.length must be a multiple of 3/) }));
      expect(() => impl.rigidSegmentation(new Float32Array(9), 2)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/3 \* frames \* N/) }));
      expect(() => impl.rigidSegmentation(new Float32Array(9), 0)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/frames must be an integer/) }));
      expect(() => impl.rigidSegmentation([1, 2, 3] as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
      expect(() => impl.rigidSegmentation(new Float32Array(9), 1, { cut: -1 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts.cut/) }));
      expect(() => impl.rigidSegmentation(new Float32Array(9), 1, { smoothing: 'x' as never })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: expect.stringMatching(/opts.smoothing/) }));
      expect(() => impl.rigidSegmentation(new Float32Array(3 * 40000), 1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/at most 32768/) }));
      expect(() => impl.averageLinkageCut(Float64Array.of(0.1, NaN, 0.2), 3, 0.1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/not NaN/) }));
      expect(() => impl.averageLinkageCut(Float64Array.of(0.1, 0.2), 3, 0.1)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/n\(n-1\)\/2 = 3/) }));
    }
  });
});
