/**
 * The native-backed geometry ops (C++ core, optional CUDA). Each function validates its arguments
 * (same rules and errors as the pure-TS twins in `@spatial/geom/reference`) and calls the addon.
 *
 * Conventions (README: Conventions): OpenCV camera frame (x right, y down, z forward), metres;
 * `Camera.pose` is worldFromCam, a rigid row-major 4x4 `Float64Array(16)`; intrinsics in pixels with
 * integer pixel coordinates at pixel centres; depth maps in metres where <= 0 or non-finite means no
 * measurement. Besides the argument errors each function lists, every op throws ERR_SPATIAL_IO when
 * the native addon cannot be loaded (see {@link info}).
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import { native } from '../../native.js';
import type {
  Camera, Correspondences, DepthMap, NativeBackendInfo, Points, Projection, ProjectionOut, SimdLevel, StoredDepthMap, VisibilityOptions,
} from '../../types.js';
import { checkCamera, checkCameras, checkDepthMap, checkDepthMaps, checkInteger, checkOut, checkPoints, checkStoredDepthMap, packCameras } from '../../validate.js';
import { checkIndexSet, checkIndexSetTypes, checkSetInRange, checkStoredVisibilityArgs, checkVisibilityOptions } from './shared.js';


/**
 * Projects N world points into F cameras.
 *
 * `u = fx * Xc.x / Xc.z + cx`, `v = fy * Xc.y / Xc.z + cy` with `Xc = R^T (Xw - t)` (pose = `[R|t]`,
 * camera-to-world). Integer (u, v) are pixel centres.
 *
 * Edge cases: a point behind the camera or on its plane gets `depth <= 0` and `uv = (NaN, NaN)`;
 * a non-finite point gives non-finite uv and depth (no error). Points outside the image are still
 * projected (no bounds test here; see {@link visibleSets}).
 *
 * @param points - `Float32Array` or `Float64Array` of length 3N, interleaved xyz, world frame, metres.
 * @param cameras - one camera or an array of F cameras (`pose` = worldFromCam, rigid, 4x4 row-major).
 * @param out - optional caller-owned buffers (`uv`: Float32Array(2FN), `depth`: Float32Array(FN)),
 *   filled and returned instead of fresh allocations.
 * @returns frame-major `uv[2*(f*N+i)+k]` (k = 0: u, 1: v; pixels, integers at pixel centres) and
 *   `depth[f*N+i]` (camera-space z, metres), both Float32Array. F = 1 for a single camera.
  * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array / Float64Array or a camera,
 *   its intrinsics or pose has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3 or a pose is not 16 long, or
 *   `out.uv` / `out.depth` has the wrong length.
 * @throws ERR_SPATIAL_CAMERA for non-finite intrinsics, `fx`/`fy <= 0` or a width/height that is not
 *   a positive integer <= 2^20.
 * @throws ERR_SPATIAL_POSE for a non-finite or non-rigid pose or a last row other than `0 0 0 1`.
 * @example
 * const k = { fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480 };
 * const pose = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]); // camera at the origin
 * const { uv, depth } = projectPoints(Float32Array.of(0, 0, 2, 1, 0, -1), { intrinsics: k, pose });
 * // uv = [319.5, 239.5, NaN, NaN], depth = [2, -1]: the second point is behind the camera
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
 * Edge cases: points behind the camera (`Xc.z <= near`) are never visible; an invalid depth
 * (<= 0 or non-finite) means no measurement, so a point landing there is never visible; a pixel is
 * in bounds iff `0 <= floor(u + 0.5) < W` and `0 <= floor(v + 0.5) < H` (pixel centres at integers).
 *
 * @param points - `Float32Array` or `Float64Array` of length 3N, xyz, world frame, metres.
 * @param cameras - array of F cameras; `depths[f]` must match `cameras[f].intrinsics` in size.
 * @param depths - F depth maps `{ width, height, data: Float32Array(width*height) }`, row-major, metres.
 * @param opts - `tolerance` (metres, >= 0, default 0.05) and `near` (metres, default 1e-6).
 * @returns F Uint32Arrays of strictly ascending point indices in [0, N).
 * @throws ERR_SPATIAL_TYPE (TypeError) for a wrong type of `points`, `cameras` (also a single camera
 *   not wrapped in an array), `depths`, a depth map's `data` (must be Float32Array) or `opts`.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `depths.length !==
 *   cameras.length`, a depth map's size differs from its camera's `width x height`, or
 *   `opts.tolerance` is negative / non-finite or `opts.near` non-finite.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 * @example
 * const k = { fx: 2, fy: 2, cx: 0.5, cy: 0.5, width: 2, height: 2 };
 * const pose = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
 * const depth = { width: 2, height: 2, data: Float32Array.of(1, 1, 1, 0) }; // pixel (1, 1): no measurement
 * const points = Float32Array.of(-0.25, -0.25, 1, 0.25, 0.25, 1, -0.25, -0.25, 3);
 * const [seen] = visibleSets(points, [{ intrinsics: k, pose }], [depth], { tolerance: 0.05 });
 * // seen = [0]: point 1 lands on the invalid pixel, point 2 is occluded (3 m > 1 m + 0.05 m)
 */
export function visibleSets(points: Points, cameras: Camera[], depths: DepthMap[], opts?: VisibilityOptions): Uint32Array[] {
  const { packed, data, o } = visibilityArgs(points, cameras, depths, opts);
  return native().visibleSets(points, packed, data, o.near, o.tolerance);
}

/**
 * {@link visibleSets} on a worker thread: the event loop stays free. The inputs are copied at the
 * call, so they may be mutated or transferred (detached) while it runs; the result is that of the
 * data as it was at the call. Same shapes, units and edge cases as {@link visibleSets}.
 *
 * @param points - 3N xyz (Float32Array / Float64Array), world frame, metres.
 * @param cameras - array of F cameras.
 * @param depths - F depth maps (metres; <= 0 or non-finite = no measurement), each of its camera's size.
 * @param opts - `tolerance` (metres, default 0.05) and `near` (metres, default 1e-6).
 * @returns a promise of F ascending Uint32Arrays of point indices.
 * @throws the same codes as {@link visibleSets}, as a rejected promise (validation runs before the job starts).
 * @example
 * const k = { fx: 2, fy: 2, cx: 0.5, cy: 0.5, width: 2, height: 2 };
 * const pose = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
 * const depth = { width: 2, height: 2, data: new Float32Array(4).fill(1) };
 * const sets = await visibleSetsAsync(Float32Array.of(0.25, 0.25, 1), [{ intrinsics: k, pose }], [depth]);
 * // sets = [Uint32Array [0]]
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

/**
 * Intersection of two visible sets: the indices present in both.
 *
 * @param a - strictly ascending Uint32Array of point indices (a visible set).
 * @param b - strictly ascending Uint32Array of point indices.
 * @returns a new strictly ascending Uint32Array (length `|a ∩ b|`; empty when either is empty).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `a` or `b` is not a Uint32Array.
 * @throws ERR_SPATIAL_FORMAT when `a` or `b` is not strictly ascending.
 * @example
 * intersect(Uint32Array.of(1, 3, 5), Uint32Array.of(3, 4, 5)); // Uint32Array [3, 5]
 */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  return native().intersect(checkIndexSet(a, 'a'), checkIndexSet(b, 'b'));
}

/**
 * Overlap (IoU) of two visible sets: `|a ∩ b| / |a ∪ b|`, in [0, 1]; 0 when both are empty.
 *
 * @param a - strictly ascending Uint32Array of point indices.
 * @param b - strictly ascending Uint32Array of point indices.
 * @returns the IoU as a number (0 for two empty sets, by convention).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `a` or `b` is not a Uint32Array.
 * @throws ERR_SPATIAL_FORMAT when `a` or `b` is not strictly ascending.
 * @example
 * overlap(Uint32Array.of(1, 2, 3), Uint32Array.of(2, 3, 4)); // 0.5 (2 shared of 4)
 * overlap(new Uint32Array(0), new Uint32Array(0));           // 0
 */
export function overlap(a: Uint32Array, b: Uint32Array): number {
  return native().overlap(checkIndexSet(a, 'a'), checkIndexSet(b, 'b'));
}

/**
 * All-pairs overlap (IoU) of M visible sets: an M*M row-major, symmetric matrix with diagonal 1
 * (0 for an empty set). Dense sets use bitsets + popcount, sparse ones sorted merges.
 *
 * @param sets - M strictly ascending Uint32Arrays of point indices.
 * @param out - optional caller-owned Float32Array(M*M), filled and returned.
 * @returns Float32Array(M*M): `m[i*M + j]` = IoU of sets i and j (0 when both are empty).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `sets` is not an array of Uint32Array or `out` not a Float32Array.
 * @throws ERR_SPATIAL_SHAPE when `out.length !== M*M`.
 * @throws ERR_SPATIAL_FORMAT when a set is not strictly ascending (`out` is then untouched).
 * @example
 * const m = overlapMatrix([Uint32Array.of(0, 1), Uint32Array.of(1, 2), new Uint32Array(0)]);
 * // m = [1, 1/3, 0,  1/3, 1, 0,  0, 0, 0] (row-major 3x3; the empty set's diagonal is 0)
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
 *
 * @param sets - M strictly ascending Uint32Arrays of point indices.
 * @param out - optional caller-owned Float32Array(M*M).
 * @returns a promise of the row-major M*M IoU matrix (diagonal 1, 0 for an empty set).
 * @throws (as a rejected promise, like every error of an async function) ERR_SPATIAL_TYPE /
 *   ERR_SPATIAL_SHAPE for a bad `sets` array or `out`; ERR_SPATIAL_FORMAT when a set is not strictly
 *   ascending; ERR_SPATIAL_IO when `out` was detached or resized while the job ran.
 * @example
 * const m = await overlapMatrixAsync([Uint32Array.of(0, 1), Uint32Array.of(1, 2)]); // [1, 1/3, 1/3, 1]
 */
export async function overlapMatrixAsync(sets: Uint32Array[], out?: Float32Array): Promise<Float32Array> {
  const s = checkIndexSetTypes(sets);
  const result = checkOut(out, s.length * s.length, 'out') ?? new Float32Array(s.length * s.length);
  await native().overlapMatrixAsync(s, result);
  return result;
}

/**
 * Points seen by both frames and where they land: intersects the visible sets, then projects
 * those points into both cameras (same projection and behind-camera convention as
 * {@link projectPoints}: a point behind a camera has depth <= 0 and uv NaN there).
 *
 * @param points - 3N xyz (Float32Array / Float64Array), world frame, metres.
 * @param a - camera of frame A.
 * @param b - camera of frame B.
 * @param setA - strictly ascending Uint32Array, indices < N (e.g. `visibleSets(...)[i]`).
 * @param setB - strictly ascending Uint32Array, indices < N.
 * @returns K = `|setA ∩ setB|` shared indices (`index`, ascending) with `uvA[2*j+k]`, `uvB[2*j+k]`
 *   (pixels, Float32Array(2K)) and `depthA[j]`, `depthB[j]` (camera-space z, metres, Float32Array(K)).
 * @throws ERR_SPATIAL_TYPE (TypeError) for a wrong type of `points`, a camera or a set.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, a pose is not 16 long, or a
 *   set holds an index >= N.
 * @throws ERR_SPATIAL_FORMAT when a set is not strictly ascending.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 * @example
 * const k = { fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480 };
 * const a = { intrinsics: k, pose: new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]) };
 * const b = { intrinsics: k, pose: new Float64Array([1, 0, 0, 0.1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]) }; // 10 cm right
 * const c = correspondences(Float32Array.of(0, 0, 2, 0, 0, 4), a, b, Uint32Array.of(0, 1), Uint32Array.of(1));
 * // c.index = [1], c.uvA = [319.5, 239.5], c.uvB = [307, 239.5], c.depthA = c.depthB = [4]
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
 * order; invalid depths (<= 0, non-finite) are skipped. Integer (j, i) are pixel centres.
 *
 * @param depth - `{ width, height, data: Float32Array(width*height) }`, row-major, metres; its size
 *   must equal the camera's `width x height`.
 * @param camera - the camera that took the depth map (`pose` = worldFromCam).
 * @param opts - `stride`: integer >= 1 (default 1), the pixel step along rows and columns.
 * @returns Float32Array(3K) interleaved xyz, world frame, metres, K = number of valid visited pixels.
 * @throws ERR_SPATIAL_TYPE (TypeError) for a wrong type of `depth`, `depth.data`, `camera` or `opts.stride`.
 * @throws ERR_SPATIAL_SHAPE when the depth map's size is not positive or differs from the camera's,
 *   `data.length !== width*height`, or `opts.stride` is not an integer in [1, 2^20].
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 * @example
 * const k = { fx: 2, fy: 2, cx: 0.5, cy: 0.5, width: 2, height: 2 };
 * const pose = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
 * const pts = backprojectDepth({ width: 2, height: 2, data: Float32Array.of(2, 0, 0, NaN) }, { intrinsics: k, pose });
 * // pts = [-0.5, -0.5, 2]: only pixel (0, 0) has a valid depth
 */
export function backprojectDepth(depth: DepthMap, camera: Camera, opts?: { stride?: number }): Float32Array {
  const cam = checkCamera(camera, 'camera');
  const d = checkDepthMap(depth, 'depth', cam.intrinsics, 'camera');
  const stride = checkInteger(opts?.stride ?? 1, 1, 1 << 20, 'opts.stride');
  return native().backprojectDepth(d.data, packCameras([cam]), stride);
}

/**
 * Version, active backend ('cpu' or 'cuda'), CUDA availability (and why not), thread count, and the
 * SIMD level of the CPU kernels (`simd`) with the levels this CPU offers (`simdLevels`).
 *
 * @returns `{ version, backend, threads, parallelThreshold, simd, simdLevels, cuda: { compiled,
 *   available, device?, reason? } }`.
 * @throws ERR_SPATIAL_IO when the native addon cannot be loaded (no binary fits this platform), or
 *   ERR_SPATIAL_SHAPE when env `SPATIAL_GEOM_SIMD` names a SIMD level this CPU lacks (like every op here).
 * @example
 * const { backend, threads, simdLevels } = info(); // e.g. 'cpu', 2, ['baseline', 'avx2', 'avx512']
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
 *
 * @param opts - `threads` (integer in [0, 1024], 0 = all cores), `backend` (`'auto' | 'cpu' | 'cuda'`),
 *   `parallelThreshold` (integer >= 0, in work items), `simd` (`'baseline' | 'avx2' | 'avx512'`).
 * @returns the settings now in force, as {@link info} returns them.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `opts` is given and is not an object, or a setting has
 *   the wrong type (a non-string `backend` or `simd`, a non-number `threads`).
 * @throws ERR_SPATIAL_SHAPE for an unknown backend name, a SIMD level this CPU lacks or an unknown
 *   name (nothing is changed then), or a count out of range.
 * @example
 * const before = info();
 * configure({ simd: 'baseline' }); // every level gives the same results
 * configure({ simd: before.simd, threads: before.threads });
 */
export function configure(
  opts: { threads?: number; backend?: 'auto' | 'cpu' | 'cuda'; parallelThreshold?: number; simd?: SimdLevel } = {},
): NativeBackendInfo {
  if (opts === null || typeof opts !== 'object') throw spatialError('ERR_SPATIAL_TYPE', `Expected an object or nothing for opts but received ${describeValue(opts)}`);
  return native().configure(opts.threads, opts.backend, opts.parallelThreshold, opts.simd);
}

// Depth as 16-bit depth PNGs store it (StoredDepthMap: uint16 samples and a scale), straight to the
// native kernels: the conversion to metres (`stored / scale`, in double, rounded to float32) runs
// natively, and visibleSetsStoredAsync does it on the worker thread that runs the visibility kernel,
// so no per-pixel loop runs on the JS thread. Results equal the float path's: readDepthPng gives
// the same metres.

/**
 * Stored depth samples to metres: `data[i] = stored[i] / scale` computed in double and rounded to
 * float32 (what `readDepthPng` returns); stored 0 stays 0 (no measurement).
 * @param depth - `{ width, height, data: Uint16Array, scale }`.
 * @returns a {@link DepthMap} of the same size, metres.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a malformed map or a scale that is not finite and > 0.
 * @example
 * depthFromStored({ width: 2, height: 1, data: Uint16Array.of(0, 1500), scale: 1000 }).data; // Float32Array [0, 1.5]
 */
export function depthFromStored(depth: StoredDepthMap): DepthMap {
  const d = checkStoredDepthMap(depth);
  const data = new Float32Array(d.data.length);
  native().depthFromStored(d.data, d.scale, data);
  return { width: d.width, height: d.height, data };
}

/**
 * `visibleSetsAsync` on stored depth: the same visible sets as `visibleSetsAsync(points, cameras,
 * depths.map(depthFromStored), opts)`, with the conversion on the worker thread. Every map must
 * have the same scale (one scene's frames do).
 * @param points - 3N xyz (Float32Array / Float64Array), world frame, metres.
 * @param cameras - F cameras.
 * @param depths - F stored depth maps, each of its camera's size, one scale.
 * @param opts - `tolerance` (metres, default 0.05) and `near` (metres, default 1e-6).
 * @returns a promise of F ascending Uint32Arrays of point indices.
 * @throws (as a rejected promise) ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for malformed arguments or
 *   maps of different scales, and the codes of `visibleSetsAsync`.
 */
export async function visibleSetsStoredAsync(points: Points, cameras: Camera[], depths: StoredDepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  const { cams, maps, options, scale } = checkStoredVisibilityArgs(points, cameras, depths, opts);
  return native().visibleSetsStoredAsync(points, packCameras(cams), maps.map((m) => m.data), scale, options.near, options.tolerance);
}
