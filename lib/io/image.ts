/**
 * Colour and depth image I/O through sharp (libvips): PNG/JPEG colour images and 16-bit depth PNGs
 * in the units datasets store (ScanNet 1000 per metre, TUM 5000 per metre). Writes go through a
 * temporary file and a rename, so a crash never leaves a truncated image behind.
 * @module
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import { describeValue, spatialError } from '../errors.js';
import type { DepthMap, Image } from '../types.js';

async function requireFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `cannot read ${path}: no such file`);
  }
}

async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.floor(performance.now())}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Reads a colour image (PNG, JPEG, ...) as 8-bit pixels with its stored channel count (1, 3 or 4). */
export async function readImage(path: string): Promise<Image> {
  await requireFile(path);
  try {
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    if (![1, 3, 4].includes(info.channels)) throw new Error(`${info.channels} channels`);
    return { width: info.width, height: info.height, channels: info.channels as 1 | 3 | 4, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${path} is not a readable 8-bit image (${(e as Error).message})`);
  }
}

/** Writes an 8-bit image as PNG or JPEG (by extension: .png, .jpg, .jpeg). */
export async function writeImage(path: string, image: Image, opts: { quality?: number } = {}): Promise<void> {
  if (!image || !(image.data instanceof Uint8Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Image with Uint8Array data for image but received ${describeValue(image)}`);
  if (image.data.length !== image.width * image.height * image.channels)
    throw spatialError('ERR_SPATIAL_SHAPE', `image.data.length must be width*height*channels = ${image.width * image.height * image.channels} (got ${image.data.length})`);
  const ext = extname(path).toLowerCase();
  const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  let out: Buffer;
  if (ext === '.png') out = await s.png().toBuffer();
  else if (ext === '.jpg' || ext === '.jpeg') out = await s.jpeg({ quality: opts.quality ?? 92 }).toBuffer();
  else throw spatialError('ERR_SPATIAL_FORMAT', `cannot write ${path}: the extension must be .png, .jpg or .jpeg`);
  await writeAtomic(path, out);
}

/**
 * Reads a 16-bit single-channel depth PNG as metres: `stored / scale` (ScanNet scale 1000, TUM 5000).
 * Stored 0 stays 0 (no measurement).
 */
export async function readDepthPng(path: string, opts: { scale: number }): Promise<DepthMap> {
  const scale = opts?.scale;
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) throw spatialError('ERR_SPATIAL_SHAPE', `opts.scale must be a finite number > 0 (got ${describeValue(scale)})`);
  await requireFile(path);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${path} is not a readable image (${(e as Error).message})`);
  }
  if (meta.format !== 'png' || meta.depth !== 'ushort' || meta.channels !== 1)
    throw spatialError('ERR_SPATIAL_FORMAT', `${path} must be a 16-bit single-channel PNG depth image (got ${meta.format}, ${meta.depth}, ${meta.channels} channel(s))`);
  const { data, info } = await sharp(path).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  const stored = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const metres = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) metres[i] = stored[i] / scale;
  return { width: info.width, height: info.height, data: metres };
}

/**
 * Writes a depth map as a 16-bit PNG of `round(d * scale)`; invalid depths (0, NaN, inf, negative)
 * are stored as 0. A valid depth that does not fit 16 bits is an error naming the pixel.
 * `readDepthPng(writeDepthPng(d))` returns values k / scale exactly.
 */
export async function writeDepthPng(path: string, depth: DepthMap, opts: { scale: number }): Promise<void> {
  const scale = opts?.scale;
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) throw spatialError('ERR_SPATIAL_SHAPE', `opts.scale must be a finite number > 0 (got ${describeValue(scale)})`);
  if (!depth || !(depth.data instanceof Float32Array) || depth.data.length !== depth.width * depth.height)
    throw spatialError('ERR_SPATIAL_SHAPE', `depth must be a DepthMap with width*height Float32 values`);
  const stored = new Uint16Array(depth.data.length);
  for (let i = 0; i < stored.length; i++) {
    const d = depth.data[i];
    if (!(d > 0) || !Number.isFinite(d)) continue;
    const v = Math.round(d * scale);
    if (v > 65535) throw spatialError('ERR_SPATIAL_SHAPE', `depth at pixel (${i % depth.width}, ${Math.floor(i / depth.width)}) is ${d} m, more than 65535 / ${scale} m fits in 16 bits`);
    stored[i] = v;
  }
  const png = await sharp(stored, { raw: { width: depth.width, height: depth.height, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  await writeAtomic(path, png);
}
