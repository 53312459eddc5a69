/**
 * Checks of the package's data types (points, intrinsics, poses, cameras, depth maps, images,
 * instance-id maps) and of plain option values, shared by every op family's native face and twin,
 * by the scene loaders and by io/: both backends reject the same inputs with the same codes and
 * messages ("Expected X for Y but received Z"). The checks of one op family's own arguments live in
 * its `lib/ops/<family>/shared.ts`.
 * @module
 */
import { describeValue, spatialError } from './errors.js';
import type { Camera, DepthMap, Image, InstanceIdMap, Intrinsics, Pose, StoredDepthMap } from './types.js';

/** Values per packed camera: fx, fy, cx, cy, width, height, pose[16] (the native layout). */
export const PACKED_CAMERA_LENGTH = 22;

const MAX_POINTS = 0xffffffff;

/** Checks a points array (Float32Array/Float64Array of length 3N) and returns N. */
export function checkPoints(points: unknown, name = 'points'): number {
  if (!(points instanceof Float32Array) && !(points instanceof Float64Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array or Float64Array for ${name} but received ${describeValue(points)}`);
  if (points.length % 3 !== 0)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be a multiple of 3 (got ${points.length})`);
  if (points.length / 3 > MAX_POINTS)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} must hold fewer than 2^32 points (got ${points.length / 3})`);
  return points.length / 3;
}

/** True for a non-null object (arrays and typed arrays included): the first test of every options / record check. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Checks intrinsics: finite, fx, fy > 0, width and height positive integers (<= 2^20). */
export function checkIntrinsics(k: unknown, name = 'intrinsics'): Intrinsics {
  if (!isObject(k)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Intrinsics object for ${name} but received ${describeValue(k)}`);
  for (const key of ['fx', 'fy', 'cx', 'cy', 'width', 'height'] as const) {
    if (typeof k[key] !== 'number')
      throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name}.${key} but received ${describeValue(k[key])}`);
  }
  const { fx, fy, cx, cy, width, height } = k as unknown as Intrinsics;
  for (const [key, v] of [['fx', fx], ['fy', fy], ['cx', cx], ['cy', cy]] as const)
    if (!Number.isFinite(v)) throw spatialError('ERR_SPATIAL_CAMERA', `${name}.${key} must be finite (got ${v})`);
  if (!(fx > 0) || !(fy > 0)) throw spatialError('ERR_SPATIAL_CAMERA', `${name}.fx and .fy must be > 0 (got ${fx}, ${fy})`);
  for (const [key, v] of [['width', width], ['height', height]] as const)
    if (!Number.isInteger(v) || v < 1 || v > 1 << 20)
      throw spatialError('ERR_SPATIAL_CAMERA', `${name}.${key} must be a positive integer <= 1048576 (got ${v})`);
  if (width * height > 2147483647)
    throw spatialError('ERR_SPATIAL_CAMERA', `${name}.width*height must be < 2^31 (got ${width * height})`);
  return { fx, fy, cx, cy, width, height };
}

/** Largest focal length (pixels) {@link checkSceneIntrinsics} accepts. */
export const MAX_FOCAL_PX = 1e6;

/**
 * Checks intrinsics read from a dataset: {@link checkIntrinsics}, and plausible values: fx, fy
 * below {@link MAX_FOCAL_PX} pixels (a 1e6 px focal length is a 0.06 degree field of view over 1000
 * px), and the principal point within two image sizes of the image (`-2W <= cx <= 3W`, likewise cy).
 * Every scene format's loader uses it; the geometry ops take any valid camera.
 * @throws ERR_SPATIAL_CAMERA naming `name` and the value.
 */
export function checkSceneIntrinsics(k: unknown, name = 'intrinsics'): Intrinsics {
  const c = checkIntrinsics(k, name);
  for (const [key, v] of [['fx', c.fx], ['fy', c.fy]] as const)
    if (!(v < MAX_FOCAL_PX)) throw spatialError('ERR_SPATIAL_CAMERA', `${name}.${key} must be < ${MAX_FOCAL_PX} px (got ${v})`);
  for (const [key, v, size] of [['cx', c.cx, c.width], ['cy', c.cy, c.height]] as const)
    if (!(v >= -2 * size && v <= 3 * size))
      throw spatialError('ERR_SPATIAL_CAMERA', `${name}.${key} must lie within two image sizes of the ${c.width}x${c.height} image, in [${-2 * size}, ${3 * size}] (got ${v})`);
  return c;
}

/** Checks a rigid camera-to-world pose (finite, `|det R - 1| < 1e-3`, `||R^T R - I|| < 1e-3`, last row `0 0 0 1`). */
export function checkPose(p: unknown, name = 'pose'): Pose {
  if (!(p instanceof Float64Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float64Array(16) for ${name} but received ${describeValue(p)}`);
  if (p.length !== 16) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be 16 (row-major 4x4) (got ${p.length})`);
  for (let i = 0; i < 16; i++)
    if (!Number.isFinite(p[i])) throw spatialError('ERR_SPATIAL_POSE', `${name} must be finite (element ${i} is ${p[i]})`);
  if (Math.abs(p[12]) > 1e-9 || Math.abs(p[13]) > 1e-9 || Math.abs(p[14]) > 1e-9 || Math.abs(p[15] - 1) > 1e-9)
    throw spatialError('ERR_SPATIAL_POSE', `${name} last row must be 0 0 0 1 (got ${p[12]} ${p[13]} ${p[14]} ${p[15]})`);
  const r = [p[0], p[1], p[2], p[4], p[5], p[6], p[8], p[9], p[10]];
  const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
  let orth = 0;
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) {
      const dot = r[a] * r[b] + r[3 + a] * r[3 + b] + r[6 + a] * r[6 + b];
      orth += (dot - (a === b ? 1 : 0)) ** 2;
    }
  orth = Math.sqrt(orth);
  if (!(Math.abs(det - 1) < 1e-3) || !(orth < 1e-3))
    throw spatialError('ERR_SPATIAL_POSE', `${name} must be rigid (|det R - 1| < 1e-3 and ||R^T R - I|| < 1e-3; got det ${det}, ||R^T R - I|| ${orth})`);
  return p;
}

/** Checks one camera. */
export function checkCamera(c: unknown, name = 'camera'): Camera {
  if (!isObject(c)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Camera { intrinsics, pose } for ${name} but received ${describeValue(c)}`);
  return { intrinsics: checkIntrinsics(c.intrinsics, `${name}.intrinsics`), pose: checkPose(c.pose, `${name}.pose`) };
}

/** Checks a camera or an array of cameras and returns the array. */
export function checkCameras(cams: unknown, name = 'cameras'): Camera[] {
  if (Array.isArray(cams)) return cams.map((c, i) => checkCamera(c, `${name}[${i}]`));
  return [checkCamera(cams, name)];
}

/** Packs validated cameras into the native layout (PACKED_CAMERA_LENGTH doubles each). */
export function packCameras(cams: Camera[]): Float64Array {
  const out = new Float64Array(cams.length * PACKED_CAMERA_LENGTH);
  cams.forEach((c, f) => {
    const k = c.intrinsics;
    out.set([k.fx, k.fy, k.cx, k.cy, k.width, k.height], f * PACKED_CAMERA_LENGTH);
    out.set(c.pose, f * PACKED_CAMERA_LENGTH + 6);
  });
  return out;
}

/** Packs intrinsics (fx, fy, cx, cy, width, height). */
export function packIntrinsics(k: Intrinsics): Float64Array {
  return Float64Array.of(k.fx, k.fy, k.cx, k.cy, k.width, k.height);
}

/** Checks a depth map and, when given, that it matches the camera's image size. */
export function checkDepthMap(d: unknown, name = 'depth', k?: Intrinsics, camName = 'camera'): DepthMap {
  if (!isObject(d)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a DepthMap { width, height, data } for ${name} but received ${describeValue(d)}`);
  if (!(d.data instanceof Float32Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for ${name}.data but received ${describeValue(d.data)}`);
  const { width, height, data } = d as unknown as DepthMap;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width and .height must be positive integers (got ${describeValue(width)}, ${describeValue(height)})`);
  if (data.length !== width * height)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.data.length must be width*height = ${width * height} (got ${data.length})`);
  if (k && (k.width !== width || k.height !== height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} is ${width}x${height} but ${camName} expects ${k.width}x${k.height}`);
  return d as unknown as DepthMap;
}

/**
 * Checks a {@link StoredDepthMap}: Uint16Array data of length width*height, a finite scale > 0,
 * and, when `k` is given, the size of that camera.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE naming the argument.
 */
export function checkStoredDepthMap(d: unknown, name = 'depth', k?: { width: number; height: number }, camName = 'camera'): StoredDepthMap {
  if (!isObject(d)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a StoredDepthMap { width, height, data, scale } for ${name} but received ${describeValue(d)}`);
  const { width, height, data, scale } = d as unknown as StoredDepthMap;
  if (!(data instanceof Uint16Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint16Array for ${name}.data but received ${describeValue(data)}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width and .height must be positive integers (got ${describeValue(width)}, ${describeValue(height)})`);
  if (data.length !== width * height) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.data.length must be width*height = ${width * height} (got ${data.length})`);
  if (typeof scale !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name}.scale but received ${describeValue(scale)}`);
  if (!Number.isFinite(scale) || !(scale > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.scale must be a finite number > 0 (got ${scale})`);
  if (k && (k.width !== width || k.height !== height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} is ${width}x${height} but ${camName} expects ${k.width}x${k.height}`);
  return d as unknown as StoredDepthMap;
}

/** Checks depth maps against cameras one to one. */
export function checkDepthMaps(depths: unknown, cams: Camera[], name = 'depths'): DepthMap[] {
  if (!Array.isArray(depths)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of DepthMap for ${name} but received ${describeValue(depths)}`);
  if (depths.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must equal cameras.length (${cams.length}), got ${depths.length}`);
  return depths.map((d, f) => checkDepthMap(d, `${name}[${f}]`, cams[f].intrinsics, `cameras[${f}]`));
}

/** Checks an optional caller-owned Float32Array output of an exact length. */
export function checkOut(out: unknown, length: number, name: string): Float32Array | undefined {
  if (out === undefined) return undefined;
  if (!(out instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for ${name} but received ${describeValue(out)}`);
  if (out.length !== length) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be ${length} (got ${out.length})`);
  return out;
}

/** Checks an integer in [lo, hi]. */
export function checkInteger(v: unknown, lo: number, hi: number, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < lo || v > hi) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  return v;
}

/** Checks that an options argument is an object. */
export function checkOptionsObject(opts: unknown, name = 'opts'): Record<string, unknown> {
  if (!isObject(opts)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for ${name} but received ${describeValue(opts)}`);
  return opts;
}

/** Checks a boolean. */
export function checkBoolean(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for ${name} but received ${describeValue(v)}`);
  return v;
}

/** Checks an 8-bit image (1, 3 or 4 interleaved channels) and, when given, that it matches the intrinsics' size. */
export function checkImage(img: unknown, name = 'image', k?: Intrinsics, kName = 'intrinsics'): Image {
  if (!isObject(img)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Image { width, height, channels, data } for ${name} but received ${describeValue(img)}`);
  if (!(img.data instanceof Uint8Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint8Array for ${name}.data but received ${describeValue(img.data)}`);
  const { width, height, channels, data } = img as unknown as Image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width and .height must be positive integers (got ${describeValue(width)}, ${describeValue(height)})`);
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.channels must be 1, 3 or 4 (got ${describeValue(channels)})`);
  if (data.length !== width * height * channels)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.data.length must be width*height*channels = ${width * height * channels} (got ${data.length})`);
  if (k && (k.width !== width || k.height !== height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} is ${width}x${height} but ${kName} expects ${k.width}x${k.height}`);
  return img as unknown as Image;
}

/** Checks a uint16 id map (e.g. instance masks) and, when given, that it matches the intrinsics' size. */
export function checkInstanceIdMap(ids: unknown, name = 'instanceIds', k?: Intrinsics, kName = 'intrinsics'): InstanceIdMap {
  if (!isObject(ids)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an InstanceIdMap { width, height, data } for ${name} but received ${describeValue(ids)}`);
  if (!(ids.data instanceof Uint16Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint16Array for ${name}.data but received ${describeValue(ids.data)}`);
  const { width, height, data } = ids as unknown as InstanceIdMap;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.width and .height must be positive integers (got ${describeValue(width)}, ${describeValue(height)})`);
  if (data.length !== width * height)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.data.length must be width*height = ${width * height} (got ${data.length})`);
  if (k && (k.width !== width || k.height !== height))
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} is ${width}x${height} but ${kName} expects ${k.width}x${k.height}`);
  return ids as unknown as InstanceIdMap;
}
