/**
 * Dynamic clips: 3D point tracks seen by a (possibly moving) camera, the input of the
 * object-movement tasks. Read from TAPVid-3D `.npz` files or from the same content as JSON.
 *
 * TAPVid-3D keys (as in MultiSPA's object-movement engine): `tracks_XYZ` (T x N x 3, metres, **camera frame of each
 * frame**), `visibility` (T x N), `fx_fy_cx_cy` (4), optional `extrinsics_w2c` (T x 4 x 4,
 * camera-from-world; MultiSPA adds it), optional `images_jpeg_bytes` (T JPEG files, `|S` or pickled
 * object array). Without extrinsics the camera is taken to be static (world = camera frame of every
 * frame). The image size comes from the first image, else from `image_size` ([W, H]) or the loader's
 * `imageSize` option.
 *
 * JSON form (for tests and for users without NumPy), every key checked:
 * ```jsonc
 * { "id": "clip-0", "fx_fy_cx_cy": [500, 500, 319.5, 239.5], "image_size": [640, 480],
 *   "tracks_XYZ": [[[x, y, z], ...], ...],      // T x N x 3
 *   "visibility": [[true, false, ...], ...],    // T x N (booleans or 0/1)
 *   "extrinsics_w2c": [[[...4], [...4], [...4], [...4]], ...],  // optional, T x 4 x 4
 *   "images": ["frames/0.jpg", ...] }           // optional, relative to the JSON file
 * ```
 * @module
 */
import { basename, dirname, extname } from 'node:path';
import { describeValue, spatialError } from '../errors.js';
import { decodeImage, decodeImageInfo, readImage, readImageInfo } from '../io/image.js';
import { readText } from '../io/files.js';
import { parseJson } from '../io/text.js';
import { ByteStrings, type NpyArray, readNpz } from '../io/npy.js';
import { invertRigidPose } from '../pose.js';
import type { Image, Intrinsics, Pose } from '../types.js';
import { checkPose, checkSceneIntrinsics } from '../validate.js';
import { sceneFile } from './common.js';

/** A clip of 3D point tracks. */
export interface DynamicClip {
  id: string;
  /** Number of frames T. */
  frames: number;
  /** Number of tracks N. */
  tracks: number;
  /** T x N x 3 frame-major, metres, in each frame's camera frame (OpenCV axes). */
  tracksXYZ: Float32Array | Float64Array;
  /** T x N, 1 where the track is visible in the frame. */
  visibility: Uint8Array;
  /** One pinhole camera for the whole clip, with the image size. */
  intrinsics: Intrinsics;
  /** `worldFromCam` of every frame (the inverse of `extrinsics_w2c`); absent: a static camera. */
  poses?: Pose[];
  /** Frame images, when the clip has them. */
  images?: ClipImages;
  /** Ground-truth rigid body of every track (synthetic clips only). */
  bodies?: Int32Array;
  /** Where the clip came from. */
  source?: string;
}

/** Frame images of a clip: decoded on demand, and the stored bytes when there are any. */
export interface ClipImages {
  load(t: number): Promise<Image>;
  /** The stored file of frame t (JPEG bytes in TAPVid-3D), written as is instead of re-encoded; `source` names it in messages. */
  encoded?(t: number): { bytes: Uint8Array; ext: string; source: string };
}

/** Options of the clip loaders. */
export interface LoadClipOptions {
  /** Image size [W, H] when the clip has no images and no `image_size`. */
  imageSize?: [number, number];
  /** Clip id [the file name without extension]. */
  id?: string;
  /**
   * Most bytes the arrays of a `.npz` clip may take decompressed, all together [env
   * `SPATIAL_NPZ_MAX_BYTES`, else 2 GiB]; see `readNpz`.
   */
  maxNpzBytes?: number;
  /** JSON clips: allow image paths outside the JSON file's folder (absolute, `../`, symlinks). Default false. */
  allowOutsidePaths?: boolean;
}

/** The arrays a TAPVid-3D `.npz` clip is read from; other members are never inflated. */
const NPZ_KEYS = ['tracks_XYZ', 'visibility', 'fx_fy_cx_cy', 'extrinsics_w2c', 'images_jpeg_bytes', 'image_size'];

function formatError(source: string, message: string): Error {
  return spatialError('ERR_SPATIAL_FORMAT', `${source}: ${message}`);
}

/** Checks and converts the arrays of a clip (shared by the .npz and JSON readers). */
export function clipFromArrays(
  a: {
    tracksXYZ: Float32Array | Float64Array; trackShape: number[];
    visibility: ArrayLike<number>; visibilityShape: number[];
    fxFyCxCy: ArrayLike<number>;
    extrinsicsW2c?: ArrayLike<number>; extrinsicsShape?: number[];
    imageSize: [number, number];
    images?: ClipImages; imageCount?: number; imagesKey?: string;
  },
  id: string, source: string,
): DynamicClip {
  const [t, n, three] = a.trackShape;
  if (a.trackShape.length !== 3 || three !== 3 || t < 1)
    throw formatError(source, `Expected tracks_XYZ of shape (T, N, 3) with T >= 1 but received (${a.trackShape.join(', ')})`);
  if (n < 1) throw formatError(source, `the clip has no tracks: tracks_XYZ has shape (${a.trackShape.join(', ')}), expected N >= 1`);
  if (a.visibilityShape.length !== 2 || a.visibilityShape[0] !== t || a.visibilityShape[1] !== n)
    throw formatError(source, `Expected visibility of shape (${t}, ${n}) but received (${a.visibilityShape.join(', ')})`);
  if (a.fxFyCxCy.length !== 4) throw formatError(source, `Expected fx_fy_cx_cy of 4 numbers but received ${a.fxFyCxCy.length}`);
  const [fx, fy, cx, cy] = Array.from(a.fxFyCxCy, Number);
  const intrinsics = checkSceneIntrinsics({ fx, fy, cx, cy, width: a.imageSize[0], height: a.imageSize[1] }, `the intrinsics of ${source}`);
  const visibility = Uint8Array.from(a.visibility, (v) => (v ? 1 : 0));
  let poses: Pose[] | undefined;
  if (a.extrinsicsW2c) {
    const s = a.extrinsicsShape ?? [];
    if (s.length !== 3 || s[0] !== t || s[1] !== 4 || s[2] !== 4)
      throw formatError(source, `Expected extrinsics_w2c of shape (${t}, 4, 4) but received (${s.join(', ')})`);
    poses = Array.from({ length: t }, (_, f) => {
      const camFromWorld = checkPose(Float64Array.from(Array.prototype.slice.call(a.extrinsicsW2c, 16 * f, 16 * f + 16) as number[]), `${source} extrinsics_w2c[${f}]`);
      return invertRigidPose(camFromWorld);
    });
  }
  if (a.images && a.imageCount !== t) throw formatError(source, `Expected ${t} ${a.imagesKey ?? 'images'} (one per frame) but received ${a.imageCount}`);
  return { id, frames: t, tracks: n, tracksXYZ: a.tracksXYZ, visibility, intrinsics, poses, images: a.images, source };
}

function checkImageSize(v: unknown, name: string): [number, number] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw spatialError('ERR_SPATIAL_TYPE', `Expected [W, H] for ${name} but received ${describeValue(v)}`);
  const s = Array.from(v as ArrayLike<number>, Number);
  if (s.length !== 2 || !s.every((x) => Number.isInteger(x) && x > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be two positive integers [W, H] (got ${JSON.stringify(s)})`);
  return [s[0], s[1]];
}

function numeric(arr: NpyArray | undefined, key: string, source: string, required: true): NpyArray & { data: Exclude<NpyArray['data'], ByteStrings> };
function numeric(arr: NpyArray | undefined, key: string, source: string, required: false): (NpyArray & { data: Exclude<NpyArray['data'], ByteStrings> }) | undefined;
function numeric(arr: NpyArray | undefined, key: string, source: string, required: boolean) {
  if (!arr) {
    if (required) throw formatError(source, `missing array ${key}`);
    return undefined;
  }
  if (arr.data instanceof ByteStrings || arr.data instanceof BigInt64Array || arr.data instanceof BigUint64Array)
    throw formatError(source, `Expected a numeric array for ${key} but received dtype ${arr.dtype}`);
  return arr;
}

/**
 * Reads a TAPVid-3D clip (`.npz`). Tracks stay in their stored precision (float32 in TAPVid-3D).
 * @throws ERR_SPATIAL_IO when unreadable; ERR_SPATIAL_FORMAT naming the file and array when a key
 *   is missing or has the wrong shape; ERR_SPATIAL_POSE for a non-rigid extrinsic.
 * @example const clip = await loadTapVid3dNpz('adt/seq_0.npz');
 */
export async function loadTapVid3dNpz(path: string, opts: LoadClipOptions = {}): Promise<DynamicClip> {
  const arrays = await readNpz(path, { keys: NPZ_KEYS, maxBytes: opts.maxNpzBytes });
  const tracks = numeric(arrays.get('tracks_XYZ'), 'tracks_XYZ', path, true);
  // Metres as float32 (TAPVid-3D) or float64; integer tracks are no known format and are refused.
  if (!(tracks.data instanceof Float32Array || tracks.data instanceof Float64Array))
    throw formatError(path, `Expected tracks_XYZ as float32 or float64 metres but received dtype ${tracks.dtype}`);
  const tracksXYZ = tracks.data;
  const vis = numeric(arrays.get('visibility'), 'visibility', path, true);
  const k = numeric(arrays.get('fx_fy_cx_cy'), 'fx_fy_cx_cy', path, true);
  const ext = numeric(arrays.get('extrinsics_w2c'), 'extrinsics_w2c', path, false);
  const jpegs = arrays.get('images_jpeg_bytes');
  let images: ClipImages | undefined;
  let imageSize: [number, number] | undefined;
  if (jpegs) {
    if (!(jpegs.data instanceof ByteStrings)) throw formatError(path, `Expected images_jpeg_bytes as byte strings but received dtype ${jpegs.dtype}`);
    if (jpegs.shape.length !== 1) throw formatError(path, `Expected images_jpeg_bytes of shape (T,) but received (${jpegs.shape.join(', ')})`);
    const files = jpegs.data;
    images = {
      load: (t) => decodeImage(files.at(t), `${path} images_jpeg_bytes[${t}]`),
      encoded: (t) => ({ bytes: files.at(t), ext: '.jpg', source: `${path} images_jpeg_bytes[${t}]` }),
    };
    if (files.length) {
      const info = await decodeImageInfo(files.at(0), `${path} images_jpeg_bytes[0]`);
      imageSize = [info.width, info.height];
    }
  }
  const size = arrays.get('image_size');
  imageSize ??= size ? checkImageSize(size.data, `${path} image_size`) : opts.imageSize ? checkImageSize(opts.imageSize, 'opts.imageSize') : undefined;
  if (!imageSize) throw formatError(path, 'no images_jpeg_bytes and no image_size: pass the image size (imageSize option, --image-size WxH)');
  return clipFromArrays({
    tracksXYZ, trackShape: tracks.shape, visibility: vis.data as ArrayLike<number>, visibilityShape: vis.shape,
    fxFyCxCy: k.data as ArrayLike<number>, extrinsicsW2c: ext?.data as ArrayLike<number> | undefined, extrinsicsShape: ext?.shape,
    imageSize, images, imageCount: jpegs?.shape[0], imagesKey: 'images_jpeg_bytes',
  }, opts.id ?? basename(path, extname(path)), path);
}

/** Flattens a nested JSON array of numbers with a fixed shape, or throws naming `key`. */
function nested(v: unknown, depth: number, key: string, source: string): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  let level: unknown = v;
  for (let d = 0; d < depth; d++) {
    if (!Array.isArray(level)) throw formatError(source, `Expected ${key} as a ${depth}-level nested array but level ${d} is ${describeValue(level)}`);
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (x: unknown, d: number, path: string): void => {
    if (d === depth) {
      const num = typeof x === 'boolean' ? Number(x) : x;
      if (typeof num !== 'number') throw formatError(source, `Expected a number at ${path} but received ${describeValue(x)}`);
      flat.push(num);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) throw formatError(source, `Expected an array of ${shape[d]} at ${path} but received ${describeValue(x)}`);
    x.forEach((y, i) => walk(y, d + 1, `${path}[${i}]`));
  };
  walk(v, 0, key);
  return { flat, shape };
}

const JSON_KEYS = ['id', 'fx_fy_cx_cy', 'image_size', 'tracks_XYZ', 'visibility', 'extrinsics_w2c', 'images'];

/**
 * Reads a clip in the JSON form (see the module comment).
 * @example const clip = await loadClipJson('clip.json');
 */
export async function loadClipJson(path: string, opts: LoadClipOptions = {}): Promise<DynamicClip> {
  const doc = parseJson(await readText(path, 'clip JSON'), path) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw formatError(path, 'Expected a JSON object at the top level');
  for (const k of Object.keys(doc)) if (!JSON_KEYS.includes(k)) throw formatError(path, `unknown key ${k} (expected one of ${JSON_KEYS.join(', ')})`);
  const tracks = nested(doc.tracks_XYZ, 3, 'tracks_XYZ', path);
  const vis = nested(doc.visibility, 2, 'visibility', path);
  const k = nested(doc.fx_fy_cx_cy, 1, 'fx_fy_cx_cy', path);
  const ext = doc.extrinsics_w2c === undefined ? undefined : nested(doc.extrinsics_w2c, 3, 'extrinsics_w2c', path);
  let images: ClipImages | undefined;
  let imageCount: number | undefined;
  let imageSize: [number, number] | undefined;
  if (doc.images !== undefined) {
    if (!Array.isArray(doc.images) || !doc.images.every((p) => typeof p === 'string')) throw formatError(path, 'Expected images as an array of file paths');
    // Regular files inside the JSON file's folder, unless allowed outside.
    const files = await Promise.all((doc.images as string[]).map((p, i) => sceneFile(dirname(path), p, { from: path, what: `images[${i}]: file` }, opts.allowOutsidePaths ?? false)));
    images = { load: (t) => readImage(files[t]), encoded: undefined };
    imageCount = files.length;
    if (files.length) {
      const info = await readImageInfo(files[0]);
      imageSize = [info.width, info.height];
    }
  }
  imageSize ??= doc.image_size !== undefined ? checkImageSize(doc.image_size, `${path} image_size`) : opts.imageSize ? checkImageSize(opts.imageSize, 'opts.imageSize') : undefined;
  if (!imageSize) throw formatError(path, 'no images and no image_size: give the image size');
  const id = opts.id ?? (typeof doc.id === 'string' && doc.id ? doc.id : basename(path, extname(path)));
  return clipFromArrays({
    tracksXYZ: Float64Array.from(tracks.flat), trackShape: tracks.shape, visibility: vis.flat, visibilityShape: vis.shape,
    fxFyCxCy: k.flat, extrinsicsW2c: ext?.flat, extrinsicsShape: ext?.shape, imageSize, images, imageCount,
  }, id, path);
}

/** Reads a clip by extension: `.npz` (TAPVid-3D) or `.json`. */
export async function loadClip(path: string, opts: LoadClipOptions = {}): Promise<DynamicClip> {
  const ext = extname(path).toLowerCase();
  if (ext === '.npz') return loadTapVid3dNpz(path, opts);
  if (ext === '.json') return loadClipJson(path, opts);
  throw spatialError('ERR_SPATIAL_FORMAT', `Expected a .npz or .json clip for path but received ${JSON.stringify(path)}`);
}
