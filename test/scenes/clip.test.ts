// Dynamic clips: the TAPVid-3D .npz reader on fixtures written by NumPy (pickled object images,
// fixed-width byte images, float32 and float64 tracks, no images), the JSON form, their errors, and
// the built-in synthetic clip (exact tracks, visibility consistent with the rendered depth, rigid
// bodies recovered exactly by the segmentation).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rigidSegmentation } from '../../lib/ops/motion/native.js';
import { invertRigidPose } from '../../lib/pose.js';
import { loadClip, loadClipJson, loadTapVid3dNpz } from '../../lib/scenes/clip.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { tempDirs } from '../helpers/tmp.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tapvid3d');
const tmp = tempDirs('spatial-clip-');
const [T, N] = [3, 8];

/** The closed forms of make_fixtures.py. */
function expectedTrack(t: number, i: number): [number, number, number] {
  return [0.1 * i + 0.01 * t, 0.05 * i - 0.02 * t, 2.0 + 0.1 * i];
}
const expectedVisible = (t: number, i: number) => ((t + i) % 3 !== 0 ? 1 : 0);
function expectedCamFromWorld(k: number): Float64Array {
  const c = Math.cos(0.1 * k), s = Math.sin(0.1 * k);
  return Float64Array.of(c, 0, s, k, 0, 1, 0, 0, -s, 0, c, 0.5 * k, 0, 0, 0, 1);
}

describe('loadTapVid3dNpz', () => {
  for (const [file, f32] of [['tiny_object.npz', true], ['tiny_fixed.npz', false]] as const)
    it(`reads ${file} (images ${file.includes('object') ? 'pickled |O' : 'fixed-width |S'}, ${f32 ? 'float32' : 'float64'} tracks)`, async () => {
      const clip = await loadTapVid3dNpz(join(FIXTURES, file));
      expect(clip.id).toBe(file.replace('.npz', ''));
      expect([clip.frames, clip.tracks]).toEqual([T, N]);
      expect(clip.tracksXYZ).toBeInstanceOf(f32 ? Float32Array : Float64Array);
      for (let t = 0; t < T; t++)
        for (let i = 0; i < N; i++) {
          const want = expectedTrack(t, i);
          for (let c = 0; c < 3; c++) expect(clip.tracksXYZ[3 * (t * N + i) + c]).toBeCloseTo(want[c], f32 ? 6 : 14);
          expect(clip.visibility[t * N + i]).toBe(expectedVisible(t, i));
        }
      expect(clip.intrinsics).toEqual({ fx: 30, fy: 31, cx: 15.5, cy: 11.5, width: 32, height: 24 });
      // worldFromCam is the inverse of the stored camera-from-world.
      for (let k = 0; k < T; k++) {
        const want = invertRigidPose(expectedCamFromWorld(k));
        clip.poses![k].forEach((v, j) => expect(v).toBeCloseTo(want[j], f32 ? 6 : 14));
      }
      const img = await clip.images!.load(2);
      expect([img.width, img.height, img.channels]).toEqual([32, 24, 3]);
      expect(Math.abs(img.data[2] - 80)).toBeLessThanOrEqual(3); // cv2 wrote BGR: channel 0 (blue) = 40 k, JPEG-rounded
      const enc = clip.images!.encoded!(1);
      expect(enc.ext).toBe('.jpg');
      expect([enc.bytes[0], enc.bytes[1], enc.bytes[enc.bytes.length - 2], enc.bytes[enc.bytes.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    });

  it('reads a clip without images given the image size, and without extrinsics (static camera)', async () => {
    const path = join(FIXTURES, 'tiny_noimages.npz');
    await expect(loadTapVid3dNpz(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/no images_jpeg_bytes and no image_size/) });
    const clip = await loadClip(path, { imageSize: [32, 24] });
    expect(clip.poses).toBeUndefined();
    expect(clip.images).toBeUndefined();
    expect(clip.intrinsics.width).toBe(32);
  });

  it('names the file and the array on malformed input', async () => {
    const dir = tmp();
    const notZip = join(dir, 'bad.npz');
    writeFileSync(notZip, 'not a zip');
    await expect(loadTapVid3dNpz(notZip)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('bad.npz') });
    await expect(loadTapVid3dNpz(join(dir, 'missing.npz'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO' });
    await expect(loadClip(join(dir, 'clip.txt'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/\.npz or \.json/) });
  });
});

describe('loadClipJson', () => {
  function writeClip(dir: string, doc: Record<string, unknown>): string {
    const p = join(dir, 'clip.json');
    writeFileSync(p, JSON.stringify(doc));
    return p;
  }
  const base = () => ({
    id: 'json-clip',
    fx_fy_cx_cy: [30, 31, 15.5, 11.5],
    image_size: [32, 24],
    tracks_XYZ: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => expectedTrack(t, i))),
    visibility: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => expectedVisible(t, i) === 1)),
    extrinsics_w2c: Array.from({ length: T }, (_, k) => Array.from({ length: 4 }, (_, r) => Array.from(expectedCamFromWorld(k).subarray(4 * r, 4 * r + 4)))),
  });

  it('reads the same content as the .npz', async () => {
    const clip = await loadClipJson(writeClip(tmp(), base()));
    const npz = await loadTapVid3dNpz(join(FIXTURES, 'tiny_fixed.npz'));
    expect(clip.id).toBe('json-clip');
    expect(Array.from(clip.visibility)).toEqual(Array.from(npz.visibility));
    clip.tracksXYZ.forEach((v, k) => expect(v).toBeCloseTo(npz.tracksXYZ[k], 14));
    clip.poses!.forEach((p, k) => p.forEach((v, j) => expect(v).toBeCloseTo(npz.poses![k][j], 14)));
  });

  it('reads images listed relative to the file', async () => {
    const dir = tmp();
    const npz = await loadTapVid3dNpz(join(FIXTURES, 'tiny_object.npz'));
    mkdirSync(join(dir, 'frames'));
    for (let t = 0; t < T; t++) writeFileSync(join(dir, 'frames', `${t}.jpg`), npz.images!.encoded!(t).bytes);
    const { image_size: _, ...doc } = base();
    const clip = await loadClipJson(writeClip(dir, { ...doc, images: [0, 1, 2].map((t) => `frames/${t}.jpg`) }));
    expect(clip.intrinsics.width).toBe(32);
    expect((await clip.images!.load(0)).height).toBe(24);
  });

  it('rejects malformed clips with the key or element that is wrong', async () => {
    const dir = tmp();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base(), extra: 1 }, /unknown key extra/],
      [{ ...base(), tracks_XYZ: [[[0, 0]]] }, /tracks_XYZ of shape \(T, N, 3\)/],
      [{ ...base(), visibility: [[true]] }, /visibility of shape \(3, 8\)/],
      [{ ...base(), fx_fy_cx_cy: [1, 2, 3] }, /fx_fy_cx_cy of 4 numbers/],
      [{ ...base(), extrinsics_w2c: [[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]] }, /extrinsics_w2c of shape \(3, 4, 4\)/],
      [{ ...base(), tracks_XYZ: base().tracks_XYZ.map((f, t) => (t === 1 ? f.map((p, i) => (i === 2 ? [0, 'x', 0] : p)) : f)) }, /tracks_XYZ\[1\]\[2\]\[1\]/],
      [(({ image_size: _, ...d }) => d)(base()), /no images and no image_size/],
    ];
    for (const [doc, msg] of cases) await expect(loadClipJson(writeClip(dir, doc))).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(msg) });
    const skew = base();
    skew.extrinsics_w2c[1][0][0] = 2; // not a rotation
    await expect(loadClipJson(writeClip(dir, skew))).rejects.toMatchObject({ code: 'ERR_SPATIAL_POSE', message: expect.stringContaining('extrinsics_w2c[1]') });
  });
});

describe('synthesizeClip', () => {
  it('segmentation recovers its rigid bodies exactly (static room + each moving box), for several seeds', () => {
    for (const seed of [0, 1, 2, 7]) {
      const clip = synthesizeClip({ seed, frames: 30, width: 320 });
      const seg = rigidSegmentation(clip.tracksXYZ, clip.frames);
      const bodies = clip.bodies!;
      const movers = Math.max(...bodies);
      expect(seg.groups.length, `seed ${seed}`).toBe(movers + 1);
      // Each group is exactly one body's tracks.
      for (const g of seg.groups) {
        const b = bodies[g[0]];
        expect(g.every((i) => bodies[i] === b)).toBe(true);
        expect(g.length).toBe(bodies.filter((x) => x === b).length);
      }
      expect(Array.from(seg.labels).every((l) => l >= 0)).toBe(true);
    }
  });

  it('tracks are exact: camera-frame tracks of one body move rigidly in the world, static ones stay put', () => {
    const clip = synthesizeClip({ seed: 3, frames: 12, width: 320 });
    const n = clip.tracks;
    const world = (t: number, i: number) => {
      const P = clip.poses![t], o = 3 * (t * n + i);
      const [x, y, z] = [clip.tracksXYZ[o], clip.tracksXYZ[o + 1], clip.tracksXYZ[o + 2]];
      return [0, 1, 2].map((r) => P[4 * r] * x + P[4 * r + 1] * y + P[4 * r + 2] * z + P[4 * r + 3]);
    };
    // float32 camera coordinates a few metres from the camera: ~1e-6 m of rounding.
    for (let i = 0; i < n; i += 7) {
      const d = world(11, i).map((v, c) => v - world(0, i)[c]);
      if (clip.bodies![i] === 0) expect(Math.hypot(...d)).toBeLessThan(1e-5);
      else {
        const j = clip.bodies!.indexOf(clip.bodies![i]); // first track of the same body
        const dj = world(11, j).map((v, c) => v - world(0, j)[c]);
        d.forEach((v, c) => expect(v).toBeCloseTo(dj[c], 5));
      }
    }
  });

  it('visible tracks are in front of the camera and inside the image; some in-image tracks are occluded', () => {
    const clip = synthesizeClip({ seed: 5, frames: 6, width: 320 });
    const n = clip.tracks, k = clip.intrinsics;
    let visible = 0, occluded = 0;
    for (let t = 0; t < clip.frames; t += 5) {
      for (let i = 0; i < n; i++) {
        const o = 3 * (t * n + i);
        const [x, y, z] = [clip.tracksXYZ[o], clip.tracksXYZ[o + 1], clip.tracksXYZ[o + 2]];
        if (!clip.visibility[t * n + i]) {
          const u = (k.fx * x) / z + k.cx, v = (k.fy * y) / z + k.cy;
          if (z > 0 && u >= -0.5 && u < k.width - 0.5 && v >= -0.5 && v < k.height - 0.5) occluded++;
          continue;
        }
        visible++;
        expect(z).toBeGreaterThan(0);
        const u = (k.fx * x) / z + k.cx, v = (k.fy * y) / z + k.cy;
        expect(u).toBeGreaterThanOrEqual(-0.5);
        expect(u).toBeLessThan(k.width - 0.5);
        expect(v).toBeGreaterThanOrEqual(-0.5);
        expect(v).toBeLessThan(k.height - 0.5);
      }
    }
    expect(visible).toBeGreaterThan(100);
    expect(occluded).toBeGreaterThan(10); // the depth test, not just the image bounds, decides
    // Rendering is deterministic: the image of a frame is the same on every load.
    return clip.images!.load(1).then(async (a) => expect((await clip.images!.load(1)).data).toEqual(a.data));
  });

  it('is deterministic for its options and checks them', () => {
    const a = synthesizeClip({ seed: 9, frames: 4, width: 160 }), b = synthesizeClip({ seed: 9, frames: 4, width: 160 });
    expect(a.tracksXYZ).toEqual(b.tracksXYZ);
    expect(synthesizeClip({ seed: 10, frames: 4, width: 160 }).tracksXYZ).not.toEqual(a.tracksXYZ);
    expect(() => synthesizeClip({ frames: 1 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts.frames/) }));
    expect(() => synthesizeClip({ movers: 9 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts.movers/) }));
  });
});
