/**
 * Types, validation and packing of the box ray caster's arguments, shared by the native wrapper
 * (`native.ts`) and its pure-TS twin (`reference.ts`) so both reject the same
 * inputs with the same codes and messages.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { DepthMap, Image } from '../../types.js';
import type { Vec3 } from '../../pose.js';
import { isObject } from '../../validate.js';

/** A point or extent in the world frame (metres): the one `Vec3` of lib/pose.ts. */
export type { Vec3 };

/** A solid axis-aligned box seen from outside. `min <= max` on every axis (flat boxes allowed). */
export interface RaycastBox {
  min: Vec3;
  max: Vec3;
  /** Instance id written to the pixels that see this box (0..65535). */
  id: number;
}

/** An enclosing room box seen from inside (`min < max` on every axis); each face has its own id. */
export interface RaycastRoom {
  min: Vec3;
  max: Vec3;
  /** Instance ids of the faces at -x, +x, -y, +y, -z (floor in a z-up world), +z (ceiling). */
  faceIds: [number, number, number, number, number, number];
}

/** What the ray caster renders: solid boxes, optionally inside a room, and a colour per instance id. */
export interface RaycastScene {
  boxes: RaycastBox[];
  room?: RaycastRoom;
  /** RGB per instance id (`palette[3 * id + c]`), needed for the colour image. */
  palette?: Uint8Array;
}

/** Caller-owned output buffers (sizes W*H, W*H and 3*W*H). */
export interface RaycastOut {
  depth?: Float32Array;
  instanceIds?: Uint16Array;
  color?: Uint8Array;
}

/** Options of `raycastBoxes`. */
export interface RaycastOptions {
  /** Render the shaded colour image (default: when `scene.palette` is given). */
  color?: boolean;
  out?: RaycastOut;
}

/** Images of one camera: exact depth (camera z, 0 = nothing hit), instance ids (0 = none), colour. */
export interface RaycastResult {
  depth: DepthMap;
  instanceIds: Uint16Array;
  /** RGB, present when colour was rendered; black where nothing was hit. */
  color?: Image;
}

/** The scene in the native layout. */
export interface PackedRaycastScene {
  /** 6 per box: min x y z, max x y z. */
  boxes: Float64Array;
  ids: Uint16Array;
  /** 0 or 6 values. */
  room: Float64Array;
  /** 0 or 6 ids. */
  roomIds: Uint16Array;
  palette: Uint8Array;
}

function checkVec3(v: unknown, name: string): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number'))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of 3 numbers for ${name} but received ${describeValue(v)}`);
  for (let k = 0; k < 3; k++)
    if (!Number.isFinite(v[k])) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be finite (element ${k} is ${v[k]})`);
  return v as Vec3;
}

function checkId(v: unknown, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [0, 65535] (got ${v})`);
  return v;
}

/**
 * Validates a {@link RaycastScene} and packs it. With `needPalette`, the palette must hold a colour
 * for every id the scene uses.
 */
export function packRaycastScene(scene: unknown, needPalette: boolean, name = 'scene'): PackedRaycastScene {
  if (!isObject(scene)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a RaycastScene { boxes, room?, palette? } for ${name} but received ${describeValue(scene)}`);
  if (!Array.isArray(scene.boxes)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of RaycastBox for ${name}.boxes but received ${describeValue(scene.boxes)}`);
  const count = scene.boxes.length;
  const boxes = new Float64Array(6 * count);
  const ids = new Uint16Array(count);
  let maxId = 0;
  scene.boxes.forEach((b: unknown, i: number) => {
    const bn = `${name}.boxes[${i}]`;
    if (!isObject(b)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a RaycastBox { min, max, id } for ${bn} but received ${describeValue(b)}`);
    const min = checkVec3(b.min, `${bn}.min`), max = checkVec3(b.max, `${bn}.max`);
    for (let a = 0; a < 3; a++)
      if (min[a] > max[a]) throw spatialError('ERR_SPATIAL_SHAPE', `${bn}.min must be <= max on every axis (axis ${a}: ${min[a]} > ${max[a]})`);
    boxes.set(min, 6 * i);
    boxes.set(max, 6 * i + 3);
    ids[i] = checkId(b.id, `${bn}.id`);
    maxId = Math.max(maxId, ids[i]);
  });
  let room: Float64Array = new Float64Array(0), roomIds: Uint16Array = new Uint16Array(0);
  if (scene.room !== undefined) {
    const r = scene.room;
    const rn = `${name}.room`;
    if (!isObject(r)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a RaycastRoom { min, max, faceIds } for ${rn} but received ${describeValue(r)}`);
    const min = checkVec3(r.min, `${rn}.min`), max = checkVec3(r.max, `${rn}.max`);
    for (let a = 0; a < 3; a++)
      if (!(min[a] < max[a])) throw spatialError('ERR_SPATIAL_SHAPE', `${rn}.min must be < max on every axis (axis ${a}: ${min[a]} >= ${max[a]})`);
    if (!Array.isArray(r.faceIds) || r.faceIds.length !== 6)
      throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of 6 ids for ${rn}.faceIds but received ${describeValue(r.faceIds)}`);
    room = Float64Array.of(...min, ...max);
    roomIds = Uint16Array.from(r.faceIds.map((id: unknown, k: number) => checkId(id, `${rn}.faceIds[${k}]`)));
    maxId = Math.max(maxId, ...roomIds);
  }
  let palette: Uint8Array = new Uint8Array(0);
  if (scene.palette !== undefined) {
    if (!(scene.palette instanceof Uint8Array))
      throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint8Array for ${name}.palette but received ${describeValue(scene.palette)}`);
    if (scene.palette.length % 3 !== 0)
      throw spatialError('ERR_SPATIAL_SHAPE', `${name}.palette.length must be a multiple of 3 (got ${scene.palette.length})`);
    palette = scene.palette;
  }
  if (needPalette && palette.length < 3 * (maxId + 1))
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.palette must hold an RGB colour for every instance id up to ${maxId} (${3 * (maxId + 1)} bytes; got ${palette.length})`);
  return { boxes, ids, room, roomIds, palette };
}

/** Resolves the options and the output buffers of `raycastBoxes` for an image of `pixels` pixels. */
export function raycastOutputs(scene: unknown, opts: unknown, pixels: number): { color: boolean; depth: Float32Array; instanceIds: Uint16Array; rgb?: Uint8Array } {
  if (opts !== undefined && !isObject(opts)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const o = (opts ?? {}) as RaycastOptions;
  const color = o.color ?? (isObject(scene) && scene.palette !== undefined);
  if (typeof color !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for opts.color but received ${describeValue(color)}`);
  const out = o.out ?? {};
  if (!isObject(out)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an object for opts.out but received ${describeValue(out)}`);
  const buffer = <T extends Float32Array | Uint16Array | Uint8Array>(v: unknown, ctor: { new (n: number): T; name: string }, length: number, name: string): T => {
    if (v === undefined) return new ctor(length);
    if (!(v instanceof ctor)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a ${ctor.name} for ${name} but received ${describeValue(v)}`);
    if (v.length !== length) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be ${length} (got ${v.length})`);
    return v;
  };
  return {
    color,
    depth: buffer(out.depth, Float32Array, pixels, 'opts.out.depth'),
    instanceIds: buffer(out.instanceIds, Uint16Array, pixels, 'opts.out.instanceIds'),
    rgb: color ? buffer(out.color, Uint8Array, 3 * pixels, 'opts.out.color') : undefined,
  };
}
