// Bad input: every op rejects wrong types, wrong lengths, non-finite or non-positive intrinsics,
// non-rigid or non-finite poses and mismatched depth-map sizes with a TypeError/RangeError that
// carries a stable code and names the argument. Then a few hundred random malformed calls go
// straight to the raw native binding (no TS validation in front): the process must survive and
// every failure must be a coded error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import { native as rawBinding } from '../../lib/native.js';
import { IDENTITY, camera, constantDepth, intrinsics } from '../helpers/cameras.js';
import { backends } from '../helpers/backends.js';
import { expectCode } from '../helpers/errors.js';

const k = intrinsics(100, 100, 31.5, 23.5, 64, 48);
const cam = camera(k, IDENTITY);
const pts = Float32Array.of(0, 0, 1, 0.1, 0.1, 2);
const set = Uint32Array.of(0, 1);

const withPose = (pose: Float64Array) => camera(k, pose);
const rotScaled = Float64Array.of(2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
const badLastRow = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1);
const infPose = Float64Array.of(1, 0, 0, -Infinity, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
const reflection = Float64Array.of(-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);

describe.each(backends)('%s rejects bad input', (_name, g) => {
  it('points: wrong type, wrong length', () => {
    expectCode(() => g.projectPoints([0, 0, 1] as unknown as Float32Array, cam), 'ERR_SPATIAL_TYPE', /Expected a Float32Array or Float64Array for points but received an Array of length 3/);
    expectCode(() => g.projectPoints(new Int32Array(3) as unknown as Float32Array, cam), 'ERR_SPATIAL_TYPE', /for points but received Int32Array/);
    expectCode(() => g.projectPoints(new Float32Array(10), cam), 'ERR_SPATIAL_SHAPE', /points.length must be a multiple of 3 \(got 10\)/);
  });

  it('intrinsics: non-finite, non-positive, non-integer size, missing fields', () => {
    const bad = (ki: object) => camera(ki as typeof k, IDENTITY);
    expectCode(() => g.projectPoints(pts, bad({ ...k, fx: 0 })), 'ERR_SPATIAL_CAMERA', /cameras\.intrinsics\.fx and \.fy must be > 0/);
    expectCode(() => g.projectPoints(pts, bad({ ...k, fy: -3 })), 'ERR_SPATIAL_CAMERA', /must be > 0/);
    expectCode(() => g.projectPoints(pts, bad({ ...k, cx: NaN })), 'ERR_SPATIAL_CAMERA', /cameras\.intrinsics\.cx must be finite/);
    expectCode(() => g.projectPoints(pts, bad({ ...k, fx: Infinity })), 'ERR_SPATIAL_CAMERA', /fx must be finite/);
    expectCode(() => g.projectPoints(pts, bad({ ...k, width: 10.5 })), 'ERR_SPATIAL_CAMERA', /width must be a positive integer/);
    expectCode(() => g.projectPoints(pts, bad({ ...k, height: 0 })), 'ERR_SPATIAL_CAMERA', /height must be a positive integer/);
    expectCode(() => g.projectPoints(pts, bad({ fx: 1, fy: 1, cx: 0, cy: 0, width: 4 })), 'ERR_SPATIAL_TYPE', /Expected a number for cameras\.intrinsics\.height but received undefined/);
    expectCode(() => g.projectPoints(pts, [cam, bad({ ...k, fx: -1 })]), 'ERR_SPATIAL_CAMERA', /cameras\[1\].intrinsics.fx/);
  });

  it('poses: wrong type or length, non-finite, non-rigid, reflection, bad last row', () => {
    expectCode(() => g.projectPoints(pts, withPose(new Float32Array(16) as unknown as Float64Array)), 'ERR_SPATIAL_TYPE', /Expected a Float64Array\(16\) for cameras\.pose/);
    expectCode(() => g.projectPoints(pts, withPose(new Float64Array(12))), 'ERR_SPATIAL_SHAPE', /cameras\.pose\.length must be 16/);
    expectCode(() => g.projectPoints(pts, withPose(infPose)), 'ERR_SPATIAL_POSE', /cameras\.pose must be finite \(element 3 is -Infinity\)/);
    expectCode(() => g.projectPoints(pts, withPose(rotScaled)), 'ERR_SPATIAL_POSE', /must be rigid/);
    expectCode(() => g.projectPoints(pts, withPose(reflection)), 'ERR_SPATIAL_POSE', /must be rigid .*det -1/);
    expectCode(() => g.projectPoints(pts, withPose(badLastRow)), 'ERR_SPATIAL_POSE', /last row must be 0 0 0 1/);
  });

  it('visibleSets: depth maps mismatched in count, size, type; bad options', () => {
    const d = constantDepth(k, 2);
    expectCode(() => g.visibleSets(pts, [cam], []), 'ERR_SPATIAL_SHAPE', /depths.length must equal cameras.length \(1\), got 0/);
    expectCode(() => g.visibleSets(pts, [cam], [constantDepth(intrinsics(1, 1, 0, 0, 48, 64), 1)]), 'ERR_SPATIAL_SHAPE', /depths\[0\] is 48x64 but cameras\[0\] expects 64x48/);
    expectCode(() => g.visibleSets(pts, [cam], [{ width: 64, height: 48, data: new Float32Array(10) }]), 'ERR_SPATIAL_SHAPE', /depths\[0\].data.length must be width\*height = 3072 \(got 10\)/);
    expectCode(() => g.visibleSets(pts, [cam], [{ ...d, data: new Float64Array(3072) as unknown as Float32Array }]), 'ERR_SPATIAL_TYPE', /Expected a Float32Array for depths\[0\].data/);
    expectCode(() => g.visibleSets(pts, cam as unknown as typeof cam[], [d]), 'ERR_SPATIAL_TYPE', /Array of Camera/);
    expectCode(() => g.visibleSets(pts, [cam], [d], { tolerance: -1 }), 'ERR_SPATIAL_SHAPE', /opts.tolerance must be a finite number >= 0/);
    expectCode(() => g.visibleSets(pts, [cam], [d], { near: NaN }), 'ERR_SPATIAL_SHAPE', /opts.near must be finite/);
    expectCode(() => g.visibleSets(pts, [cam], [d], { tolerance: '0.1' as unknown as number }), 'ERR_SPATIAL_TYPE', /Expected a number for opts.tolerance/);
  });

  it('async variants reject (not throw synchronously) with the same errors', async () => {
    await expect(g.visibleSetsAsync(pts, [cam], [])).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE' });
    await expect(g.overlapMatrixAsync([Uint32Array.of(2, 1)])).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
  });

  it('sets: wrong type, not strictly ascending, out of range for the points', () => {
    expectCode(() => g.intersect([1, 2] as unknown as Uint32Array, set), 'ERR_SPATIAL_TYPE', /Expected a Uint32Array for a but received an Array/);
    expectCode(() => g.overlap(set, Uint32Array.of(3, 3)), 'ERR_SPATIAL_FORMAT', /b must be strictly ascending \(element 1 is 3 after 3\)/);
    expectCode(() => g.overlapMatrix([set, Uint32Array.of(5, 4)]), 'ERR_SPATIAL_FORMAT', /sets\[1\] must be strictly ascending/);
    expectCode(() => g.overlapMatrix(set as unknown as Uint32Array[]), 'ERR_SPATIAL_TYPE', /Expected an Array of Uint32Array for sets/);
    expectCode(() => g.overlapMatrix([set], new Float32Array(2)), 'ERR_SPATIAL_SHAPE', /out.length must be 1/);
    expectCode(() => g.correspondences(pts, cam, cam, Uint32Array.of(0, 5), set), 'ERR_SPATIAL_SHAPE', /setA holds index 5 but points has only 2 points/);
  });

  it('backprojectDepth: sizes, strides', () => {
    expectCode(() => g.backprojectDepth(constantDepth(intrinsics(1, 1, 0, 0, 3, 3), 1), cam), 'ERR_SPATIAL_SHAPE', /depth is 3x3 but camera expects 64x48/);
    expectCode(() => g.backprojectDepth(constantDepth(k, 1), cam, { stride: 0 }), 'ERR_SPATIAL_SHAPE', /opts.stride must be an integer in \[1, /);
  });

  it('caller-owned out buffers of the wrong size are rejected before anything is written', () => {
    const uv = new Float32Array(3).fill(7);
    expectCode(() => g.projectPoints(pts, cam, { uv }), 'ERR_SPATIAL_SHAPE', /out.uv.length must be 4 \(got 3\)/);
    expect(Array.from(uv)).toEqual([7, 7, 7]);
  });
});

describe('raw native binding survives random malformed calls', () => {
  const typedArrays = fc.oneof(
    fc.integer({ min: 0, max: 70 }).map((n) => new Float32Array(n).fill(1)),
    fc.integer({ min: 0, max: 70 }).map((n) => new Float64Array(n).fill(0.5)),
    fc.integer({ min: 0, max: 70 }).map((n) => Uint32Array.from({ length: n }, (_, i) => i)),
    fc.integer({ min: 0, max: 70 }).map((n) => new Uint8Array(n)),
    fc.integer({ min: 0, max: 70 }).map((n) => new Int32Array(n)),
    fc.constant(new Float64Array(new ArrayBuffer(0))),
    // A valid packed camera (22 doubles) and a depth map that fits it: malformed calls then get
    // past the first checks more often.
    fc.constant(Float64Array.of(10, 10, 1.5, 1.5, 4, 4, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)),
    fc.constant(new Float32Array(16).fill(2)),
    fc.constant(new Uint16Array(16).fill(1500)),
  );
  const anyArg = fc.oneof(
    typedArrays,
    fc.array(typedArrays, { maxLength: 3 }),
    fc.constantFrom(undefined, null, true, 'cpu', 'cuda', {}, [], NaN, Infinity, -1, 0, 1, 2, 3.5, 2 ** 40, -(2 ** 53)),
    fc.double(),
    fc.object({ maxDepth: 1 }),
  );
  const fnNames = [
    'projectPoints', 'visibleSets', 'intersect', 'overlap', 'overlapMatrix', 'correspondences',
    'backprojectDepth', 'rayGrid', 'rayEmbedding', 'configure', 'trackDistanceChange', 'averageLinkageCut', 'rigidSegmentation', 'depthFromStored',
  ] as const;

  it('every call returns or throws a coded TypeError/RangeError', () => {
    const raw = rawBinding() as unknown as Record<string, (...args: unknown[]) => unknown>;
    const before = native.info();
    let calls = 0;
    let threw = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fnNames), fc.array(anyArg, { maxLength: 6 }), (fn, args) => {
        calls++;
        try {
          raw[fn](...args);
        } catch (e) {
          threw++;
          expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
          expect((e as { code?: string }).code).toMatch(/^ERR_SPATIAL_/);
        }
      }),
      { seed: 7, numRuns: 600 },
    );
    native.configure({ threads: before.threads, backend: 'auto', parallelThreshold: before.parallelThreshold });
    expect(calls).toBe(600);
    expect(threw).toBeGreaterThan(300);
  });

  it('async raw calls with malformed arguments reject or throw coded errors', async () => {
    const raw = rawBinding() as unknown as Record<string, (...args: unknown[]) => unknown>;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('visibleSetsAsync', 'visibleSetsStoredAsync', 'overlapMatrixAsync', 'rigidSegmentationAsync'), fc.array(anyArg, { maxLength: 6 }), async (fn, args) => {
        try {
          await raw[fn](...args);
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^ERR_SPATIAL_/);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
