// The images the engine writes: format options (JPEG q95 by default, PNG on request with the former
// bytes), the bounded concurrent writer, the decoded-frame LRU, and end to end: the same QA with
// either format, byte-identical outputs across runs, and the stored-depth visibility path giving
// the visible sets of the metric path on a ScanNet-layout scene.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DecodedImageCache, ImageWriter, encodeImage, imageFormatSpec } from '../../lib/engine/images.js';
import { generateScene, sceneVisibility, writePng } from '../../lib/engine/pipeline.js';
import { loadScene } from '../../lib/scenes/load.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import type { Image } from '../../lib/types.js';
import { writeDepthPng } from '../../lib/index.js';
import { kMatrix, matrixText } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-images-');

function noisyImage(width: number, height: number, seed: number): Image {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = (i % 251) + (s >>> 28); }
  return { width, height, channels: 3, data };
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

describe('imageFormatSpec', () => {
  it('defaults to JPEG quality 95 and PNG level 6, and rejects bad values with coded errors', () => {
    expect(imageFormatSpec()).toEqual({ format: 'jpg', jpegQuality: 95, pngCompression: 6 });
    expect(imageFormatSpec({ imageFormat: 'png', pngCompression: 1 })).toEqual({ format: 'png', jpegQuality: 95, pngCompression: 1 });
    expect(() => imageFormatSpec({ imageFormat: 'webp' as 'jpg' })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/imageFormat/) }));
    expect(() => imageFormatSpec({ jpegQuality: 101 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/jpegQuality/) }));
    expect(() => imageFormatSpec({ pngCompression: 2.5 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/pngCompression/) }));
    expect(() => imageFormatSpec({ jpegQuality: '9' as unknown as number })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
  });
});

describe('ImageWriter', () => {
  it('writes what encodeImage gives (PNG: the bytes writePng wrote), with many writes queued at once', async () => {
    const dir = tmp();
    const imgs = [0, 1, 2, 3, 4, 5].map((k) => noisyImage(64 + k, 48, k));
    for (const spec of [imageFormatSpec(), imageFormatSpec({ imageFormat: 'png' }), imageFormatSpec({ jpegQuality: 50 })]) {
      const writer = new ImageWriter(spec, 2);
      await Promise.all(imgs.map((img, k) => writer.write(join(dir, spec.format + spec.jpegQuality, `${k}.${spec.format}`), img)));
      await writer.drain();
      for (const [k, img] of imgs.entries()) {
        const bytes = readFileSync(join(dir, spec.format + spec.jpegQuality, `${k}.${spec.format}`));
        expect(bytes.equals(await encodeImage(img, spec))).toBe(true);
        const meta = await sharp(bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual([spec.format === 'jpg' ? 'jpeg' : 'png', img.width, img.height]);
      }
    }
    await writePng(join(dir, 'ref.png'), imgs[0]);
    expect(readFileSync(join(dir, 'ref.png')).equals(readFileSync(join(dir, 'png95', '0.png')))).toBe(true);
  });

  it('drain rethrows the first failure (a file where a folder should be) and later writes reject', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), 'x');
    const writer = new ImageWriter(imageFormatSpec(), 2);
    await writer.write(join(dir, 'blocker', 'a.jpg'), noisyImage(8, 8, 1));
    await expect(writer.drain()).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO' });
    await expect(writer.write(join(dir, 'b.jpg'), noisyImage(8, 8, 2))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO' });
  });

  it('JPEG refuses an RGBA image with a coded error', async () => {
    const rgba: Image = { width: 2, height: 2, channels: 4, data: new Uint8Array(16) };
    await expect(encodeImage(rgba, imageFormatSpec())).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
    expect((await sharp(await encodeImage(rgba, imageFormatSpec({ imageFormat: 'png' }))).metadata()).channels).toBe(4);
  });
});

describe('DecodedImageCache', () => {
  it('decodes a key once while held, evicts the least recently used past its byte budget, forgets failures', async () => {
    const loads: number[] = [];
    const load = (k: number) => async () => { loads.push(k); return noisyImage(10, 10, k); }; // 300 bytes each
    const cache = new DecodedImageCache(700);
    const [a, a2] = await Promise.all([cache.get(1, load(1)), cache.get(1, load(1))]);
    expect(a).toBe(a2);
    await cache.get(2, load(2));
    await cache.get(1, load(1)); // 1 is now the most recent
    await cache.get(3, load(3)); // 900 bytes > 700: evicts 2
    await cache.get(1, load(1));
    await cache.get(2, load(2));
    expect(loads).toEqual([1, 2, 3, 2]);
    expect([cache.hits, cache.misses]).toEqual([3, 4]);
    await expect(cache.get(9, () => Promise.reject(new Error('bad frame')))).rejects.toThrow('bad frame');
    await cache.get(9, load(9));
    expect(loads.at(-1)).toBe(9);
  });
});

describe('generateScene images', () => {
  it('JPEG and PNG runs ask the same questions (file names aside); each format is byte-identical run to run', async () => {
    const scene = synthesizeScene({ seed: 5, frames: 24, width: 160, height: 120 });
    const run = async (imageFormat: 'jpg' | 'png') => {
      const out = tmp();
      await generateScene(scene, { outDir: out, seed: 2, perTask: 3, imageFormat });
      return files(out);
    };
    const [jpg1, jpg2, png] = [await run('jpg'), await run('jpg'), await run('png')];
    expect([...jpg1.keys()].sort()).toEqual([...jpg2.keys()].sort());
    for (const [name, bytes] of jpg1) expect(bytes.equals(jpg2.get(name)!), name).toBe(true);
    const images = [...jpg1.keys()].filter((n) => n.startsWith('images/'));
    expect(images.length).toBeGreaterThan(3);
    expect(images.every((n) => n.endsWith('.jpg'))).toBe(true);
    expect([...png.keys()].filter((n) => n.startsWith('images/')).every((n) => n.endsWith('.png'))).toBe(true);
    const strip = (b: Buffer | undefined) => b!.toString('utf8').replace(/\.(jpg|png)"/g, '"');
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl']) expect(strip(jpg1.get(f))).toBe(strip(png.get(f)));
    for (const f of ['stats.json', 'overlap.png']) expect(jpg1.get(f)!.equals(png.get(f)!)).toBe(true);
  }, 120_000);

  it('a ScanNet-layout scene: visibility from stored depth PNGs equals the metric path batch by batch', async () => {
    const synth = synthesizeScene({ seed: 8, frames: 12, width: 80, height: 60, color: false });
    const dir = join(tmp(), 'scene0001_00');
    for (const sub of ['depth', 'pose', 'intrinsic']) mkdirSync(join(dir, sub), { recursive: true });
    const k = synth.frames[0].intrinsics;
    writeFileSync(join(dir, 'intrinsic', 'intrinsic_depth.txt'), matrixText(kMatrix(k.fx, k.fy, k.cx, k.cy)));
    for (const [n, f] of synth.frames.entries()) {
      await writeDepthPng(join(dir, 'depth', `${n}.png`), f.depth!, { scale: 1000 });
      writeFileSync(join(dir, 'pose', `${n}.txt`), matrixText(f.pose));
    }
    const scene = await loadScene(dir, 'scannet');
    const opts = { tolerance: 0.05, batchSize: 5 };
    const stored = await sceneVisibility(synth.points!, scene.frames, { ...opts, compat: 'ours' });
    // The metric path: the same frames with their depth in memory (readDepthPng's metres).
    const { loadFrameDepth } = await import('../../lib/scenes/load.js');
    const inMemory = await Promise.all(scene.frames.map(async (f) => ({ ...f, depth: await loadFrameDepth(f) })));
    const metric = await sceneVisibility(synth.points!, inMemory, { ...opts, compat: 'ours' });
    expect(stored.map((s) => Array.from(s))).toEqual(metric.map((s) => Array.from(s)));
    expect(stored.length).toBe(12);
    expect(stored.some((s) => s.length > 100)).toBe(true);
    // A broken depth PNG in a later batch (decoded while an earlier batch runs) rejects with its code.
    writeFileSync(join(dir, 'depth', '11.png'), 'not a png');
    await expect(sceneVisibility(synth.points!, scene.frames, { ...opts, compat: 'ours' })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT' });
  }, 120_000);
});
