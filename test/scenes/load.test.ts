// loadScene dispatch and the per-frame pixel loaders (in memory or from disk, size checks).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrameColor, loadFrameDepth, loadScene, writeDepthPng, writeImage, type Frame } from '../../lib/index.js';
import { IDENTITY } from '../helpers/cameras.js';
import { flatDepth, flatImage, put, writeScanNet, writeTum } from '../helpers/scene-files.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'spatial-load-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const K = { fx: 10, fy: 10, cx: 1.5, cy: 1, width: 4, height: 3 };

describe('loadScene', () => {
  it('dispatches to the ScanNet, TUM and manifest loaders', async () => {
    await writeScanNet(join(tmp, 'sn'), [{ n: '0', pose: IDENTITY }, { n: '1', pose: IDENTITY }]);
    expect((await loadScene(join(tmp, 'sn'), 'scannet', { frameStep: 2 })).frames.map((f) => f.id)).toEqual(['0']);
    await writeTum(join(tmp, 'tum'), { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    expect((await loadScene(join(tmp, 'tum'), 'tum')).format).toBe('tum');
    await writeDepthPng(join(tmp, 'd.png'), flatDepth(4, 3, 1), { scale: 1000 });
    await put(join(tmp, 'm', 'manifest.json'), JSON.stringify({ version: 1, id: 'm', frames: [{ id: '0', depth: '../d.png', depthScale: 1000, intrinsics: K, pose: Array.from(IDENTITY) }] }));
    // '../d.png' leaves the manifest's folder: refused unless allowed.
    await expect(loadScene(join(tmp, 'm'), 'manifest')).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/frames\[0\]\.depth: file "\.\.\/d\.png" resolves to .*outside the scene folder/) });
    expect((await loadScene(join(tmp, 'm'), 'manifest', { allowOutsidePaths: true })).id).toBe('m');
  });

  it('rejects an unknown format and unknown options for manifests', async () => {
    await expect(loadScene(tmp, 'colmap' as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: `Expected 'scannet', 'tum' or 'manifest' for format but received the string "colmap"` });
    await expect(loadScene(join(tmp, 'm'), 'manifest', { frameStep: 1 } as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: 'Unknown option opts.frameStep (expected one of allowOutsidePaths)' });
  });
});

describe('loadFrameDepth / loadFrameColor', () => {
  it('return in-memory pixels without touching the disk', async () => {
    const depth = flatDepth(4, 3, 2);
    const color = flatImage(4, 3);
    const frame: Frame = { id: 'mem', intrinsics: K, pose: IDENTITY, depth, color, depthPath: join(tmp, 'absent.png') };
    expect(await loadFrameDepth(frame)).toBe(depth);
    expect(await loadFrameColor(frame)).toBe(color);
  });

  it('read depthPath with depthScale and colorPath, checking sizes against the intrinsics', async () => {
    await writeDepthPng(join(tmp, 'f.png'), flatDepth(4, 3, 0.5), { scale: 5000 });
    await writeImage(join(tmp, 'c.png'), flatImage(8, 6));
    const frame: Frame = { id: 'disk', intrinsics: K, pose: IDENTITY, depthPath: join(tmp, 'f.png'), depthScale: 5000, colorPath: join(tmp, 'c.png'), colorIntrinsics: { ...K, width: 8, height: 6 } };
    expect(Array.from((await loadFrameDepth(frame)).data)).toEqual(new Array(12).fill(0.5));
    expect(await loadFrameColor(frame)).toMatchObject({ width: 8, height: 6 });
    await expect(loadFrameColor({ ...frame, colorIntrinsics: undefined })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: `${join(tmp, 'c.png')} is 8x6 but frame disk's colour intrinsics are for 4x3`,
    });
    await expect(loadFrameDepth({ ...frame, intrinsics: { ...K, width: 5 } })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: `${join(tmp, 'f.png')} is 4x3 but frame disk's intrinsics are for 5x3`,
    });
  });

  it('report frames without pixels and missing files', async () => {
    const bare: Frame = { id: 'bare', intrinsics: K, pose: IDENTITY };
    await expect(loadFrameDepth(bare)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: 'frame bare has no depth: expected frame.depth, or frame.depthPath with frame.depthScale' });
    await expect(loadFrameDepth({ ...bare, depthPath: join(tmp, 'f.png') })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
    await expect(loadFrameDepth({ ...bare, depthPath: join(tmp, 'gone.png'), depthScale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: `Cannot read depth image ${join(tmp, 'gone.png')}: no such file or directory` });
    await expect(loadFrameDepth(null as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE' });
  });
});
