// Scene loaders on the real samples (values their own files and README state) and on small files
// written here in each format (parsers and their errors, with file and line).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backprojectDepth, loadFrameDepth, loadScene, poseFromQuaternion, visibleSets, writeDepthPng } from '../../lib/index.js';
import type { Scene } from '../../lib/scenes/types.js';
import { sample } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'spatial-scenes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fraction of frame a's back-projected depth that is visible in frame b (both directions' mean). */
async function crossAgreement(scene: Scene, a: number, b: number): Promise<number> {
  const fa = scene.frames[a], fb = scene.frames[b];
  const pts = backprojectDepth(await loadFrameDepth(fa), { intrinsics: fa.intrinsics, pose: fa.pose }, { stride: 2 });
  const { projectPoints } = await import('../../lib/index.js');
  const db = await loadFrameDepth(fb);
  const [vis] = visibleSets(pts, [{ intrinsics: fb.intrinsics, pose: fb.pose }], [db], { tolerance: 0.05 });
  // Denominator: points that land on a valid depth pixel of b and in front of it (the ones b can judge).
  const { uv, depth } = projectPoints(pts, { intrinsics: fb.intrinsics, pose: fb.pose });
  let judged = 0;
  for (let i = 0; i < depth.length; i++) {
    const j = Math.floor(uv[2 * i] + 0.5), r = Math.floor(uv[2 * i + 1] + 0.5);
    if (depth[i] > 0 && j >= 0 && r >= 0 && j < db.width && r < db.height && db.data[r * db.width + j] > 0) judged++;
  }
  return vis.length / judged;
}

describe('real samples', () => {
  const holo = sample('hololens-scannet');
  it.skipIf(!holo)('hololens-scannet: 15 frames at 540x360 with the stated intrinsics, mm depth, consistent poses', async () => {
    const s = await loadScene(holo!, 'scannet');
    expect(s.frames.length).toBe(15);
    expect(s.frames.map((f) => f.id)).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    const k = s.frames[0].intrinsics;
    expect([k.width, k.height]).toEqual([540, 360]);
    expect(k.fx).toBeCloseTo(495.568, 3);
    expect(k.fy).toBeCloseTo(495.482, 3);
    expect(k.cx).toBeCloseTo(269.503, 3);
    expect(k.cy).toBeCloseTo(169.194, 3);
    expect(s.frames[0].colorIntrinsics).toBeUndefined(); // colour and depth are the same camera here
    expect(s.frames[0].pose[3]).toBeCloseTo(-1.94312, 6);
    const d = await loadFrameDepth(s.frames[0]);
    expect(d.data[180 * 540 + 270]).toBeCloseTo(1.232, 6); // stored 1232 mm
    const invalid = d.data.filter((v) => v === 0).length / d.data.length;
    expect(invalid).toBeGreaterThan(0.15);
    expect(invalid).toBeLessThan(0.3); // README: ~22 % invalid
    const agree = await crossAgreement(s, 0, 14);
    console.info(`hololens-scannet: frame 0 depth visible in frame 14: ${(100 * agree).toFixed(1)} %`);
    expect(agree).toBeGreaterThan(0.95);
  });

  const redwood = sample('redwood-tum');
  it.skipIf(!redwood)('redwood-tum: 5 frames associated one to one, fx = fy = 525, 5000 per metre', async () => {
    const s = await loadScene(redwood!, 'tum');
    expect(s.frames.length).toBe(5);
    expect(s.skipped).toEqual([]);
    expect(s.frames[0].intrinsics).toEqual({ fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 });
    expect(s.frames[0].colorPath).toMatch(/rgb\/1000\.000000\.jpg$/);
    expect(s.frames[0].pose[3]).toBeCloseTo(-0.31058, 6);
    const agree = await crossAgreement(s, 0, 4);
    console.info(`redwood-tum: frame 0 depth visible in frame 4: ${(100 * agree).toFixed(1)} %`);
    expect(agree).toBeGreaterThan(0.9);
  });
});

describe('small files in each format', () => {
  const depth = { width: 4, height: 3, data: new Float32Array(12).fill(1.5) };
  const I = '1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n';

  it('ScanNet: numeric order, -inf poses skipped and reported, frame step, colour intrinsics', async () => {
    const root = join(dir, 'scene0000_00');
    for (const sub of ['pose', 'depth', 'intrinsic', 'color']) mkdirSync(join(root, sub), { recursive: true });
    for (const n of [0, 1, 2, 10]) {
      await writeDepthPng(join(root, 'depth', `${n}.png`), depth, { scale: 1000 });
      writeFileSync(join(root, 'pose', `${n}.txt`), n === 2 ? '-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n' : I.replace('1 0 0 0', `1 0 0 ${n}`));
    }
    writeFileSync(join(root, 'intrinsic', 'intrinsic_depth.txt'), '2 0 1.5 0\n0 2 1 0\n0 0 1 0\n0 0 0 1\n');
    const s = await loadScene(root, 'scannet');
    expect(s.frames.map((f) => f.id)).toEqual(['0', '1', '10']);
    expect(s.skipped!.map((x) => x.id)).toEqual(['2']);
    expect(s.skipped![0].reason).toMatch(/not finite/);
    expect(s.frames[2].pose[3]).toBe(10);
    expect(s.frames[0].intrinsics).toEqual({ fx: 2, fy: 2, cx: 1.5, cy: 1, width: 4, height: 3 });
    expect((await loadScene(root, 'scannet', { frameStep: 2 })).frames.map((f) => f.id)).toEqual(['0']); // ids 0, 2 kept; 2 skipped
    writeFileSync(join(root, 'pose', '1.txt'), '1 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n');
    await expect(loadScene(root, 'scannet')).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/pose\/1\.txt:1: expected 4 numbers/) });
    writeFileSync(join(root, 'pose', '1.txt'), '1 0 0 x\n0 1 0 0\n0 0 1 0\n0 0 0 1\n');
    await expect(loadScene(root, 'scannet')).rejects.toThrow(/pose\/1\.txt:1: element 4 is not a number/);
    await expect(loadScene(join(dir, 'nope'), 'scannet')).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO' });
  });

  it('TUM: association within maxDt, quaternion poses, errors with line numbers', async () => {
    const root = join(dir, 'tum');
    mkdirSync(join(root, 'depth'), { recursive: true });
    for (const t of ['1.000', '2.000']) await writeDepthPng(join(root, 'depth', `${t}.png`), depth, { scale: 5000 });
    writeFileSync(join(root, 'depth.txt'), '# depth\n1.000 depth/1.000.png\n2.000 depth/2.000.png\n');
    writeFileSync(join(root, 'rgb.txt'), '1.010 rgb/1.010.png\n2.500 rgb/2.500.png\n');
    // 90 degrees about z: qz = qw = sqrt(1/2).
    writeFileSync(join(root, 'groundtruth.txt'), `# t tx ty tz qx qy qz qw\n0.995 1 2 3 0 0 ${Math.SQRT1_2} ${Math.SQRT1_2}\n2.001 0 0 0 0 0 0 1\n`);
    const s = await loadScene(root, 'tum', { intrinsics: { fx: 2, fy: 2, cx: 1.5, cy: 1 } });
    expect(s.frames.map((f) => f.id)).toEqual(['1.000']);
    expect(s.skipped![0].reason).toMatch(/no colour frame within 0.02 s/);
    expect(Array.from(s.frames[0].pose).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, -1, 0, 1, 1, 0, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]);
    expect(Array.from(poseFromQuaternion([0, 0, 0], [0, 0, 0, 2]))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    writeFileSync(join(root, 'groundtruth.txt'), '0.995 1 2 3 0 0 1\n');
    await expect(loadScene(root, 'tum')).rejects.toThrow(/groundtruth\.txt:1: expected "timestamp tx ty tz qx qy qz qw" \(8 numbers, got 7\)/);
  });

  it('manifest: paths relative to the file, strict validation naming the field', async () => {
    const root = join(dir, 'man');
    mkdirSync(root, { recursive: true });
    await writeDepthPng(join(root, 'd0.png'), depth, { scale: 1000 });
    const k = { fx: 2, fy: 2, cx: 1.5, cy: 1, width: 4, height: 3 };
    const pose = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ id: 'm', up: 'z', intrinsics: k, frames: [{ id: 'a', depth: 'd0.png', pose }] }));
    const s = await loadScene(root, 'manifest');
    expect(s.id).toBe('m');
    expect((await loadFrameDepth(s.frames[0])).data[0]).toBe(1.5);
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ intrinsics: k, frames: [{ depth: 'd0.png', pose: pose.slice(1) }] }));
    await expect(loadScene(root, 'manifest')).rejects.toThrow(/frames\[0\]\.pose must be 16 numbers/);
    writeFileSync(join(root, 'manifest.json'), '{\n  "frames": [\n    oops\n  ]\n}');
    await expect(loadScene(root, 'manifest')).rejects.toThrow(/manifest\.json:3: not valid JSON/);
  });
});
