// Hand-computed values for each op, the back-projection round trip, and the async variants; every
// case runs on both backends (native and the pure-TS reference).
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import { IDENTITY, camera, constantDepth, intrinsics, lookAt, poseFromAxisAngle } from '../helpers/cameras.js';
import { backends } from '../helpers/backends.js';

describe.each(backends)('%s backend', (_name, g) => {
  it('projectPoints: a rotated, translated camera maps a known point to a known pixel', () => {
    // Camera at (1, 0, 0) rotated 90 degrees about z: camera x axis = world y, camera y = -world x.
    const pose = Float64Array.of(0, -1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    const k = intrinsics(500, 400, 319.5, 239.5, 640, 480);
    // Xw = (1, 0.2, 2) -> Xc = R^T (Xw - t) = R^T (0, 0.2, 2) = (0.2, 0, 2)
    const { uv, depth } = g.projectPoints(Float64Array.of(1, 0.2, 2), camera(k, pose));
    expect(uv[0]).toBeCloseTo(500 * 0.1 + 319.5, 4);
    expect(uv[1]).toBeCloseTo(239.5, 4);
    expect(depth[0]).toBeCloseTo(2, 6);
  });

  it('projectPoints: frame-major layout over several cameras; behind the camera gives NaN uv and depth <= 0', () => {
    const k = intrinsics(100, 100, 50, 40, 101, 81);
    const cams = [camera(k, IDENTITY), camera(k, poseFromAxisAngle([0, 1, 0], Math.PI, [0, 0, 0]))];
    const pts = Float32Array.of(0.1, 0, 1, 0, 0, -2); // in front of cam 0, behind it
    const { uv, depth } = g.projectPoints(pts, cams);
    expect(Array.from(depth)).toEqual([1, -2, -1, 2]);
    expect(uv[0]).toBeCloseTo(60, 5); // f0, p0
    expect(Number.isNaN(uv[2]) && Number.isNaN(uv[3])).toBe(true); // f0, p1 behind
    expect(Number.isNaN(uv[4]) && Number.isNaN(uv[5])).toBe(true); // f1, p0 behind the turned camera
    expect(uv[6]).toBeCloseTo(50, 5); // f1, p1 straight ahead of the turned camera
    // A point exactly on the camera plane (z = 0) is behind: NaN.
    const onPlane = g.projectPoints(Float32Array.of(1, 1, 0), cams[0]);
    expect(Number.isNaN(onPlane.uv[0])).toBe(true);
    expect(onPlane.depth[0]).toBe(0);
  });

  it('projectPoints writes into caller-owned out buffers', () => {
    const k = intrinsics(1, 1, 0, 0, 4, 4);
    const out = { uv: new Float32Array(2), depth: new Float32Array(1) };
    const r = g.projectPoints(Float32Array.of(1, 2, 1), camera(k), out);
    expect(r.uv).toBe(out.uv);
    expect(Array.from(out.uv)).toEqual([1, 2]);
  });

  it('visibleSets: surface, tolerance, occlusion, invalid depth, borders and edges', () => {
    const k = intrinsics(10, 10, 1.5, 1.5, 4, 4); // image spans [-0.5, 3.5)
    const depth = constantDepth(k, 2);
    depth.data[0] = 0; // pixel (0,0) invalid
    depth.data[1] = NaN; // pixel (1,0) invalid
    const at = (u: number, v: number, z: number) => [((u - 1.5) / 10) * z, ((v - 1.5) / 10) * z, z];
    const pts = Float64Array.from([
      ...at(2, 2, 2), //        0: on the surface: visible
      ...at(2, 2, 2.05), //     1: behind by exactly the tolerance: visible (z <= d + tol)
      ...at(2, 2, 2.3), //      2: occluded
      ...at(0, 0, 1), //        3: invalid depth 0
      ...at(1, 0, 1), //        4: invalid depth NaN
      ...at(2.5, 1, 1), //      5: u = 2.5 exactly: pixel 3 (floor(u + 0.5)), visible
      ...at(-0.5, 1, 1), //     6: u = -0.5: the left image edge belongs to pixel 0: visible
      ...at(3.5, 1, 1), //      7: u = 3.5: outside [-0.5, 3.5): not visible
      ...at(2, 2, -1), //       8: behind the camera
      NaN, 0, 1, //             9: non-finite: never visible
    ]);
    const [set] = g.visibleSets(pts, [camera(k)], [depth], { tolerance: 0.05 });
    expect(Array.from(set)).toEqual([0, 1, 5, 6]);
    const [strict] = g.visibleSets(pts, [camera(k)], [depth], { tolerance: 0 });
    expect(Array.from(strict)).toEqual([0, 5, 6]);
  });

  it('visibleSets: empty inputs and a single point', () => {
    const k = intrinsics(10, 10, 0, 0, 1, 1);
    expect(g.visibleSets(new Float32Array(0), [camera(k)], [constantDepth(k, 1)])).toEqual([new Uint32Array(0)]);
    expect(g.visibleSets(Float32Array.of(0, 0, 1), [], [])).toEqual([]);
    expect(Array.from(g.visibleSets(Float32Array.of(0, 0, 1), [camera(k)], [constantDepth(k, 1)])[0])).toEqual([0]);
  });

  it('visibleSetsAsync resolves to the same sets', async () => {
    const k = intrinsics(50, 50, 15.5, 11.5, 32, 24);
    const pose = lookAt([0, -3, 0.5], [0, 0, 0.5]);
    const pts = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i * 12.9898) * 2);
    const depth = constantDepth(k, 3);
    expect(await g.visibleSetsAsync(pts, [camera(k, pose)], [depth])).toEqual(g.visibleSets(pts, [camera(k, pose)], [depth]));
  });

  it('intersect, overlap, overlapMatrix by hand', () => {
    const a = Uint32Array.of(1, 3, 5, 7, 9), b = Uint32Array.of(3, 4, 5, 10), e = new Uint32Array(0);
    expect(Array.from(g.intersect(a, b))).toEqual([3, 5]);
    expect(g.overlap(a, b)).toBeCloseTo(2 / 7, 15);
    expect(g.overlap(e, e)).toBe(0);
    const m = g.overlapMatrix([a, b, e]);
    expect(Array.from(m)).toEqual([1, Math.fround(2 / 7), 0, Math.fround(2 / 7), 1, 0, 0, 0, 0]);
  });

  it('correspondences: intersection projected into both cameras', () => {
    const k = intrinsics(100, 100, 50, 50, 101, 101);
    const a = camera(k, IDENTITY);
    const b = camera(k, Float64Array.of(1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)); // shifted 0.5 m along x
    const pts = Float64Array.of(0, 0, 2, 0.5, 0, 2, 1, 1, 1);
    const c = g.correspondences(pts, a, b, Uint32Array.of(0, 1, 2), Uint32Array.of(1, 2));
    expect(Array.from(c.index)).toEqual([1, 2]);
    expect(c.uvA[0]).toBeCloseTo(75, 5); // 100 * 0.5 / 2 + 50
    expect(c.uvB[0]).toBeCloseTo(50, 5); // straight ahead of b
    expect(Array.from(c.depthA)).toEqual([2, 1]);
  });

  it('backprojectDepth: stride grid, invalid pixels skipped, world frame', () => {
    const k = intrinsics(2, 2, 0.5, 0.5, 2, 2);
    const depth = { width: 2, height: 2, data: Float32Array.of(1, 0, 2, NaN) };
    const pose = Float64Array.of(1, 0, 0, 10, 0, 1, 0, 20, 0, 0, 1, 30, 0, 0, 0, 1);
    const pts = g.backprojectDepth(depth, camera(k, pose));
    // pixel (0,0) d=1: Xc = (-0.25, -0.25, 1); pixel (0,1) d=2: Xc = (-0.5, 0.5, 2)
    expect(Array.from(pts)).toEqual([9.75, 19.75, 31, 9.5, 20.5, 32]);
    expect(Array.from(g.backprojectDepth(depth, camera(k, pose), { stride: 2 }))).toEqual([9.75, 19.75, 31]);
  });

  it('round trip: backprojectDepth then projectPoints returns each pixel to its own centre', () => {
    const k = intrinsics(525, 520, 319.5, 239.5, 640, 480);
    const pose = lookAt([1, -2, 1.4], [0.3, 1, 0.9]);
    const depth = { width: 640, height: 480, data: new Float32Array(640 * 480) };
    for (let i = 0; i < depth.data.length; i++) depth.data[i] = 0.4 + ((i * 7919) % 1000) / 200;
    const stride = 7;
    const pts = g.backprojectDepth(depth, camera(k, pose), { stride });
    const { uv, depth: z } = g.projectPoints(pts, camera(k, pose));
    let p = 0;
    let worst = 0;
    for (let i = 0; i < 480; i += stride)
      for (let j = 0; j < 640; j += stride, p++) {
        worst = Math.max(worst, Math.abs(uv[2 * p] - j), Math.abs(uv[2 * p + 1] - i));
        expect(Math.abs(z[p] - depth.data[i * 640 + j])).toBeLessThan(1e-5 * depth.data[i * 640 + j] + 1e-6);
      }
    expect(p).toBe(pts.length / 3);
    // float32 world points a few metres out: ~1e-4 px error; 2e-3 px is a 20x margin.
    expect(worst).toBeLessThan(2e-3);
  });
});

describe('native specifics', () => {
  it('info reports threads; configure changes them and restores', () => {
    const before = native.info().threads;
    expect(native.configure({ threads: 1 }).threads).toBe(1);
    expect(native.configure({ threads: 0 }).threads).toBe(before);
  });

  it('configure rejects an unavailable CUDA backend with a reason', () => {
    if (native.info().cuda.available) return expect(native.configure({ backend: 'cuda' }).backend).toBe('cuda');
    expect(() => native.configure({ backend: 'cuda' })).toThrow(/unavailable/);
    expect(native.configure({ backend: 'auto' }).backend).toBe('cpu');
  });

  it('visibleSetsAsync does not block the event loop', async () => {
    const k = intrinsics(525, 525, 319.5, 239.5, 640, 480);
    const n = 1_000_000;
    const pts = new Float32Array(3 * n);
    for (let i = 0; i < pts.length; i++) pts[i] = Math.sin(i * 0.618) * 3;
    const cams = Array.from({ length: 8 }, (_, f) => camera(k, lookAt([4 * Math.cos(f), 4 * Math.sin(f), 1], [0, 0, 0])));
    const depths = cams.map(() => constantDepth(k, 5));
    let ticked = false;
    setImmediate(() => (ticked = true));
    const pending = native.visibleSetsAsync(pts, cams, depths);
    let settledFirst = false;
    const order = await Promise.race([pending.then(() => 'sets'), new Promise((r) => setImmediate(() => r('loop')))]);
    settledFirst = order === 'sets';
    const sets = await pending;
    expect(settledFirst).toBe(false);
    expect(ticked).toBe(true);
    expect(sets).toEqual(native.visibleSets(pts, cams, depths));
  });

  it('async inputs stay alive while the work runs (garbage collection cannot free them)', async () => {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const k = intrinsics(100, 100, 63.5, 47.5, 128, 96);
    const start = () => {
      const pts = new Float32Array(3 * 400_000).map((_, i) => ((i % 3) === 2 ? 2 : Math.sin(i) * 0.5));
      return native.visibleSetsAsync(pts, [camera(k)], [constantDepth(k, 2.01)]);
    };
    const p = start();
    for (let i = 0; i < 5; i++) gc();
    const [set] = await p;
    expect(set.length).toBeGreaterThan(0);
    const pts = new Float32Array(3 * 400_000).map((_, i) => ((i % 3) === 2 ? 2 : Math.sin(i) * 0.5));
    expect(set).toEqual(native.visibleSets(pts, [camera(k)], [constantDepth(k, 2.01)])[0]);
  });
});
