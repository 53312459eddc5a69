// Image and depth I/O through sharp: exact 16-bit round trips, real files, errors.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDepthPng, readImage, writeDepthPng, writeImage } from '../../lib/index.js';
import { sample } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'spatial-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('depth PNG', () => {
  it('writeDepthPng then readDepthPng returns k / scale exactly; invalid depths come back as 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1000, 5000, 4000),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constant(-1)), { minLength: 108, maxLength: 108 }),
        async (w, h, scale, raw) => {
          const data = Float32Array.from(raw.slice(0, w * h), (k) => (k < 0 ? NaN : k / scale));
          const p = join(dir, `d-${w}-${h}-${scale}.png`);
          await writeDepthPng(p, { width: w, height: h, data }, { scale });
          const back = await readDepthPng(p, { scale });
          expect(back.width).toBe(w);
          expect(Array.from(back.data)).toEqual(Array.from(data, (d) => (Number.isNaN(d) ? 0 : Math.fround(Math.round(d * scale) / scale))));
        },
      ),
      { seed: 3, numRuns: 40 },
    );
  });

  it('rejects depths that do not fit 16 bits, naming the pixel; missing and 8-bit files', async () => {
    await expect(writeDepthPng(join(dir, 'x.png'), { width: 2, height: 1, data: Float32Array.of(1, 20) }, { scale: 5000 })).rejects.toThrow(/pixel \(1, 0\) is 20 m/);
    await expect(readDepthPng(join(dir, 'missing.png'), { scale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO' });
    await writeImage(join(dir, 'rgb.png'), { width: 2, height: 2, channels: 3, data: new Uint8Array(12) });
    await expect(readDepthPng(join(dir, 'rgb.png'), { scale: 1000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/16-bit single-channel/) });
    writeFileSync(join(dir, 'junk.png'), 'not a png');
    await expect(readImage(join(dir, 'junk.png'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
  });

  const tum = sample('tum-single-frame');
  it.skipIf(!tum)('decodes the real TUM frame at 5000 per metre (median about 2.42 m)', async () => {
    const d = await readDepthPng(join(tum!, 'depth.png'), { scale: 5000 });
    expect([d.width, d.height]).toEqual([640, 480]);
    const valid = Array.from(d.data).filter((v) => v > 0).sort((a, b) => a - b);
    const median = valid[valid.length >> 1];
    console.info(`tum-single-frame: ${valid.length} valid pixels (${((100 * valid.length) / d.data.length).toFixed(1)} %), median ${median.toFixed(3)} m`);
    expect(median).toBeGreaterThan(2.3);
    expect(median).toBeLessThan(2.55);
    const color = await readImage(join(tum!, 'color.png'));
    expect([color.width, color.height, color.channels]).toEqual([640, 480, 3]);
  });
});

describe('colour images', () => {
  it('PNG round trip is exact; JPEG keeps size and channels', async () => {
    const img = { width: 5, height: 3, channels: 3 as const, data: Uint8Array.from({ length: 45 }, (_, i) => (i * 37) % 256) };
    await writeImage(join(dir, 'a.png'), img);
    expect(await readImage(join(dir, 'a.png'))).toEqual(img);
    await writeImage(join(dir, 'a.jpg'), img);
    const j = await readImage(join(dir, 'a.jpg'));
    expect([j.width, j.height, j.channels]).toEqual([5, 3, 3]);
    await expect(writeImage(join(dir, 'a.bmp'), img)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
  });
});
