// Stored depth (uint16 samples + scale) straight to the kernels: the native conversion equals its
// pure-TS reference twin (and readDepthPng's metres) bit for bit, and visibility on stored depth
// equals visibility on the converted metric maps, for random maps, scales and cameras.
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depthFromStored, readDepthPng, readDepthPngStored, visibleSetsAsync, visibleSetsStoredAsync, writeDepthPng } from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import type { StoredDepthMap } from '../../lib/types.js';
import { IDENTITY, camera, intrinsics, lookAt } from '../helpers/cameras.js';
import { tempDirs } from '../helpers/tmp.js';
import { cameraArb } from './arbitraries.js';

const tmp = tempDirs('depth-stored-');
const scaleArb = fc.oneof(fc.constantFrom(1000, 5000, 1, 4096), fc.double({ min: 1e-3, max: 1e5, noNaN: true }));
const storedArb = (width: number, height: number) =>
  fc.tuple(fc.uint16Array({ minLength: width * height, maxLength: width * height }), scaleArb).map(([data, scale]): StoredDepthMap => ({ width, height, data, scale }));

describe('depthFromStored', () => {
  it('equals the reference twin bit for bit (random samples and scales)', () => {
    const mapArb = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 })).chain(([w, h]) => storedArb(w, h));
    fc.assert(
      fc.property(mapArb, (d) => {
        const a = depthFromStored(d), b = ref.depthFromStored(d);
        expect(a.width).toBe(d.width);
        expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
      }),
      { numRuns: 200, seed: 20261202 },
    );
  });

  it('every uint16 value at ScanNet and TUM scales: stored / scale rounded to float32, 0 stays 0', () => {
    const data = Uint16Array.from({ length: 65536 }, (_, k) => k);
    for (const scale of [1000, 5000]) {
      const out = depthFromStored({ width: 65536, height: 1, data, scale }).data;
      const want = Float32Array.from(data, (k) => k / scale);
      expect(Buffer.from(out.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      expect(out[0]).toBe(0);
    }
  });

  it('rejects malformed maps and scales with coded errors naming the field', () => {
    const data = new Uint16Array(4);
    for (const f of [depthFromStored, ref.depthFromStored]) {
      expect(() => f({ width: 2, height: 2, data: new Float32Array(4) as unknown as Uint16Array, scale: 1000 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: expect.stringMatching(/depth\.data/) }));
      expect(() => f({ width: 3, height: 2, data, scale: 1000 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/width\*height = 6/) }));
      for (const scale of [0, -1, NaN, Infinity]) expect(() => f({ width: 2, height: 2, data, scale })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/depth\.scale/) }));
      expect(() => f({ width: 2, height: 2, data, scale: '1000' as unknown as number })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
    }
  });
});

describe('readDepthPngStored', () => {
  it('gives the stored samples; depthFromStored of them is readDepthPng', async () => {
    const dir = tmp();
    const w = 37, h = 23;
    const metres = Float32Array.from({ length: w * h }, (_, i) => (i % 7 === 0 ? 0 : ((i * 7919) % 60000) / 1000));
    const file = join(dir, 'd.png');
    await writeDepthPng(file, { width: w, height: h, data: metres }, { scale: 1000 });
    const stored = await readDepthPngStored(file, { scale: 1000 });
    expect(stored).toMatchObject({ width: w, height: h, scale: 1000 });
    expect(Array.from(stored.data)).toEqual(Array.from(metres, (m) => Math.round(m * 1000)));
    const viaFloat = await readDepthPng(file, { scale: 1000 });
    expect(Array.from(depthFromStored(stored).data)).toEqual(Array.from(viaFloat.data));
    expect(Array.from(viaFloat.data)).toEqual(Array.from(ref.depthFromStored(stored).data));
  });
});

describe('visibleSetsStoredAsync', () => {
  it('equals visibleSetsAsync on the converted maps (random cameras, points, depth)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cameraArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 300 }),
        scaleArb.filter((s) => s >= 1 && s <= 20000),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (cams, coords, scale, seed) => {
          const points = Float32Array.from(coords.slice(0, coords.length - (coords.length % 3)));
          let s = seed;
          const depths = cams.map((c) => {
            const n = c.intrinsics.width * c.intrinsics.height;
            const data = new Uint16Array(n);
            for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s % 11 === 0 ? 0 : Math.min(65535, Math.round((0.2 + (s % 1000) / 200) * scale)); }
            return { width: c.intrinsics.width, height: c.intrinsics.height, data, scale };
          });
          // The same sets, or the same coded rejection: cameraArb's float rounding can put a pose
          // just past the rigidity tolerance, which both paths must refuse alike.
          const outcome = async (run: () => Promise<Uint32Array[]>) => {
            try {
              return { sets: (await run()).map((x) => Array.from(x)) };
            } catch (e) {
              return { code: (e as { code?: string }).code };
            }
          };
          const got = await outcome(() => visibleSetsStoredAsync(points, cams, depths, { tolerance: 0.05 }));
          const want = await outcome(() => visibleSetsAsync(points, cams, depths.map(depthFromStored), { tolerance: 0.05 }));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('equals the reference twin on a room seen by a ring of cameras', async () => {
    const k = intrinsics(60, 60, 31.5, 23.5, 64, 48);
    const cams = [0, 1, 2, 3].map((f) => camera(k, lookAt([2 * Math.cos(f), 2 * Math.sin(f), 1.2], [0, 0, 1])));
    const points = Float32Array.from({ length: 3 * 2000 }, (_, i) => Math.sin(i * 12.9898) * 1.5);
    const depths = cams.map((c, f) => ({ width: 64, height: 48, scale: 1000, data: Uint16Array.from({ length: 64 * 48 }, (_, i) => (i % 13 === f ? 0 : 1500 + ((i * 37) % 2000))) }));
    const got = await visibleSetsStoredAsync(points, cams, depths);
    const twin = await ref.visibleSetsStoredAsync(points, cams, depths);
    expect(got.map((x) => Array.from(x))).toEqual(twin.map((x) => Array.from(x)));
    expect(got.some((x) => x.length > 0)).toBe(true);
  });

  it('rejects maps of different scales, wrong sizes and non-Uint16 data with coded errors', async () => {
    const k = intrinsics(10, 10, 1.5, 1.5, 4, 4);
    const cam = camera(k, IDENTITY);
    const d = (scale: number, n = 16): StoredDepthMap => ({ width: 4, height: n / 4, data: new Uint16Array(n).fill(1500), scale });
    const pts = Float32Array.of(0, 0, 1);
    await expect(visibleSetsStoredAsync(pts, [cam, cam], [d(1000), d(5000)])).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/depths\[1\]\.scale \(5000\) differs/) });
    await expect(visibleSetsStoredAsync(pts, [cam], [d(1000, 8)])).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/depths\[0\] is 4x2 but cameras\[0\] expects 4x4/) });
    await expect(visibleSetsStoredAsync(pts, [cam], [{ ...d(1000), data: new Float32Array(16) as unknown as Uint16Array }])).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE' });
    await expect(visibleSetsStoredAsync(pts, [cam], [])).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE' });
    expect((await visibleSetsStoredAsync(pts, [cam], [d(1000)])).map((x) => Array.from(x))).toEqual([[0]]);
  });
});
