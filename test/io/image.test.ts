// Colour/grey image files through sharp: round trips, stored channel counts, atomic writes, errors.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage, readImageInfo, writeImage, type Image } from '../../lib/index.js';
import { sample } from '../helpers/shared-data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spatial-io-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ramp(width: number, height: number, channels: 1 | 3 | 4): Image {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
  return { width, height, channels, data };
}

async function expectError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

describe('readImage / writeImage', () => {
  it.each([1, 3, 4] as const)('PNG round-trips a %i-channel image exactly', async (channels) => {
    const img = ramp(7, 5, channels);
    const path = join(dir, `ramp${channels}.png`);
    await writeImage(path, img);
    const back = await readImage(path);
    expect(back).toMatchObject({ width: 7, height: 5, channels });
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('JPEG keeps size and channels (1 and 3) and is close at quality 100', async () => {
    for (const channels of [1, 3] as const) {
      const img: Image = { width: 16, height: 8, channels, data: new Uint8Array(16 * 8 * channels).fill(120) };
      const path = join(dir, `flat${channels}.jpg`);
      await writeImage(path, img, { quality: 100 });
      const back = await readImage(path);
      expect(back).toMatchObject({ width: 16, height: 8, channels });
      // A flat image survives JPEG's DCT almost exactly; 2 levels covers colour-conversion rounding.
      for (const v of back.data) expect(Math.abs(v - 120)).toBeLessThanOrEqual(2);
    }
  });

  it('reads grey+alpha as RGBA (Image has no 2-channel layout) and adds no alpha to RGB', async () => {
    const path = join(dir, 'ga.png');
    await sharp(Buffer.from([10, 255, 20, 128]), { raw: { width: 2, height: 1, channels: 2 } }).png().toFile(path);
    const back = await readImage(path);
    expect(back.channels).toBe(4);
    expect(Array.from(back.data)).toEqual([10, 10, 10, 255, 20, 20, 20, 128]);
  });

  it('writes through a temporary file and leaves nothing else in the directory', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'out.png');
    await writeImage(path, ramp(4, 4, 3));
    await writeImage(path, ramp(3, 2, 1)); // overwrite in place
    expect(await readdir(sub)).toEqual(['out.png']);
    expect(await readImage(path)).toMatchObject({ width: 3, height: 2, channels: 1 });
  });

  it('readImageInfo reads only the header', async () => {
    const path = join(dir, 'info.png');
    await writeImage(path, ramp(9, 4, 4));
    expect(await readImageInfo(path)).toEqual({ format: 'png', width: 9, height: 4, channels: 4, depth: 'uchar' });
  });
});

const holo = sample('hololens-scannet');
const redwood = sample('redwood-tum');

describe.skipIf(!holo.present)('real colour frames: hololens-scannet (PNG)', () => {
  it('reads 0.png as 540x360 RGB', async () => {
    const img = await readImage(join(holo.dir, 'color', '0.png'));
    expect(img).toMatchObject({ width: 540, height: 360, channels: 3 });
    expect(img.data.length).toBe(540 * 360 * 3);
  });
});

describe.skipIf(!redwood.present)('real colour frames: redwood-tum (JPEG)', () => {
  it('reads 1000.000000.jpg as 640x480 RGB', async () => {
    const img = await readImage(join(redwood.dir, 'rgb', '1000.000000.jpg'));
    expect(img).toMatchObject({ width: 640, height: 480, channels: 3 });
    expect(img.data.length).toBe(640 * 480 * 3);
  });
});

describe('image errors', () => {
  it('a missing file is ERR_SPATIAL_IO naming the path', async () => {
    const path = join(dir, 'nope.png');
    await expectError(readImage(path), 'ERR_SPATIAL_IO', new RegExp(`Cannot read image ${path}: no such file`));
  });

  it('a file that is not an image is ERR_SPATIAL_FORMAT naming the path', async () => {
    const path = join(dir, 'junk.png');
    await writeFile(path, 'not a png');
    await expectError(readImage(path), 'ERR_SPATIAL_FORMAT', /Cannot decode image .*junk\.png/);
  });

  it('a decodable non-PNG/JPEG image is ERR_SPATIAL_FORMAT', async () => {
    const path = join(dir, 'x.webp');
    await sharp(Buffer.from([1, 2, 3]), { raw: { width: 1, height: 1, channels: 3 } }).webp().toFile(path);
    await expectError(readImage(path), 'ERR_SPATIAL_FORMAT', /Expected a PNG or JPEG image in .*x\.webp but received webp/);
  });

  it('writing into a missing directory is ERR_SPATIAL_IO and leaves no file', async () => {
    const path = join(dir, 'missing-dir', 'a.png');
    await expectError(writeImage(path, ramp(2, 2, 3)), 'ERR_SPATIAL_IO', /Cannot write image .*missing-dir\/a\.png: its directory does not exist/);
  });

  it('rejects unsupported extensions, RGBA JPEG and malformed images before writing', async () => {
    await expectError(writeImage(join(dir, 'a.bmp'), ramp(2, 2, 3)), 'ERR_SPATIAL_FORMAT', /Expected a \.png, \.jpg or \.jpeg file name for path but received ".*a\.bmp"/);
    await expectError(writeImage(join(dir, 'a.jpg'), ramp(2, 2, 4)), 'ERR_SPATIAL_FORMAT', /JPEG cannot store the alpha channel/);
    await expectError(writeImage(join(dir, 'b.png'), { width: 2, height: 2, channels: 3, data: new Uint8Array(11) }), 'ERR_SPATIAL_SHAPE', /image\.data\.length must be width\*height\*channels = 12 \(got 11\)/);
    await expectError(writeImage(join(dir, 'b.png'), { width: 2, height: 2, channels: 2 as 3, data: new Uint8Array(8) }), 'ERR_SPATIAL_SHAPE', /image\.channels must be 1, 3 or 4 \(got the number 2\)/);
    await expectError(writeImage(join(dir, 'b.png'), { width: 2, height: 2, channels: 3, data: new Float32Array(12) as unknown as Uint8Array }), 'ERR_SPATIAL_TYPE', /Expected a Uint8Array for image\.data but received Float32Array of length 12/);
    await expectError(writeImage(join(dir, 'b.jpg'), ramp(2, 2, 3), { quality: 0 }), 'ERR_SPATIAL_SHAPE', /opts\.quality must be an integer in \[1, 100\] \(got 0\)/);
    await expectError(readImage('' as string), 'ERR_SPATIAL_TYPE', /Expected a non-empty string for path but received the string ""/);
    expect(await readdir(dir)).not.toContain('b.png');
  });
});
