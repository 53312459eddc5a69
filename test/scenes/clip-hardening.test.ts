// Nonsense a clip loader once accepted with exit 0: string or absurd intrinsics, integer tracks, no
// tracks; and non-finite tracks, which are dropped (and counted) before the segmentation instead of
// merging the static room into one moving group. The intrinsics check is shared by every scene format.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateClip } from '../../lib/engine/dynamic.js';
import { loadScanNet, loadManifest, loadTum } from '../../lib/index.js';
import { loadClipJson, loadTapVid3dNpz } from '../../lib/scenes/clip.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { IDENTITY } from '../helpers/cameras.js';
import { npy, npyOf, zip, type ZipMember } from '../helpers/npz.js';
import { kMatrix, matrixText, put, writeScanNet, writeTum } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-clip-hard-');
const [T, N] = [3, 8];

function members(over: Partial<Record<'tracks' | 'k', ZipMember['data']>> = {}): ZipMember[] {
  const tracks = Float32Array.from({ length: T * N * 3 }, (_, i) => (i % 3 === 2 ? 2 : 0.01 * (i % 7)));
  return [
    { name: 'tracks_XYZ.npy', data: over.tracks ?? npyOf(tracks, [T, N, 3], '<f4') },
    { name: 'visibility.npy', data: npyOf(new Uint8Array(T * N).fill(1), [T, N], '|b1') },
    { name: 'fx_fy_cx_cy.npy', data: over.k ?? npyOf([30, 31, 15.5, 11.5], [4]) },
    { name: 'image_size.npy', data: npyOf([32, 24], [2], '<i4') },
  ];
}
const npz = (m: ZipMember[]) => {
  const p = join(tmp(), 'clip.npz');
  writeFileSync(p, zip(m));
  return p;
};
/** NumPy's '<U5' layout: UTF-32LE, NUL-padded. */
const utf32 = (strings: string[], n: number) => {
  const out = new Uint8Array(strings.length * n * 4);
  strings.forEach((s, i) => [...s].forEach((c, j) => new DataView(out.buffer).setUint32(4 * (i * n + j), c.codePointAt(0)!, true)));
  return out;
};

describe('clip loaders reject nonsense', () => {
  it('reads the well-formed clip', async () => {
    expect((await loadTapVid3dNpz(npz(members()))).intrinsics).toMatchObject({ fx: 30, width: 32 });
  });

  it('fx_fy_cx_cy stored as strings is ERR_SPATIAL_FORMAT naming the key and dtype (not fx = fy = cx = cy = 1)', async () => {
    const p = npz(members({ k: npy('<U5', [4], utf32(['500', '500', '319.5', '239.5'], 5)) }));
    await expect(loadTapVid3dNpz(p)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/clip\.npz.*fx_fy_cx_cy.*dtype <U5/) });
  });

  it('integer tracks_XYZ is ERR_SPATIAL_FORMAT naming the dtype (float32/float64 metres only)', async () => {
    const p = npz(members({ tracks: npyOf(new Int32Array(T * N * 3).fill(2), [T, N, 3], '<i4') }));
    await expect(loadTapVid3dNpz(p)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/tracks_XYZ as float32 or float64.*i4/) });
  });

  it('a clip with zero tracks is ERR_SPATIAL_FORMAT', async () => {
    const m = members({ tracks: npyOf([], [T, 0, 3], '<f4') });
    m[1] = { name: 'visibility.npy', data: npyOf([], [T, 0], '|b1') };
    await expect(loadTapVid3dNpz(npz(m))).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/no tracks/) });
  });

  it('implausible intrinsics are ERR_SPATIAL_CAMERA in clips (npz and JSON)', async () => {
    for (const k of [[1e300, 30, 15.5, 11.5], [30, 1e6, 15.5, 11.5], [30, 30, 1e5, 11.5], [30, 30, 15.5, -1e4]])
      await expect(loadTapVid3dNpz(npz(members({ k: npyOf(k, [4]) }))), String(k)).rejects.toMatchObject({ code: 'ERR_SPATIAL_CAMERA' });
    const p = join(tmp(), 'clip.json');
    writeFileSync(p, JSON.stringify({ fx_fy_cx_cy: [1e300, 30, 15.5, 11.5], image_size: [32, 24], tracks_XYZ: [[[0, 0, 2]]], visibility: [[1]] }));
    await expect(loadClipJson(p)).rejects.toMatchObject({ code: 'ERR_SPATIAL_CAMERA', message: expect.stringMatching(/fx must be < 1000000/) });
  });
});

describe('the same intrinsics check in every scene format', () => {
  it('ScanNet, TUM and manifest intrinsics with fx = 1e300 or cx far outside the image are ERR_SPATIAL_CAMERA', async () => {
    const sn = join(tmp(), 'sn');
    await writeScanNet(sn, [{ n: '0', pose: IDENTITY }]);
    await put(join(sn, 'intrinsic', 'intrinsic_depth.txt'), matrixText(kMatrix(1e300, 11, 1.5, 1)));
    await expect(loadScanNet(sn)).rejects.toMatchObject({ code: 'ERR_SPATIAL_CAMERA', message: expect.stringContaining('intrinsic_depth.txt') });
    const tum = join(tmp(), 'tum');
    await writeTum(tum, { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    await put(join(tum, 'intrinsics.json'), JSON.stringify({ fx: 525, fy: 525, cx: 1e6, cy: 239.5 }));
    await expect(loadTum(tum)).rejects.toMatchObject({ code: 'ERR_SPATIAL_CAMERA', message: expect.stringContaining('intrinsics.json') });
    const m = join(tmp(), 'm');
    await writeTum(m, { rgb: [], depth: ['1.0'], groundtruth: [] });
    const K = { fx: 1e7, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 };
    await put(join(m, 'manifest.json'), JSON.stringify({ version: 1, id: 'm', frames: [{ id: '0', depth: 'depth/1.0.png', depthScale: 5000, intrinsics: K, pose: Array.from(IDENTITY) }] }));
    await expect(loadManifest(m)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/manifest\.json:1: frames\[0\]\.intrinsics: .*fx must be < 1000000/) });
  });
});

describe('non-finite tracks', () => {
  it('are dropped before the segmentation and counted in the report and stats.json', async () => {
    const clean = synthesizeClip({ seed: 0, frames: 20, width: 160 });
    const broken = { ...clean, tracksXYZ: clean.tracksXYZ.slice() };
    const bad = [0, 1, 2, 500, 1000];
    for (const [j, i] of bad.entries()) broken.tracksXYZ[3 * ((j * 3) * clean.tracks + i) + (j % 3)] = j % 2 ? Infinity : NaN;
    const out = tmp();
    const report = await generateClip(broken, { outDir: out, seed: 0, perTask: 2, prompts: false });
    expect(report.nonFiniteTracks).toBe(bad.length);
    expect(report.tracks).toBe(clean.tracks);
    expect(report.groups.reduce((s, g) => s + g.size, 0)).toBeLessThanOrEqual(clean.tracks - bad.length);
    // The static room stays one static group and the three movers stay apart, as in the clean clip.
    expect(report.groups.filter((g) => g.moving).length).toBe(3);
    expect(report.groups[0].moving).toBe(false);
    const stats = JSON.parse((await import('node:fs')).readFileSync(join(out, 'stats.json'), 'utf8'));
    expect(stats.nonFiniteTracks).toBe(bad.length);
  }, 60_000);

  it('a clip whose every track is non-finite is ERR_SPATIAL_FORMAT', async () => {
    const c = synthesizeClip({ seed: 0, frames: 4, width: 160 });
    await expect(generateClip({ ...c, tracksXYZ: new Float32Array(c.tracksXYZ.length).fill(NaN) }, { outDir: tmp(), prompts: false })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/no track with finite coordinates/) });
  });
});
