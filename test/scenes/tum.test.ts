// TUM RGB-D loader: quaternion poses, association, interpolation, intrinsics, errors, real data.
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrameColor, loadFrameDepth, loadTum, poseFromQuaternion, TUM_INTRINSICS } from '../../lib/index.js';
import { poseFromAxisAngle } from '../helpers/cameras.js';
import { put, writeTum } from '../helpers/scene-files.js';
import { sample } from '../helpers/shared-data.js';

let tmp: string;
let counter = 0;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'spatial-tum-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const fresh = () => join(tmp, `seq${counter++}`);

/** A ground-truth line for a rotation of `angle` about unit `axis` and a translation. */
function gtLine(t: string, tr: number[], axis: number[], angle: number): string {
  const s = Math.sin(angle / 2);
  return `${t} ${tr.join(' ')} ${axis[0] * s} ${axis[1] * s} ${axis[2] * s} ${Math.cos(angle / 2)}`;
}

describe('poseFromQuaternion', () => {
  it('maps (qx, qy, qz, qw) scalar-last to a row-major camera-to-world matrix', () => {
    expect(Array.from(poseFromQuaternion([1, 2, 3], [0, 0, 0, 1]))).toEqual([1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]);
    // 90 degrees about z: x -> y, y -> -x.
    const p = poseFromQuaternion([0, 0, 0], [0, 0, Math.SQRT1_2, Math.SQRT1_2]);
    expect(Array.from(p).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // Not normalised on input: scaled quaternions give the same rotation.
    expect(Array.from(poseFromQuaternion([0, 0, 0], [0, 0, 2, 2]))).toEqual(Array.from(p));
  });

  it('agrees with the axis-angle rotation, and q and -q agree (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })).filter((a) => Math.hypot(...a) > 1e-3),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        (axis, angle) => {
          const n = Math.hypot(...axis);
          const u = axis.map((v) => v / n);
          const s = Math.sin(angle / 2), c = Math.cos(angle / 2);
          const q = [u[0] * s, u[1] * s, u[2] * s, c];
          const mine = poseFromQuaternion([0.1, 0.2, 0.3], q);
          const neg = poseFromQuaternion([0.1, 0.2, 0.3], q.map((v) => -v));
          const ref = poseFromAxisAngle(axis as [number, number, number], angle, [0.1, 0.2, 0.3]);
          // 1e-12: both are a few flops of double arithmetic on unit-length inputs.
          for (let i = 0; i < 16; i++) {
            expect(Math.abs(mine[i] - ref[i])).toBeLessThan(1e-12);
            expect(Math.abs(neg[i] - mine[i])).toBeLessThan(1e-12);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects zero and non-finite quaternions', () => {
    expect(() => poseFromQuaternion([0, 0, 0], [0, 0, 0, 0])).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_POSE', message: expect.stringContaining('Expected a finite non-zero quaternion') }));
    expect(() => poseFromQuaternion([0, NaN, 0], [0, 0, 0, 1])).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_POSE', message: 'translation must be finite (element 1 is NaN)' }));
  });
});

describe('loadTum (synthetic)', () => {
  it('associates depth and rgb one to one (nearest first) and skips unmatched frames', async () => {
    const root = fresh();
    // Depth 1.000 and 1.012 both have rgb 1.009 nearest; 1.012 is nearer (3 ms) and takes it, so
    // 1.000 gets rgb 0.985 (15 ms). Depth 1.300 has no rgb within 20 ms.
    await writeTum(root, {
      rgb: ['0.985', '1.009'],
      depth: ['1.012', '1.000', '1.300'],
      groundtruth: ['0.9 0 0 0 0 0 0 1', '1.006 0 0 0 0 0 0 1', '1.305 0 0 0 0 0 0 1'],
    });
    const scene = await loadTum(root);
    expect(scene.format).toBe('tum');
    expect(scene.frames.map((f) => [f.id, f.colorPath?.slice(root.length + 1)])).toEqual([
      ['1.000', 'rgb/0.985.png'],
      ['1.012', 'rgb/1.009.png'],
    ]);
    expect(scene.skipped).toEqual([{ id: '1.300', reason: 'no rgb frame within 0.02 s' }]);
    expect(scene.frames[0]).toMatchObject({ depthScale: 5000, timestamp: 1, intrinsics: TUM_INTRINSICS.default });
    expect((await loadFrameDepth(scene.frames[0])).data[0]).toBe(2);
    expect(await loadFrameColor(scene.frames[0])).toMatchObject({ width: 640, height: 480 });
    // With a wider window every depth frame finds an rgb frame or a pose.
    expect((await loadTum(root, { maxDt: 0.5 })).frames).toHaveLength(2); // only 2 rgb frames exist
  });

  it('interpolates the pose between bracketing poses (slerp), or takes the nearest', async () => {
    const root = fresh();
    await writeTum(root, {
      rgb: ['2.004', '2.500'],
      depth: ['2.004', '2.500'],
      groundtruth: [gtLine('2.000', [0, 0, 0], [0, 0, 1], 0), gtLine('2.010', [0.1, 0, 0], [0, 0, 1], 0.5), gtLine('2.490', [1, 1, 1], [1, 0, 0], 0.2)],
    });
    const scene = await loadTum(root);
    const [a, b] = scene.frames;
    // 40 % of the way: translation 0.04, rotation 0.2 rad about z.
    const expected = poseFromAxisAngle([0, 0, 1], 0.2, [0.04, 0, 0]);
    for (let i = 0; i < 16; i++) expect(a.pose[i]).toBeCloseTo(expected[i], 12);
    // 2.500 has only the 2.490 pose within 20 ms: nearest.
    const nearest = poseFromAxisAngle([1, 0, 0], 0.2, [1, 1, 1]);
    for (let i = 0; i < 16; i++) expect(b.pose[i]).toBeCloseTo(nearest[i], 12);
    const n = await loadTum(root, { pose: 'nearest' });
    for (let i = 0; i < 16; i++) expect(n.frames[0].pose[i]).toBeCloseTo(poseFromAxisAngle([0, 0, 1], 0, [0, 0, 0])[i], 12);
    // No pose within maxDt: skipped.
    const tight = await loadTum(root, { maxDt: 0.003 });
    expect(tight.frames).toHaveLength(0);
    expect(tight.skipped).toEqual([
      { id: '2.004', reason: 'no ground-truth pose within 0.003 s' },
      { id: '2.500', reason: 'no ground-truth pose within 0.003 s' },
    ]);
  });

  it('picks intrinsics: option (preset or parameters) > intrinsics.json > TUM default', async () => {
    const root = fresh();
    await writeTum(root, { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    expect((await loadTum(root)).frames[0].intrinsics).toEqual({ fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 });
    expect((await loadTum(root, { intrinsics: 'freiburg1' })).frames[0].intrinsics).toEqual({ fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3, width: 640, height: 480 });
    expect((await loadTum(root, { intrinsics: 'freiburg2' })).frames[0].intrinsics).toMatchObject({ fx: 520.9, fy: 521.0, cx: 325.1, cy: 249.7 });
    expect((await loadTum(root, { intrinsics: 'freiburg3' })).frames[0].intrinsics).toMatchObject({ fx: 535.4, fy: 539.2, cx: 320.1, cy: 247.6 });
    expect((await loadTum(root, { intrinsics: { fx: 600, fy: 601, cx: 320, cy: 240 } })).frames[0].intrinsics).toEqual({ fx: 600, fy: 601, cx: 320, cy: 240, width: 640, height: 480 });
    await put(join(root, 'intrinsics.json'), JSON.stringify({ fx: 500, fy: 500, cx: 300, cy: 200, width: 640, height: 480 }));
    expect((await loadTum(root)).frames[0].intrinsics).toMatchObject({ fx: 500, cx: 300 });
    expect((await loadTum(root, { intrinsics: 'default' })).frames[0].intrinsics.fx).toBe(525);
    await put(join(root, 'intrinsics.json'), JSON.stringify({ fx: 500, fy: 500, cx: 300, cy: 200, k1: 0.1 }));
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('intrinsics.json: Unknown key "k1"') });
    await expect(loadTum(root, { intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0, width: 320, height: 240 } })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: 'opts.intrinsics is for 320x240 images but the depth images are 640x480',
    });
    await expect(loadTum(root, { intrinsics: 'freiburg4' as never })).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE' });
  });

  it('a preset does not fit other image sizes', async () => {
    const root = fresh();
    await writeTum(root, { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'], width: 8, height: 6 });
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: "TUM's default intrinsics 'default' is for 640x480 images but the depth images are 8x6" });
    expect((await loadTum(root, { intrinsics: { fx: 5, fy: 5, cx: 3.5, cy: 2.5 } })).frames[0].intrinsics).toMatchObject({ width: 8, height: 6 });
  });
});

describe('loadTum errors', () => {
  it('reports malformed lines with the file and the 1-based line', async () => {
    const root = fresh();
    await writeTum(root, { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1', '1.1 0 0 0 0 0 1'] });
    const gt = join(root, 'groundtruth.txt');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${gt}:4: Expected 8 columns (timestamp tx ty tz qx qy qz qw) but received 7: "1.1 0 0 0 0 0 1"` });
    await writeFile(gt, '1.0 0 0 0 0 0 0 1\n\n1.1 0 0 abc 0 0 0 1\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${gt}:3: Expected a finite number for timestamp tx ty tz qx qy qz qw column 4 but received "abc"` });
    await writeFile(gt, '1.0 0 0 0 0 0 0 1\n1.1 0 0 0 0 0 0 -inf\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${gt}:2: Expected a finite number for timestamp tx ty tz qx qy qz qw column 8 but received "-inf"` });
    await writeFile(gt, '1.0 0 0 0 0 0 0.5 0.5\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(new RegExp(`^${gt}:1: Expected a unit quaternion \\(qx qy qz qw\\) but its norm is 0\\.707`)) });
    await writeFile(gt, '1.0 0 0 0 0 0 0 1\n');
    const depthList = join(root, 'depth.txt');
    await writeFile(depthList, '# header\n1.0 depth/1.0.png extra\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${depthList}:2: Expected 2 columns (timestamp filename) but received 3: "1.0 depth/1.0.png extra"` });
    await writeFile(depthList, '1.0 depth/1.0.png\n1.0 depth/1.0.png\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${depthList}:2: timestamp 1.0 appears twice (also line 1)` });
    await writeFile(depthList, '\n\n1.0 depth/missing.png\n');
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${depthList}:3: listed file ${join(root, 'depth', 'missing.png')} does not exist` });
  });

  it('reports missing required files as ERR_SPATIAL_FORMAT and a missing folder as ERR_SPATIAL_IO', async () => {
    const root = fresh();
    await writeTum(root, { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    await unlink(join(root, 'groundtruth.txt'));
    await expect(loadTum(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${join(root, 'groundtruth.txt')}: Expected the TUM ground truth but the file is missing` });
    await expect(loadTum(join(root, 'nope'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: expect.stringContaining('Cannot read TUM sequence directory') });
    await expect(loadTum(root, { maxDt: -1 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: 'opts.maxDt must be a finite number > 0 (got -1)' });
    await expect(loadTum(root, { pose: 'linear' as never })).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: `Expected 'interpolate' or 'nearest' for opts.pose but received the string "linear"` });
  });

  it('without rgb.txt frames are depth-only', async () => {
    const root = fresh();
    await writeTum(root, { rgb: [], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    await unlink(join(root, 'rgb.txt'));
    const scene = await loadTum(root);
    expect(scene.frames).toHaveLength(1);
    expect(scene.frames[0].colorPath).toBeUndefined();
    await expect(loadFrameColor(scene.frames[0])).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: 'frame 1.0 has no colour image: expected frame.color or frame.colorPath' });
  });
});

const redwood = sample('redwood-tum');
describe.skipIf(!redwood.present)('loadTum (real: redwood-tum)', () => {
  it('loads 5 frames, fx = fy = 525, rgb and poses associated one to one', async () => {
    const scene = await loadTum(redwood.dir, { intrinsics: 'default' });
    expect(scene.frames).toHaveLength(5);
    expect(scene.skipped).toBeUndefined();
    expect(scene.frames.map((f) => f.id)).toEqual(['1000.005000', '1000.105000', '1000.205000', '1000.305000', '1000.405000']);
    // Each depth frame pairs with the colour frame 5 ms earlier; no colour frame is used twice.
    expect(scene.frames.map((f) => f.colorPath!.slice(redwood.dir.length + 1))).toEqual(['rgb/1000.000000.jpg', 'rgb/1000.100000.jpg', 'rgb/1000.200000.jpg', 'rgb/1000.300000.jpg', 'rgb/1000.400000.jpg']);
    expect(scene.frames[0].intrinsics).toEqual({ fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 });
    // The first pose is ground-truth line 1 (2 ms before; the next pose is 97 ms after, beyond maxDt).
    const p = scene.frames[0].pose;
    expect([p[3], p[7], p[11]]).toEqual([-0.31058, 0.573012, 2.12648]);
    const q = poseFromQuaternion([-0.31058, 0.573012, 2.12648], [0.602473, 0.0090541, -0.7980587, 0.0068351]);
    // The loader normalises the stored quaternion before converting: equal to rounding (1e-12).
    for (let i = 0; i < 16; i++) expect(Math.abs(p[i] - q[i])).toBeLessThan(1e-12);
    const depth = await loadFrameDepth(scene.frames[0]);
    expect(depth.data[50000]).toBe(Math.fround(6920 / 5000));
    expect(await loadFrameColor(scene.frames[4])).toMatchObject({ width: 640, height: 480, channels: 3 });
    // The default (no intrinsics option, no intrinsics.json) is the same camera.
    expect((await loadTum(redwood.dir)).frames[0].intrinsics.fx).toBe(525);
  });
});
