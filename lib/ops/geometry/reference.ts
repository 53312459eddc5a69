/**
 * Pure-TypeScript twins of the native ops: the same signatures, semantics and errors, written to be
 * obviously correct rather than fast. Property tests compare the native backend against these.
 * @module
 */
import { spatialError } from '../../errors.js';
import type {
  BackendInfo, Camera, Correspondences, DepthMap, Points, Projection, ProjectionOut, StoredDepthMap, VisibilityOptions,
} from '../../types.js';
import { checkCamera, checkCameras, checkDepthMap, checkDepthMaps, checkInteger, checkOut, checkPoints, checkStoredDepthMap } from '../../validate.js';
import { checkIndexSet, checkIndexSets, checkSetInRange, checkStoredVisibilityArgs, checkVisibilityOptions } from './shared.js';

import { cameraMath, type CameraMath } from './reference-camera.js';

/** Camera-space z and pixel (u, v) of one point; u, v are NaN when z <= 0. */
function project(c: CameraMath, x: number, y: number, z: number): [number, number, number] {
  const m = c.camFromWorld;
  const xc = m[0] * x + m[1] * y + m[2] * z + m[3];
  const yc = m[4] * x + m[5] * y + m[6] * z + m[7];
  const zc = m[8] * x + m[9] * y + m[10] * z + m[11];
  if (!(zc > 0)) return [NaN, NaN, zc];
  return [(c.fx * xc) / zc + c.cx, (c.fy * yc) / zc + c.cy, zc];
}

/**
 * Reference twin of {@link geometry!projectPoints}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function projectPoints(points: Points, cameras: Camera | Camera[], out?: ProjectionOut): Projection {
  const n = checkPoints(points);
  const cams = checkCameras(cameras);
  const uv = checkOut(out?.uv, 2 * n * cams.length, 'out.uv') ?? new Float32Array(2 * n * cams.length);
  const depth = checkOut(out?.depth, n * cams.length, 'out.depth') ?? new Float32Array(n * cams.length);
  cams.forEach((cam, f) => {
    const c = cameraMath(cam);
    for (let i = 0; i < n; i++) {
      const [u, v, z] = project(c, points[3 * i], points[3 * i + 1], points[3 * i + 2]);
      uv[2 * (f * n + i)] = u;
      uv[2 * (f * n + i) + 1] = v;
      depth[f * n + i] = z;
    }
  });
  return { uv, depth };
}

/** Whether a world point passes the package's visibility test in one frame (`Xc.z > near`, the nearest pixel inside the image, its depth valid and `Xc.z <= depth + tolerance`). */
function isVisible(c: CameraMath, depth: Float32Array, x: number, y: number, z: number, near: number, tolerance: number): boolean {
  const m = c.camFromWorld;
  const xc = m[0] * x + m[1] * y + m[2] * z + m[3];
  const yc = m[4] * x + m[5] * y + m[6] * z + m[7];
  const zc = m[8] * x + m[9] * y + m[10] * z + m[11];
  if (!(zc > near)) return false;
  const j = Math.floor((c.fx * xc) / zc + c.cx + 0.5);
  const i = Math.floor((c.fy * yc) / zc + c.cy + 0.5);
  if (!(j >= 0 && j < c.width && i >= 0 && i < c.height)) return false;
  const d = depth[i * c.width + j];
  return d > 0 && d < Infinity && zc <= d + tolerance;
}

/**
 * Reference twin of {@link geometry!visibleSets}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function visibleSets(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions): Uint32Array[] {
  const n = checkPoints(points);
  if (!Array.isArray(cameras)) throw spatialError('ERR_SPATIAL_TYPE', 'Expected an Array of Camera for cameras but received a single camera; wrap it in [ ]');
  const cams = checkCameras(cameras);
  const maps = checkDepthMaps(depths, cams);
  const { near, tolerance } = checkVisibilityOptions(opts);
  return cams.map((cam, f) => {
    const c = cameraMath(cam);
    const visible: number[] = [];
    for (let i = 0; i < n; i++)
      if (isVisible(c, maps[f].data, points[3 * i], points[3 * i + 1], points[3 * i + 2], near, tolerance)) visible.push(i);
    return Uint32Array.from(visible);
  });
}

/**
 * Reference twin of {@link geometry!visibleSetsAsync}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: runs on the calling thread.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation,
 *   as a rejected promise.
 */
export async function visibleSetsAsync(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  return visibleSets(points, cameras, depths, opts);
}

function intersectionOf(a: Uint32Array, b: Uint32Array): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}

function iou(inter: number, na: number, nb: number): number {
  const union = na + nb - inter;
  return union === 0 ? 0 : inter / union;
}

/**
 * Reference twin of {@link geometry!intersect}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  return Uint32Array.from(intersectionOf(checkIndexSet(a, 'a'), checkIndexSet(b, 'b')));
}

/**
 * Reference twin of {@link geometry!overlap}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function overlap(a: Uint32Array, b: Uint32Array): number {
  checkIndexSet(a, 'a');
  checkIndexSet(b, 'b');
  return iou(intersectionOf(a, b).length, a.length, b.length);
}

/**
 * Reference twin of {@link geometry!overlapMatrix}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: pairwise merges.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function overlapMatrix(sets: Uint32Array[], out?: Float32Array): Float32Array {
  const s = checkIndexSets(sets);
  const m = s.length;
  const result = checkOut(out, m * m, 'out') ?? new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    result[i * m + i] = s[i].length ? 1 : 0;
    for (let j = i + 1; j < m; j++) {
      const v = iou(intersectionOf(s[i], s[j]).length, s[i].length, s[j].length);
      result[i * m + j] = v;
      result[j * m + i] = v;
    }
  }
  return result;
}

/**
 * Reference twin of {@link geometry!overlapMatrixAsync}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply. Here: runs on the calling thread.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation,
 *   as a rejected promise.
 */
export async function overlapMatrixAsync(sets: Uint32Array[], out?: Float32Array): Promise<Float32Array> {
  return overlapMatrix(sets, out);
}

/**
 * Reference twin of {@link geometry!correspondences}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function correspondences(points: Points, a: Camera, b: Camera, setA: Uint32Array, setB: Uint32Array): Correspondences {
  const n = checkPoints(points);
  const ca = cameraMath(checkCamera(a, 'a'));
  const cb = cameraMath(checkCamera(b, 'b'));
  checkSetInRange(checkIndexSet(setA, 'setA'), n, 'setA');
  checkSetInRange(checkIndexSet(setB, 'setB'), n, 'setB');
  const index = Uint32Array.from(intersectionOf(setA, setB));
  const k = index.length;
  const out = { index, uvA: new Float32Array(2 * k), uvB: new Float32Array(2 * k), depthA: new Float32Array(k), depthB: new Float32Array(k) };
  index.forEach((p, i) => {
    const [ua, va, za] = project(ca, points[3 * p], points[3 * p + 1], points[3 * p + 2]);
    const [ub, vb, zb] = project(cb, points[3 * p], points[3 * p + 1], points[3 * p + 2]);
    out.uvA[2 * i] = ua;
    out.uvA[2 * i + 1] = va;
    out.uvB[2 * i] = ub;
    out.uvB[2 * i + 1] = vb;
    out.depthA[i] = za;
    out.depthB[i] = zb;
  });
  return out;
}

/**
 * Reference twin of {@link geometry!backprojectDepth}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function backprojectDepth(depth: DepthMap, camera: Camera, opts?: { stride?: number }): Float32Array {
  const cam = checkCamera(camera, 'camera');
  const d = checkDepthMap(depth, 'depth', cam.intrinsics, 'camera');
  const stride = checkInteger(opts?.stride ?? 1, 1, 1 << 20, 'opts.stride');
  const { fx, fy, cx, cy } = cam.intrinsics;
  const p = cam.pose;
  const out: number[] = [];
  for (let i = 0; i < d.height; i += stride)
    for (let j = 0; j < d.width; j += stride) {
      const z = d.data[i * d.width + j];
      if (!(z > 0) || !Number.isFinite(z)) continue;
      const xc = ((j - cx) / fx) * z;
      const yc = ((i - cy) / fy) * z;
      const zc = z;
      out.push(
        p[0] * xc + p[1] * yc + p[2] * zc + p[3],
        p[4] * xc + p[5] * yc + p[6] * zc + p[7],
        p[8] * xc + p[9] * yc + p[10] * zc + p[11],
      );
    }
  return Float32Array.from(out);
}

/** The reference backend's description. */
export function info(): BackendInfo {
  return { version: '0.1.0', backend: 'reference', cuda: { available: false, reason: 'the reference backend is pure TypeScript' }, threads: 1 };
}

/**
 * Reference twin of `depthFromStored`: `data[i] = stored[i] / scale` in double, stored
 * as float32 (the division readDepthPng has always done).
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a malformed map or a scale that is not finite and > 0.
 */
export function depthFromStored(depth: StoredDepthMap): DepthMap {
  const d = checkStoredDepthMap(depth);
  const data = new Float32Array(d.data.length);
  for (let i = 0; i < data.length; i++) data[i] = d.data[i] / d.scale;
  return { width: d.width, height: d.height, data };
}

/**
 * Reference twin of `visibleSetsStoredAsync`: the reference `visibleSets` on the
 * converted maps.
 * @throws (as a rejected promise) the codes of the native op.
 */
export async function visibleSetsStoredAsync(points: Points, cameras: Camera[], depths: StoredDepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  const { maps } = checkStoredVisibilityArgs(points, cameras, depths, opts);
  return visibleSets(points, cameras, maps.map(depthFromStored), opts);
}
