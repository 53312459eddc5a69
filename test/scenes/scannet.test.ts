// ScanNet loader: the real HoloLens export, and synthetic exports for ordering, skipping, axis
// alignment, mesh, instances and every error path.
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrameColor, loadFrameDepth, loadScanNet } from '../../lib/index.js';
import { IDENTITY, poseFromAxisAngle } from '../helpers/cameras.js';
import { matrixText, put, writeScanNet } from '../helpers/scene-files.js';
import { sample } from '../helpers/shared-data.js';

let tmp: string;
let counter = 0;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'spatial-scannet-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const fresh = (name = 'scene0000_00') => join(tmp, `${counter++}`, name);

const POSE_A = poseFromAxisAngle([0, 0, 1], 0.3, [1, 2, 3]);
const POSE_B = poseFromAxisAngle([1, 1, 0], -0.7, [-1, 0.5, 2]);
const LOST = '-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n';

describe('loadScanNet (synthetic)', () => {
  it('sorts frames numerically, skips non-finite poses, reads sizes and intrinsics', async () => {
    const root = fresh();
    await writeScanNet(root, [{ n: '10', pose: POSE_B }, { n: '2', pose: POSE_A }, { n: '0', pose: IDENTITY }, { n: '1', pose: LOST }], { colorWidth: 8, colorHeight: 6 });
    const scene = await loadScanNet(root);
    expect(scene.id).toBe('scene0000_00');
    expect(scene.format).toBe('scannet');
    expect(scene.frames.map((f) => f.id)).toEqual(['0', '2', '10']);
    expect(scene.skipped).toEqual([{ id: '1', reason: `non-finite pose in ${join(root, 'pose', '1.txt')}` }]);
    const f = scene.frames[1];
    expect(f.intrinsics).toEqual({ fx: 10, fy: 11, cx: 1.5, cy: 1, width: 4, height: 3 });
    expect(f.colorIntrinsics).toEqual({ fx: 20, fy: 22, cx: 3.5, cy: 2.5, width: 8, height: 6 });
    expect(f.depthScale).toBe(1000);
    expect(f.depthPath).toBe(join(root, 'depth', '2.png'));
    expect(f.colorPath).toBe(join(root, 'color', '2.jpg'));
    // Poses are written with 9 decimals.
    for (let i = 0; i < 16; i++) expect(f.pose[i]).toBeCloseTo(POSE_A[i], 9);
    expect(scene.up).toBeUndefined();
    expect(scene.points).toBeUndefined();
    expect((await loadFrameDepth(f)).data[0]).toBe(Math.fround(1.5));
    expect(await loadFrameColor(f)).toMatchObject({ width: 8, height: 6, channels: 3 });
  });

  it('frameStep keeps every k-th frame of the sorted list, before skipping', async () => {
    const root = fresh();
    const frames = Array.from({ length: 12 }, (_, i) => ({ n: String(i).padStart(5, '0'), pose: i === 5 ? LOST : IDENTITY }));
    await writeScanNet(root, frames);
    const scene = await loadScanNet(root, { frameStep: 5 });
    expect(scene.frames.map((f) => f.id)).toEqual(['00000', '00010']);
    expect(scene.skipped?.map((s) => s.id)).toEqual(['00005']);
  });

  it('without intrinsic_color.txt the colour camera is the depth camera (same size required)', async () => {
    const root = fresh();
    await writeScanNet(root, [{ n: '0', pose: IDENTITY }], { colorK: false });
    expect((await loadScanNet(root)).frames[0].colorIntrinsics).toBeUndefined();
    const other = fresh();
    await writeScanNet(other, [{ n: '0', pose: IDENTITY }], { colorK: false, colorWidth: 8, colorHeight: 6 });
    await expect(loadScanNet(other)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('intrinsic_color.txt: missing, and the colour images (8x6) differ in size from the depth images (4x3)') });
  });

  it('applies axisAlignment to poses and mesh points, and reads instances', async () => {
    const root = fresh('scene0042_00');
    await writeScanNet(root, [{ n: '0', pose: POSE_A }]);
    const A = poseFromAxisAngle([0, 0, 1], Math.PI / 2, [10, 0, -1]);
    await put(join(root, 'scene0042_00.txt'), `colorHeight = 6\naxisAlignment = ${Array.from(A).join(' ')}\nsceneType = Kitchen\n`);
    await put(
      join(root, 'scene0042_00_vh_clean_2.ply'),
      'ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nelement face 0\nproperty list uchar int vertex_indices\nend_header\n' +
        '1 0 0 5\n0 1 0 5\n0 0 1 5\n2 2 2 5\n',
    );
    await put(join(root, 'scene0042_00_vh_clean_2.0.010000.segs.json'), JSON.stringify({ sceneId: 'scene0042_00', segIndices: [7, 7, 9, 3] }));
    await put(
      join(root, 'scene0042_00.aggregation.json'),
      JSON.stringify({ sceneId: 'scene0042_00', segGroups: [{ id: 0, objectId: 0, segments: [7], label: 'chair' }, { id: 1, objectId: 1, segments: [9], label: 'Wall' }] }),
    );
    const scene = await loadScanNet(root);
    expect(scene.up).toBe('z');
    expect(Array.from(scene.axisAlignment!)).toEqual(Array.from(A));
    // alignedFromCam = A * worldFromCam.
    const expected = new Float64Array(16);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) expected[4 * r + c] += A[4 * r + k] * POSE_A[4 * k + c];
    for (let i = 0; i < 16; i++) expect(scene.frames[0].pose[i]).toBeCloseTo(expected[i], 8);
    // 90 degrees about z then (10, 0, -1): (x, y, z) -> (10 - y, x, z - 1).
    expect(Array.from(scene.points!).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([10, 1, -1, 9, 0, -1, 10, 0, 0, 8, 2, 1]);
    expect(Array.from(scene.pointInstances!)).toEqual([1, 1, 2, 0]);
    expect(scene.instances).toHaveLength(2);
    expect(scene.instances![0]).toMatchObject({ id: 1, label: 'chair' });
    expect(scene.instances![0].box.min.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([9, 0, -1]);
    expect(scene.instances![0].box.max.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([10, 1, -1]);
    expect(scene.instances![0].structural).toBeUndefined();
    expect(scene.instances![1]).toMatchObject({ id: 2, label: 'Wall', structural: true });

    const raw = await loadScanNet(root, { alignAxes: false, points: false });
    expect(raw.axisAlignment).toBeUndefined();
    expect(raw.points).toBeUndefined();
    for (let i = 0; i < 16; i++) expect(raw.frames[0].pose[i]).toBeCloseTo(POSE_A[i], 9);
  });
});

describe('loadScanNet errors', () => {
  it('reports bad numbers, column counts and row counts with file and 1-based line', async () => {
    const root = fresh();
    await writeScanNet(root, [{ n: '0', pose: IDENTITY }, { n: '1', pose: '1 0 0 0\n0 1 1.0.0 0\n0 0 1 0\n0 0 0 1\n' }]);
    const file = join(root, 'pose', '1.txt');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${file}:2: Expected a number for pose row 2 column 3 but received "1.0.0"` });
    await writeFile(file, '# comment\n1 0 0 0\n0 1 0 0 9\n0 0 1 0\n0 0 0 1\n');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${file}:3: Expected 4 columns (pose row 2) but received 5: "0 1 0 0 9"` });
    await writeFile(file, '1 0 0 0\n0 1 0 0\n0 0 1 0\n');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${file}: Expected 4 rows of 4 numbers (pose) but received 3 rows` });
    await writeFile(file, '1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n0 0 0 1\n');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${file}:5: Expected 4 rows of 4 numbers (pose) but received 5 rows` });
    await writeFile(file, matrixText([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]));
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_POSE', message: expect.stringContaining(`the pose in ${file} must be rigid`) });
  });

  it('reports missing frame files and folders as ERR_SPATIAL_FORMAT naming the file', async () => {
    const root = fresh();
    await writeScanNet(root, [{ n: '0', pose: IDENTITY }, { n: '3', pose: IDENTITY }]);
    await unlink(join(root, 'pose', '3.txt'));
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${join(root, 'pose', '3.txt')}: missing pose file for depth frame ${join(root, 'depth', '3.png')}` });
    await put(join(root, 'pose', '3.txt'), matrixText(IDENTITY));
    await unlink(join(root, 'color', '3.jpg'));
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining(`${join(root, 'color', '3.jpg')}: missing colour image`) });
    await put(join(root, 'color', '3.jpg'), '');
    await unlink(join(root, 'intrinsic', 'intrinsic_depth.txt'));
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${join(root, 'intrinsic', 'intrinsic_depth.txt')}: Expected the ScanNet intrinsic file but the file is missing` });
    await rm(join(root, 'pose'), { recursive: true });
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${root}: Expected a ScanNet export with a pose/ folder but found none` });
  });

  it('rejects non-numeric frame names, bad axisAlignment, a missing directory and bad options', async () => {
    const root = fresh();
    await writeScanNet(root, [{ n: '0', pose: IDENTITY }]);
    await put(join(root, 'depth', 'frame-a.png'), '');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('frame-a.png: Expected a frame number as the file name') });
    await unlink(join(root, 'depth', 'frame-a.png'));
    await put(join(root, 'scene0000_00.txt'), 'sceneType = Office\naxisAlignment = 1 0 0 0 0 1 0 0 0 0 1\n');
    await expect(loadScanNet(root)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${join(root, 'scene0000_00.txt')}:2: Expected 16 numbers for axisAlignment but received 11` });
    await expect(loadScanNet(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: `Cannot read ScanNet scene directory ${join(tmp, 'nowhere')}: no such file or directory` });
    await expect(loadScanNet(root, { frameStep: 0 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: 'opts.frameStep must be an integer in [1, 2147483647] (got 0)' });
    await expect(loadScanNet(root, { framestep: 5 } as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: expect.stringContaining('Unknown option opts.framestep') });
  });
});

const holo = sample('hololens-scannet');
describe.skipIf(!holo.present)('loadScanNet (real: hololens-scannet)', () => {
  it('loads 15 frames at 540x360 with the README intrinsics', async () => {
    const scene = await loadScanNet(holo.dir);
    expect(scene.frames).toHaveLength(15);
    expect(scene.frames.map((f) => f.id)).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(scene.skipped).toBeUndefined();
    const k = scene.frames[0].intrinsics;
    expect([k.width, k.height]).toEqual([540, 360]);
    expect(k.fx).toBeCloseTo(495.568, 3);
    expect(k.fy).toBeCloseTo(495.482, 3);
    expect(k.cx).toBeCloseTo(269.503, 3);
    expect(k.cy).toBeCloseTo(169.194, 3);
    // Colour and depth are one camera here, so no separate colour intrinsics.
    expect(scene.frames.every((f) => f.colorIntrinsics === undefined && f.intrinsics === k)).toBe(true);
    expect(Array.from(scene.frames[0].pose.subarray(0, 4))).toEqual([0.304636, -0.368487, 0.878304, -1.94312]);
    const depth = await loadFrameDepth(scene.frames[0]);
    expect(depth.data[1000]).toBe(Math.fround(1.232));
    const color = await loadFrameColor(scene.frames[14]);
    expect(color).toMatchObject({ width: 540, height: 360, channels: 3 });
    console.log(`[real data] hololens-scannet: ${scene.frames.length} frames, depth ${k.width}x${k.height}, fx ${k.fx}, fy ${k.fy}, cx ${k.cx}, cy ${k.cy}`);
  });

  it('frameStep 5 keeps frames 0, 5, 10', async () => {
    expect((await loadScanNet(holo.dir, { frameStep: 5 })).frames.map((f) => f.id)).toEqual(['0', '5', '10']);
  });
});
