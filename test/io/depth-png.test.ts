// 16-bit depth PNGs: exact round trip (fast-check), the real files' stored values, and errors.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDepthPng, writeDepthPng, writeImage, type DepthMap } from '../../lib/index.js';
import { sample } from '../helpers/shared-data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spatial-io-depth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function stats(d: DepthMap) {
  const valid = Array.from(d.data).filter((v) => v > 0).sort((a, b) => a - b);
  return { validFraction: valid.length / d.data.length, min: valid[0], median: valid[valid.length >> 1], max: valid[valid.length - 1] };
}

/** Sum of the stored uint16 values, recovered from metres (exact: every value is k / scale). */
function storedSum(d: DepthMap, scale: number): number {
  let s = 0;
  for (const v of d.data) s += Math.round(v * scale);
  return s;
}

describe('writeDepthPng / readDepthPng', () => {
  it('round-trips k / scale exactly for any scale and any stored k (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.oneof(fc.constantFrom(1000, 5000, 1, 4000.5), fc.double({ min: 1e-3, max: 1e6, noNaN: true })),
        fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 36, maxLength: 36 }),
        async (w, h, scale, ks) => {
          const stored = ks.slice(0, w * h);
          const depth: DepthMap = { width: w, height: h, data: Float32Array.from(stored, (k) => k / scale) };
          const path = join(dir, `rt${n++}.png`);
          await writeDepthPng(path, depth, { scale });
          const back = await readDepthPng(path, { scale });
          expect(back.width).toBe(w);
          expect(back.height).toBe(h);
          // Exact equality: Float32(k / scale) * scale is within k * 2^-24 < 0.5 of k, so the stored
          // integer is k again, and reading divides the same k by the same scale.
          expect(Array.from(back.data)).toEqual(Array.from(depth.data));
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it('stores invalid depths (0, -0, NaN, +-Infinity) as 0 and rounds to the nearest unit', async () => {
    const path = join(dir, 'invalid.png');
    const data = Float32Array.of(0, -0, NaN, Infinity, -Infinity, 1.2344, 1.2346, 0.0004);
    await writeDepthPng(path, { width: 4, height: 2, data }, { scale: 1000 });
    const back = await readDepthPng(path, { scale: 1000 });
    expect(Array.from(back.data)).toEqual(Array.from(Float32Array.of(0, 0, 0, 0, 0, 1.234, 1.235, 0)));
    const raw = await sharp(path).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
    expect(Array.from(new Uint16Array(raw.buffer, raw.byteOffset, 8))).toEqual([0, 0, 0, 0, 0, 1234, 1235, 0]);
  });

  it('writes a 16-bit single-channel PNG', async () => {
    const path = join(dir, 'meta.png');
    await writeDepthPng(path, { width: 3, height: 2, data: new Float32Array(6).fill(2) }, { scale: 5000 });
    const meta = await sharp(path).metadata();
    expect(meta).toMatchObject({ format: 'png', depth: 'ushort', channels: 1, width: 3, height: 2 });
  });

  it('a value outside uint16 is ERR_SPATIAL_SHAPE naming the pixel, and nothing is written', async () => {
    const path = join(dir, 'range.png');
    const data = new Float32Array(6).fill(1);
    data[4] = 70; // 70 m * 1000 = 70000 > 65535
    await expect(writeDepthPng(path, { width: 3, height: 2, data }, { scale: 1000 })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: 'depth.data[4] (row 1, col 1) = 70 m is 70000 units at scale 1000, outside the uint16 range [0, 65535]',
    });
    data[4] = -0.01;
    await expect(writeDepthPng(path, { width: 3, height: 2, data }, { scale: 1000 })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: expect.stringMatching(/depth\.data\[4\] \(row 1, col 1\) = -0\.0099\d* m is -10 units/),
    });
    expect(await readdir(dir)).not.toContain('range.png');
  });

  it('65535 / scale is the largest storable depth', async () => {
    const path = join(dir, 'max.png');
    await writeDepthPng(path, { width: 1, height: 1, data: Float32Array.of(65535 / 5000) }, { scale: 5000 });
    expect((await readDepthPng(path, { scale: 5000 })).data[0]).toBe(Math.fround(65535 / 5000));
  });
});

describe('depth PNG errors', () => {
  it('rejects 8-bit and multi-channel files with ERR_SPATIAL_FORMAT naming the file', async () => {
    const grey8 = join(dir, 'grey8.png');
    await writeImage(grey8, { width: 2, height: 1, channels: 1, data: Uint8Array.of(1, 2) });
    await expect(readDepthPng(grey8, { scale: 1000 })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_FORMAT',
      message: `Expected a 16-bit single-channel PNG for depth image ${grey8} but received a 8-bit 1-channel png image`,
    });
    const rgb16 = join(dir, 'rgb16.png');
    await sharp(new Uint16Array(6), { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toFile(rgb16);
    await expect(readDepthPng(rgb16, { scale: 1000 })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_FORMAT',
      message: `Expected a 16-bit single-channel PNG for depth image ${rgb16} but received a 16-bit 3-channel png image`,
    });
    const jpg = join(dir, 'depth.jpg');
    await writeImage(jpg, { width: 2, height: 1, channels: 1, data: Uint8Array.of(1, 2) });
    await expect(readDepthPng(jpg, { scale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining(`depth image ${jpg} but received a 8-bit 1-channel jpeg`) });
  });

  it('a missing file is ERR_SPATIAL_IO naming the path', async () => {
    const path = join(dir, 'absent.png');
    await expect(readDepthPng(path, { scale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: `Cannot read depth image ${path}: no such file or directory` });
  });

  it('checks scale, path and depth map before touching the disk', async () => {
    const d: DepthMap = { width: 1, height: 1, data: Float32Array.of(1) };
    await expect(readDepthPng(join(dir, 'x.png'), { scale: 0 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_SHAPE', message: 'opts.scale must be a finite number > 0 (got 0)' });
    await expect(readDepthPng(join(dir, 'x.png'), undefined as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: 'Expected an options object { scale } for opts but received undefined' });
    await expect(writeDepthPng(join(dir, 'x.png'), d, { scale: '1000' as never })).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE', message: 'Expected a number for opts.scale but received the string "1000"' });
    await expect(writeDepthPng(join(dir, 'x.jpg'), d, { scale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('Expected a .png file name for path') });
    await expect(writeDepthPng(join(dir, 'x.png'), { width: 2, height: 1, data: Float32Array.of(1) }, { scale: 1000 })).rejects.toMatchObject({
      code: 'ERR_SPATIAL_SHAPE',
      message: 'depth.data.length must be width*height = 2 (got 1)',
    });
  });
});

// Stored sums were computed independently with OpenCV (cv2.imread(path, IMREAD_UNCHANGED).sum()).
const tum = sample('tum-single-frame');
describe.skipIf(!tum.present)('real depth: tum-single-frame', () => {
  it('decodes the stored 16-bit values (5000 / m), median ~2.42 m', async () => {
    const d = await readDepthPng(join(tum.dir, 'depth.png'), { scale: 5000 });
    expect([d.width, d.height]).toEqual([640, 480]);
    expect(storedSum(d, 5000)).toBe(3074716315);
    expect(Math.round(d.data[50000] * 5000)).toBe(10780);
    const s = stats(d);
    console.log(`[real data] tum-single-frame depth: valid ${(100 * s.validFraction).toFixed(1)} %, min ${s.min.toFixed(3)} m, median ${s.median.toFixed(3)} m, max ${s.max.toFixed(3)} m`);
    expect(s.median).toBeGreaterThan(2.4);
    expect(s.median).toBeLessThan(2.44);
  });
});

const holo = sample('hololens-scannet');
describe.skipIf(!holo.present)('real depth: hololens-scannet', () => {
  it('decodes depth/0.png in millimetres (1000 / m)', async () => {
    const d = await readDepthPng(join(holo.dir, 'depth', '0.png'), { scale: 1000 });
    expect([d.width, d.height]).toEqual([540, 360]);
    expect(storedSum(d, 1000)).toBe(261917524);
    expect(d.data[1000]).toBe(Math.fround(1.232));
    expect(d.data[50000]).toBe(Math.fround(1.625));
    const s = stats(d);
    console.log(`[real data] hololens-scannet depth/0.png: valid ${(100 * s.validFraction).toFixed(1)} %, min ${s.min.toFixed(3)} m, median ${s.median.toFixed(3)} m, max ${s.max.toFixed(3)} m`);
    // The data README: about 22 % of pixels invalid.
    expect(s.validFraction).toBeGreaterThan(0.75);
    expect(s.validFraction).toBeLessThan(0.81);
  });
});

const redwood = sample('redwood-tum');
describe.skipIf(!redwood.present)('real depth: redwood-tum', () => {
  it('decodes depth/1000.005000.png (5000 / m)', async () => {
    const d = await readDepthPng(join(redwood.dir, 'depth', '1000.005000.png'), { scale: 5000 });
    expect([d.width, d.height]).toEqual([640, 480]);
    expect(storedSum(d, 5000)).toBe(2395996665);
    expect(d.data[50000]).toBe(Math.fround(6920 / 5000));
  });
});
