/**
 * The shared part of the geometry family (projection, visibility, sets): the argument checks of the
 * visibility options and the visible sets, used by the native face (`native.ts`) and the reference
 * twin (`reference.ts`) alike, so both reject the same inputs with the same codes and messages. The
 * checks of the package's data types (points, cameras, depth maps) are cross-family: `lib/validate.ts`.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { Camera, StoredDepthMap, VisibilityOptions } from '../../types.js';
import { checkCameras, checkPoints, checkStoredDepthMap, isObject } from '../../validate.js';

/** Resolves visibility options to numbers (defaults: tolerance 0.05 m, near 1e-6 m). */
export function checkVisibilityOptions(opts: unknown): Required<VisibilityOptions> {
  if (opts !== undefined && !isObject(opts))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const o = (opts ?? {}) as VisibilityOptions;
  const tolerance = o.tolerance ?? 0.05;
  const near = o.near ?? 1e-6;
  if (typeof tolerance !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for opts.tolerance but received ${describeValue(tolerance)}`);
  if (typeof near !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for opts.near but received ${describeValue(near)}`);
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw spatialError('ERR_SPATIAL_SHAPE', `opts.tolerance must be a finite number >= 0 (got ${tolerance})`);
  if (!Number.isFinite(near)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.near must be finite (got ${near})`);
  return { tolerance, near };
}

/** Checks a visible set: a strictly ascending Uint32Array. */
export function checkIndexSet(s: unknown, name = 'set'): Uint32Array {
  const set = checkIndexSetType(s, name);
  for (let i = 1; i < set.length; i++)
    if (set[i] <= set[i - 1])
      throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be strictly ascending (element ${i} is ${set[i]} after ${set[i - 1]})`);
  return set;
}

function checkIndexSetType(s: unknown, name: string): Uint32Array {
  if (!(s instanceof Uint32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint32Array for ${name} but received ${describeValue(s)}`);
  return s;
}

/** Checks an array of visible sets. */
export function checkIndexSets(sets: unknown, name = 'sets'): Uint32Array[] {
  return checkIndexSetTypes(sets, name).map((s, i) => checkIndexSet(s, `${name}[${i}]`));
}

/**
 * Checks an array of visible sets by type only, for native ops that check the order themselves while
 * they read the sets (same error code and message as {@link checkIndexSets}; a JS pass over 64 sets
 * of 181k indices cost 30 ms, twice the native overlap matrix).
 */
export function checkIndexSetTypes(sets: unknown, name = 'sets'): Uint32Array[] {
  if (!Array.isArray(sets)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Uint32Array for ${name} but received ${describeValue(sets)}`);
  sets.forEach((s, i) => checkIndexSetType(s, `${name}[${i}]`));
  return sets as Uint32Array[];
}

/** Checks that every index of a set addresses one of `n` points. */
export function checkSetInRange(s: Uint32Array, n: number, name: string): void {
  if (s.length && s[s.length - 1] >= n)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} holds index ${s[s.length - 1]} but points has only ${n} points`);
}

/**
 * Shared checks of both backends of `visibleSetsStoredAsync`: points, F cameras, F stored depth maps
 * of one scale (each of its camera's size), options.
 * @returns the validated cameras, maps, options and the common scale.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for malformed arguments or maps of different scales.
 */
export function checkStoredVisibilityArgs(points: unknown, cameras: unknown, depths: unknown, opts: unknown) {
  checkPoints(points);
  if (!Array.isArray(cameras)) throw spatialError('ERR_SPATIAL_TYPE', 'Expected an Array of Camera for cameras but received a single camera; wrap it in [ ]');
  const cams: Camera[] = checkCameras(cameras);
  if (!Array.isArray(depths)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of StoredDepthMap for depths but received ${describeValue(depths)}`);
  if (depths.length !== cams.length) throw spatialError('ERR_SPATIAL_SHAPE', `depths.length must equal cameras.length (${cams.length}), got ${depths.length}`);
  const maps: StoredDepthMap[] = depths.map((d, f) => checkStoredDepthMap(d, `depths[${f}]`, cams[f].intrinsics, `cameras[${f}]`));
  const options = checkVisibilityOptions(opts);
  const scale = maps.length ? maps[0].scale : 1;
  const other = maps.findIndex((m) => m.scale !== scale);
  if (other >= 0) throw spatialError('ERR_SPATIAL_SHAPE', `depths[${other}].scale (${maps[other].scale}) differs from depths[0].scale (${scale}); pass maps of one scale`);
  return { cams, maps, options, scale };
}
