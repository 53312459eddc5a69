/**
 * Image and depth-map files: 8-bit colour/grey PNG and JPEG, and 16-bit depth PNGs with a dataset
 * scale (ScanNet 1000 units/m, TUM 5000 units/m). Every codec is sharp's (libvips, libpng,
 * libjpeg-turbo); this module only moves pixels between sharp's raw buffers and our types.
 *
 * Files are read into memory first and handed to sharp as buffers: sharp's file-name cache could
 * otherwise serve stale pixels for a file rewritten at the same path. Writes encode fully in memory,
 * then go to a temporary file in the same directory that is renamed over the target.
 * @module
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { describeValue, spatialError } from '../errors.js';
import { depthFromStored } from '../ops/geometry/native.js';
import type { DepthMap, Image, StoredDepthMap } from '../types.js';
import { checkDepthMap } from '../validate.js';
import { checkPath, readBytes, writeFileAtomic } from './files.js';

/** Options of {@link writeImage}. */
export interface WriteImageOptions {
  /** JPEG quality 1..100 (default 95). Ignored for PNG. */
  quality?: number;
  /** PNG zlib level 0..9 (default 6). Ignored for JPEG. */
  compressionLevel?: number;
}

/** Options of {@link readDepthPng} and {@link writeDepthPng}. */
export interface DepthPngOptions {
  /** Stored units per metre: 1000 for ScanNet (mm), 5000 for TUM RGB-D. Positive and finite. */
  scale: number;
  /** PNG zlib level 0..9 for {@link writeDepthPng} (default 6). */
  compressionLevel?: number;
}

/** Header facts of an image file, from {@link readImageInfo}. */
export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  /** Channels as stored (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK). */
  channels: number;
  /** Sample format as stored: 'uchar' (8-bit) or 'ushort' (16-bit). */
  depth: string;
}

const UINT16_MAX = 65535;

function checkScale(scale: unknown, name: string): number {
  if (typeof scale !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name} but received ${describeValue(scale)}`);
  if (!Number.isFinite(scale) || !(scale > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be a finite number > 0 (got ${scale})`);
  return scale;
}

function checkDepthOptions(opts: unknown): DepthPngOptions {
  if (typeof opts !== 'object' || opts === null)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object { scale } for opts but received ${describeValue(opts)}`);
  const o = opts as Record<string, unknown>;
  const scale = checkScale(o.scale, 'opts.scale');
  const compressionLevel = o.compressionLevel === undefined ? 6 : checkIntegerIn(o.compressionLevel, 0, 9, 'opts.compressionLevel');
  return { scale, compressionLevel };
}

function checkIntegerIn(v: unknown, lo: number, hi: number, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < lo || v > hi) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  return v;
}

type Codec = 'png' | 'jpeg';

function codecOf(path: string, allowed: readonly Codec[]): Codec {
  const ext = extname(path).toLowerCase();
  const codec: Codec | undefined = ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : undefined;
  if (!codec || !allowed.includes(codec)) {
    const want = allowed.includes('jpeg') ? 'a .png, .jpg or .jpeg' : 'a .png';
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected ${want} file name for path but received ${JSON.stringify(path)}`);
  }
  return codec;
}

async function decodeHeader(bytes: Buffer, path: string, what: string): Promise<sharp.Metadata> {
  try {
    return await sharp(bytes).metadata();
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `Cannot decode ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads an image file's header (no pixel decoding): format, size, stored channels and sample depth.
 * @throws ERR_SPATIAL_IO when the file cannot be read, ERR_SPATIAL_FORMAT when it is not an image.
 * @example const { width, height } = await readImageInfo('scene/depth/0.png');
 */
export async function readImageInfo(path: string): Promise<ImageInfo> {
  checkPath(path);
  return decodeImageInfo(await readBytes(path, 'image'), path);
}

/**
 * Reads a PNG or JPEG colour/grey image into an 8-bit {@link Image}.
 *
 * Channels are kept as stored: grey stays 1 channel, RGB 3, RGBA 4, and no alpha is added. Two
 * cases cannot be kept because {@link Image} has no such layout: grey+alpha becomes RGBA (4), and a
 * palette PNG becomes RGB or RGBA. 16-bit colour images are reduced to 8 bits by sharp. Pixels are
 * as stored: EXIF orientation is not applied (depth and intrinsics refer to the stored grid).
 * @param path PNG or JPEG file.
 * @returns `{ width, height, channels, data }`, `data` row-major interleaved, length `W*H*C`.
 * @throws ERR_SPATIAL_IO when the file is missing or unreadable; ERR_SPATIAL_FORMAT when it is not
 *   a PNG or JPEG sharp can decode.
 * @example
 * const img = await readImage('scene/color/0.jpg'); // { width: 1296, height: 968, channels: 3, data }
 */
export async function readImage(path: string): Promise<Image> {
  checkPath(path);
  return decodeImage(await readBytes(path, 'image'), path);
}

/**
 * Decodes PNG or JPEG bytes held in memory (e.g. TAPVid-3D's `images_jpeg_bytes`) like
 * {@link readImage} decodes a file.
 * @param bytes - the encoded image.
 * @param source - what the bytes are, for error messages (`clip.npz images_jpeg_bytes[3]`).
 * @throws ERR_SPATIAL_FORMAT when the bytes are not a PNG or JPEG sharp can decode.
 */
export async function decodeImage(bytes: Uint8Array, source: string): Promise<Image> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = await decodeHeader(buf, source, 'image');
  if (meta.format !== 'png' && meta.format !== 'jpeg')
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected a PNG or JPEG image in ${source} but received ${meta.format ?? 'an unknown format'}`);
  let pipeline = sharp(buf);
  // sharp turns 1-channel input into sRGB on output unless told to stay grey.
  if (meta.channels === 1) pipeline = pipeline.toColourspace('b-w');
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `Cannot decode image ${source}: ${(e as Error).message}`);
  }
  const { width, height, channels } = out.info;
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected 1, 3 or 4 channels from image ${source} but received ${channels}`);
  return { width, height, channels, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length) };
}

/** Size and format of PNG or JPEG bytes, without decoding the pixels. */
export async function decodeImageInfo(bytes: Uint8Array, source: string): Promise<ImageInfo> {
  const meta = await decodeHeader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), source, 'image');
  return { format: meta.format ?? 'unknown', width: meta.width ?? 0, height: meta.height ?? 0, channels: meta.channels ?? 0, depth: meta.depth ?? 'unknown' };
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** Index one past the last byte that is not trailing NUL padding. */
function endOfContent(b: Uint8Array): number {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return end;
}

/**
 * Checks an encoded colour frame before it enters a dataset, reading only its header: PNG or JPEG
 * by its magic bytes, a header sharp can read, a complete file (a PNG ends with its IEND chunk, a
 * JPEG with the end-of-image marker FFD9; trailing NUL padding is allowed), and, when `expected` is
 * given, the size of the intrinsics it is used with. Pixels are not decoded.
 * @param source - what the bytes are, for messages (a path, or `clip.npz images_jpeg_bytes[3]`).
 * @param expected - the image size the frame must have, and what it comes from (`frame 3's colour intrinsics`).
 * @throws ERR_SPATIAL_FORMAT for anything but a complete PNG or JPEG; ERR_SPATIAL_SHAPE naming both
 *   sizes when the size differs.
 */
export async function checkFrameBytes(bytes: Uint8Array, source: string, expected?: { width: number; height: number; what: string }): Promise<ImageInfo> {
  const png = PNG_MAGIC.every((b, i) => bytes[i] === b);
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) {
    const head = Buffer.from(bytes.subarray(0, 16)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected a PNG or JPEG frame but the bytes are not a PNG or JPEG (they start with ${JSON.stringify(head)})`);
  }
  const end = endOfContent(bytes);
  if (png && !PNG_IEND.every((b, i) => bytes[end - 12 + i] === b))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: the PNG is truncated (it does not end with an IEND chunk)`);
  if (jpeg && !(bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: the JPEG is truncated (it does not end with the end-of-image marker FFD9)`);
  const info = await decodeImageInfo(bytes, source);
  if (!(info.width > 0 && info.height > 0)) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: the image header gives no size`);
  if (expected && (info.width !== expected.width || info.height !== expected.height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${source} is ${info.width}x${info.height} but ${expected.what} is for ${expected.width}x${expected.height}`);
  return info;
}

/** {@link checkFrameBytes} on a file (read whole: the end marker is at its end). */
export async function checkFrameFile(path: string, expected?: { width: number; height: number; what: string }): Promise<ImageInfo> {
  checkPath(path);
  return checkFrameBytes(await readBytes(path, 'colour frame'), path, expected);
}

function checkImage(image: unknown, name = 'image'): Image {
  if (typeof image !== 'object' || image === null)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an Image { width, height, channels, data } for ${name} but received ${describeValue(image)}`);
  const { width, height, channels, data } = image as Record<string, unknown>;
  if (!(data instanceof Uint8Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint8Array for ${name}.data but received ${describeValue(data)}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) < 1 || (height as number) < 1)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width and .height must be positive integers (got ${describeValue(width)}, ${describeValue(height)})`);
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.channels must be 1, 3 or 4 (got ${describeValue(channels)})`);
  const n = (width as number) * (height as number) * channels;
  if (data.length !== n) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.data.length must be width*height*channels = ${n} (got ${data.length})`);
  return image as Image;
}

/**
 * Writes an 8-bit image as PNG or JPEG, chosen by the extension (`.png`, `.jpg`, `.jpeg`).
 *
 * The file is encoded in memory, written under a temporary name in the same directory and renamed
 * over `path`, so no partial file is ever left at `path`. JPEG stores no alpha: a 4-channel image
 * written as JPEG is an error (write PNG, or drop the alpha first). 1-channel images are stored grey.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a malformed image; ERR_SPATIAL_FORMAT for an
 *   unsupported extension or RGBA to JPEG; ERR_SPATIAL_IO when the file cannot be written.
 * @example await writeImage('out/view.jpg', img, { quality: 90 });
 */
export async function writeImage(path: string, image: Image, opts?: WriteImageOptions): Promise<void> {
  checkPath(path);
  const img = checkImage(image);
  if (opts !== undefined && (typeof opts !== 'object' || opts === null))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const codec = codecOf(path, ['png', 'jpeg']);
  const quality = opts?.quality === undefined ? 95 : checkIntegerIn(opts.quality, 1, 100, 'opts.quality');
  const compressionLevel = opts?.compressionLevel === undefined ? 6 : checkIntegerIn(opts.compressionLevel, 0, 9, 'opts.compressionLevel');
  if (codec === 'jpeg' && img.channels === 4)
    throw spatialError('ERR_SPATIAL_FORMAT', `JPEG cannot store the alpha channel of a 4-channel image (path ${path}); write a .png or drop the alpha`);
  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (img.channels === 1) pipeline = pipeline.toColourspace('b-w');
  const bytes = await (codec === 'png' ? pipeline.png({ compressionLevel }) : pipeline.jpeg({ quality })).toBuffer();
  await writeFileAtomic(path, bytes, 'image');
}

/**
 * Reads a 16-bit single-channel depth PNG into metres: `metres = stored / scale`; stored 0 stays 0
 * (no measurement). Values are exact in double precision, then stored as Float32 (the conversion
 * is the native `depthFromStored`, off the JS loop).
 * @param opts.scale stored units per metre (ScanNet 1000, TUM 5000).
 * @returns `{ width, height, data: Float32Array(W*H) }`, row-major, metres.
 * @throws ERR_SPATIAL_IO for a missing file; ERR_SPATIAL_FORMAT naming the file when it is not a
 *   16-bit single-channel PNG (8-bit, RGB, grey+alpha and JPEG files are rejected, never rescaled).
 * @example const depth = await readDepthPng('scene/depth/0.png', { scale: 1000 });
 */
export async function readDepthPng(path: string, opts: DepthPngOptions): Promise<DepthMap> {
  return depthFromStored(await readDepthPngStored(path, opts));
}

/**
 * Reads a 16-bit single-channel depth PNG as stored: uint16 samples and the scale, decoded by
 * libvips on its worker threads with no per-pixel JS (what the visibility stage hands the kernel:
 * `visibleSetsStoredAsync`). `depthFromStored` of the result equals {@link readDepthPng}.
 * @param opts.scale stored units per metre (ScanNet 1000, TUM 5000).
 * @returns `{ width, height, data: Uint16Array(W*H), scale }`.
 * @throws as {@link readDepthPng}.
 * @example const stored = await readDepthPngStored('scene/depth/0.png', { scale: 1000 }); // data[i] / 1000 = metres
 */
export async function readDepthPngStored(path: string, opts: DepthPngOptions): Promise<StoredDepthMap> {
  checkPath(path);
  const { scale } = checkDepthOptions(opts);
  const bytes = await readBytes(path, 'depth image');
  const meta = await decodeHeader(bytes, path, 'depth image');
  if (meta.format !== 'png' || meta.depth !== 'ushort' || meta.channels !== 1) {
    const bits = meta.depth === 'ushort' ? '16-bit' : meta.depth === 'uchar' ? '8-bit' : `${meta.depth}`;
    throw spatialError(
      'ERR_SPATIAL_FORMAT',
      `Expected a 16-bit single-channel PNG for depth image ${path} but received a ${bits} ${meta.channels}-channel ${meta.format ?? 'unknown'} image`,
    );
  }
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    // grey16 keeps the stored samples: sharp would otherwise expand grey to 3-channel sRGB.
    out = await sharp(bytes).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `Cannot decode depth image ${path}: ${(e as Error).message}`);
  }
  const { width, height, channels } = out.info;
  const n = width * height;
  if (channels !== 1 || out.data.length !== 2 * n)
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected ${2 * n} bytes of 16-bit grey from depth image ${path} but received ${out.data.length} (${channels} channels)`);
  // sharp returns samples in host byte order; a Uint16Array view needs 2-byte alignment.
  const data =
    out.data.byteOffset % 2 === 0 ? new Uint16Array(out.data.buffer, out.data.byteOffset, n) : new Uint16Array(new Uint8Array(out.data).buffer);
  return { width, height, data, scale };
}

/**
 * Quantises metric depth to stored uint16 units: `round(d * scale)`; invalid depths (0, negative
 * zero, NaN, +-Infinity) become 0. Depths below `0.5 / scale` also round to 0 (= no measurement).
 * @throws ERR_SPATIAL_SHAPE naming the first pixel whose value does not fit [0, 65535].
 */
function quantizeDepth(depth: DepthMap, scale: number, name: string): Uint16Array {
  const { width, data } = depth;
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (!Number.isFinite(d)) continue;
    const v = Math.round(d * scale);
    if (v < 0 || v > UINT16_MAX)
      throw spatialError(
        'ERR_SPATIAL_SHAPE',
        `${name}.data[${i}] (row ${Math.floor(i / width)}, col ${i % width}) = ${d} m is ${v} units at scale ${scale}, outside the uint16 range [0, ${UINT16_MAX}]`,
      );
    out[i] = v;
  }
  return out;
}

/**
 * Writes metric depth as a 16-bit grey PNG: stored = `round(d * scale)`, invalid depths (0, NaN,
 * +-Infinity) stored as 0. {@link readDepthPng} with the same scale returns exactly `k / scale` for
 * every stored `k`, so depths of the form `k / scale` round-trip exactly.
 * Written atomically (temporary file + rename).
 * @throws ERR_SPATIAL_SHAPE naming the pixel when a value does not fit uint16 (negative, or
 *   `> 65535 / scale` metres: 65.5 m at ScanNet's 1000, 13.1 m at TUM's 5000);
 *   ERR_SPATIAL_FORMAT when `path` does not end in `.png`; ERR_SPATIAL_IO when it cannot be written.
 * @example await writeDepthPng('out/depth/0.png', depth, { scale: 1000 });
 */
export async function writeDepthPng(path: string, depth: DepthMap, opts: DepthPngOptions): Promise<void> {
  checkPath(path);
  const d = checkDepthMap(depth, 'depth');
  const { scale, compressionLevel } = checkDepthOptions(opts);
  codecOf(path, ['png']);
  const stored = quantizeDepth(d, scale, 'depth');
  const bytes = await sharp(stored, { raw: { width: d.width, height: d.height, channels: 1 } })
    .toColourspace('grey16')
    .png({ compressionLevel })
    .toBuffer();
  await writeFileAtomic(path, bytes, 'depth image');
}
