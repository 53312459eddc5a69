/**
 * The native-backed geometry ops (C++ core, optional CUDA). Each function validates its arguments
 * (same rules and errors as the pure-TS twins in `@spatial/geom/reference`) and calls the addon.
 * @module
 */
import { describeValue, spatialError } from './errors.js';
import { native } from './native.js';
import type {
  Camera, Correspondences, DepthMap, Intrinsics, NativeBackendInfo, PatchGridSpec, Points, Projection, ProjectionOut,
  RayEmbeddingOptions, SimdLevel, VisibilityOptions,
} from './types.js';
import {
  checkCamera, checkCameras, checkDepthMap, checkDepthMaps, checkIndexSet, checkIndexSetTypes, checkInteger, checkIntrinsics,
  checkBoolean, checkOptionsObject, checkOut, checkPoints, checkSetInRange, checkVisibilityOptions, packCameras, packIntrinsics, rayEmbeddingLength, resolvePatchGrid,
} from './validate.js';

/**
 * Projects N world points into F cameras.
 *
 * `u = fx * Xc.x / Xc.z + cx`, `v = fy * Xc.y / Xc.z + cy` with `Xc = R^T (Xw - t)` (pose = `[R|t]`,
 * camera-to-world). Integer (u, v) are pixel centres.
 *
 * @param points - 3N interleaved xyz, world frame, metres.
 * @param cameras - one camera or F cameras.
 * @param out - optional caller-owned buffers (`uv`: 2FN, `depth`: FN) to avoid a fresh allocation.
 * @returns frame-major `uv[2*(f*N+i)+k]` (pixels) and `depth[f*N+i]` (camera-space z, metres);
 *   points with `depth <= 0` (behind the camera or on its plane) get uv = NaN.
 * @example
 * const { uv, depth } = projectPoints(Float32Array.of(0, 0, 2), { intrinsics: k, pose: identity });
 * // uv = [k.cx, k.cy], depth = [2]
 */
export function projectPoints(points: Points, cameras: Camera | Camera[], out?: ProjectionOut): Projection {
  const n = checkPoints(points);
  const cams = checkCameras(cameras);
  const fn = n * cams.length;
  const uv = checkOut(out?.uv, 2 * fn, 'out.uv') ?? new Float32Array(2 * fn);
  const depth = checkOut(out?.depth, fn, 'out.depth') ?? new Float32Array(fn);
  native().projectPoints(points, packCameras(cams), uv, depth);
  return { uv, depth };
}

/**
 * Visible set of every frame: ascending indices of the points that pass the visibility test.
 *
 * Point p is visible in frame f when `Xc.z > near`, its nearest pixel
 * `(floor(u + 0.5), floor(v + 0.5))` is inside the image, that pixel's depth `d` is valid
 * (finite, > 0), and `Xc.z <= d + tolerance`. Non-finite points are never visible.
 *
 * @param points - 3N xyz, world frame, metres.
 * @param cameras - F cameras; `depths[f]` must match `cameras[f].intrinsics` in size.
 * @param depths - F metric depth maps.
 * @param opts - `tolerance` (default 0.05 m) and `near` (default 1e-6 m).
 * @returns F Uint32Arrays of ascending point indices.
 */
export function visibleSets(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions): Uint32Array[] {
  const { packed, data, o } = visibilityArgs(points, cameras, depths, opts);
  return native().visibleSets(points, packed, data, o.near, o.tolerance);
}

/**
 * {@link visibleSets} on a worker thread: the event loop stays free. The inputs are copied at the
 * call, so they may be mutated or transferred (detached) while it runs; the result is that of the
 * data as it was at the call.
 */
export async function visibleSetsAsync(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  const { packed, data, o } = visibilityArgs(points, cameras, depths, opts);
  return native().visibleSetsAsync(points, packed, data, o.near, o.tolerance);
}

function visibilityArgs(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions) {
  checkPoints(points);
  if (!Array.isArray(cameras)) throw spatialError('ERR_SPATIAL_TYPE', 'Expected an Array of Camera for cameras but received a single camera; wrap it in [ ]');
  const cams = checkCameras(cameras);
  const maps = checkDepthMaps(depths, cams);
  const o = checkVisibilityOptions(opts);
  return { packed: packCameras(cams), data: maps.map((d) => d.data), o };
}

/** Intersection of two visible sets (ascending indices in both). */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  return native().intersect(checkIndexSet(a, 'a'), checkIndexSet(b, 'b'));
}

/** Overlap (IoU) of two visible sets: `|a ∩ b| / |a ∪ b|`, 0 when both are empty. */
export function overlap(a: Uint32Array, b: Uint32Array): number {
  return native().overlap(checkIndexSet(a, 'a'), checkIndexSet(b, 'b'));
}

/**
 * All-pairs overlap (IoU) of M visible sets: an M*M row-major, symmetric matrix with diagonal 1
 * (0 for an empty set). Dense sets use bitsets + popcount, sparse ones sorted merges.
 * @param out - optional caller-owned Float32Array(M*M).
 */
export function overlapMatrix(sets: Uint32Array[], out?: Float32Array): Float32Array {
  const s = checkIndexSetTypes(sets);  // the native op checks the order while it reads the sets
  const result = checkOut(out, s.length * s.length, 'out') ?? new Float32Array(s.length * s.length);
  native().overlapMatrix(s, result);
  return result;
}

/**
 * {@link overlapMatrix} on a worker thread. The sets are copied at the call (they may be mutated or
 * transferred meanwhile); the matrix is written into `out` when the job ends. If `out` was detached
 * (transferred) meanwhile, the promise rejects with ERR_SPATIAL_IO and nothing is written.
 */
export async function overlapMatrixAsync(sets: Uint32Array[], out?: Float32Array): Promise<Float32Array> {
  const s = checkIndexSetTypes(sets);
  const result = checkOut(out, s.length * s.length, 'out') ?? new Float32Array(s.length * s.length);
  await native().overlapMatrixAsync(s, result);
  return result;
}

/**
 * Points seen by both frames and where they land: intersects the visible sets, then projects
 * those points into both cameras.
 * @returns K indices with their uv (2K, pixels) and camera-space depths (K, metres) in A and B.
 */
export function correspondences(points: Points, a: Camera, b: Camera, setA: Uint32Array, setB: Uint32Array): Correspondences {
  const n = checkPoints(points);
  const cams = [checkCamera(a, 'a'), checkCamera(b, 'b')];
  checkSetInRange(checkIndexSet(setA, 'setA'), n, 'setA');
  checkSetInRange(checkIndexSet(setB, 'setB'), n, 'setB');
  return native().correspondences(points, packCameras(cams), setA, setB);
}

/**
 * Back-projects the valid pixels of a depth map into world points.
 *
 * Pixel (j, i) with depth d maps to `Xc = ((j - cx) / fx * d, (i - cy) / fy * d, d)`, then
 * `Xw = R Xc + t`. Pixels are visited on a stride grid (rows and columns 0, s, 2s, ...) in row-major
 * order; invalid depths (0, non-finite) are skipped.
 * @returns 3K interleaved xyz (Float32Array), world frame, metres.
 */
export function backprojectDepth(depth: DepthMap, camera: Camera, opts?: { stride?: number }): Float32Array {
  const cam = checkCamera(camera, 'camera');
  const d = checkDepthMap(depth, 'depth', cam.intrinsics, 'camera');
  const stride = checkInteger(opts?.stride ?? 1, 1, 1 << 20, 'opts.stride');
  return native().backprojectDepth(d.data, packCameras([cam]), stride);
}

/**
 * Per-patch camera rays: at each patch centre (u, v) the normalised ray `((u - cx) / fx, (v - cy) / fy)`.
 * With `{ patchSize: P }`: `cols = floor(W / P)`, `rows = floor(H / P)`, centre `u = (c + 0.5) * P - 0.5`.
 * With `{ rows, cols }`: centre `u = (c + 0.5) * W / cols - 0.5`.
 * @returns rows*cols*2 floats, row-major patches: `out[(r * cols + c) * 2 + {0: x, 1: y}]`.
 */
export function rayGrid(k: Intrinsics, grid: PatchGridSpec): Float32Array {
  const ki = checkIntrinsics(k, 'k');
  const g = resolvePatchGrid(ki, grid);
  return native().rayGrid(packIntrinsics(ki), g.patchSize, g.rows, g.cols);
}

/**
 * Sinusoidal embedding of the per-patch rays (CA-MLLM's dense camera-ray embedding).
 *
 * Per patch (row-major), components `q` = [ray x, ray y] plus `[fx / W, fy / H]` when
 * `includeFocal`; each passed through `sin` and `cos` of `2^k * pi * value` for k = 0..F-1:
 * `out[((p * Q + q) * F + k) * 2 + {0: sin, 1: cos}]`, so each patch has `D = Q * 2F` values.
 * @returns rows*cols*D floats.
 */
export function rayEmbedding(k: Intrinsics, opts: RayEmbeddingOptions): Float32Array {
  const ki = checkIntrinsics(k, 'k');
  checkOptionsObject(opts);
  const g = resolvePatchGrid(ki, { patchSize: opts.patchSize }, 'opts');
  const frequencies = checkInteger(opts.frequencies, 1, 32, 'opts.frequencies');
  const focal = checkBoolean(opts.includeFocal ?? false, 'opts.includeFocal');
  const out = checkOut(opts.out, rayEmbeddingLength(g, frequencies, focal), 'opts.out');
  return native().rayEmbedding(packIntrinsics(ki), g.patchSize, frequencies, focal, out);
}

/**
 * Version, active backend ('cpu' or 'cuda'), CUDA availability (and why not), thread count, and the
 * SIMD level of the CPU kernels (`simd`) with the levels this CPU offers (`simdLevels`).
 */
export function info(): NativeBackendInfo {
  return native().info();
}

/**
 * Sets the native thread count (`threads`, 0 = all cores), the backend (`'auto'` picks CUDA when a
 * device is present), the work size from which batch ops go multi-threaded, and the SIMD level of
 * the CPU kernels (`simd`: one of `info().simdLevels`; for tests and benchmarks, since every level
 * gives the same results), and returns the settings now in force. Omitted settings (or no argument
 * at all) are left as they are, so `configure()` is a no-op returning the same as {@link info}.
 * @throws ERR_SPATIAL_TYPE when `opts` is given and is not an object; ERR_SPATIAL_SHAPE for a SIMD
 * level this CPU lacks, or an unknown name (nothing is changed then).
 * @example configure({ simd: 'avx2' }); // ... configure({ simd: info().simdLevels.at(-1) });
 */
export function configure(
  opts: { threads?: number; backend?: 'auto' | 'cpu' | 'cuda'; parallelThreshold?: number; simd?: SimdLevel } = {},
): NativeBackendInfo {
  if (opts === null || typeof opts !== 'object') throw spatialError('ERR_SPATIAL_TYPE', `Expected an object or nothing for opts but received ${describeValue(opts)}`);
  return native().configure(opts.threads, opts.backend, opts.parallelThreshold, opts.simd);
}
