/**
 * Rules of the reference systems, for users who must regenerate their data exactly. Our own
 * convention (DESIGN.md) stays the default everywhere; these are opt-in (`--compat multispa`).
 * @module
 */
import { describeValue, spatialError } from './errors.js';
import { native } from './native.js';
import { invertGeneralPose } from './pose.js';
import type { Camera, DepthMap } from './types.js';
import { checkCameras, checkDepthMap, checkPoints, packCameras } from './validate.js';

/** Options of {@link visibleSetsMultiSpa}. */
export interface MultiSpaVisibilityOptions {
  /**
   * Per camera, the stored depth units per metre of its depth map (ScanNet 1000, TUM 5000), or
   * undefined. When given, the depth compared is the stored integer `round(D * scale)` times
   * `1 / scale` in double, as the reference's `stored * 0.001`, rather than the float32 metres D.
   */
  depthScales?: ReadonlyArray<number | undefined>;
}

/**
 * The camera-from-world transform MultiSPA projects with: the general inverse (as `np.linalg.inv`)
 * of the pose's 4x4 with the last row taken as exactly `0 0 0 1` (the value pose files hold; the
 * C++ core stores no other).
 * @throws ERR_SPATIAL_POSE when the pose is singular.
 */
export function camFromWorldMultiSpa(worldFromCam: ArrayLike<number>): Float64Array {
  const m = Float64Array.from({ length: 16 }, (_, i) => (i < 12 ? worldFromCam[i] : i === 15 ? 1 : 0));
  const inv = invertGeneralPose(m);
  if (!inv) throw spatialError('ERR_SPATIAL_POSE', `pose ${describeValue(worldFromCam)} is singular`);
  return inv;
}

/**
 * MultiSPA's projection of world points into a camera (its `project_points`), in double: camera
 * coordinates `E^-1 [p; 1]` with the general inverse ({@link camFromWorldMultiSpa}), pixels as its
 * `K @ x_c / z_c`, i.e. `u = (fx x_c + cx z_c) / z_c` (no pixel-centre shift). The same arithmetic,
 * in the same order, as the C++ core's visibility rule, so a point it calls visible projects here to
 * the pixel it tested. Used by the engine's tasks under `--compat multispa`.
 * @returns a function of one world point giving its pixel (u, v) and camera-space z (metres).
 */
export function multiSpaProjector(camera: Camera): (x: number, y: number, z: number) => { u: number; v: number; z: number } {
  const e = camFromWorldMultiSpa(camera.pose);
  const { fx, fy, cx, cy } = camera.intrinsics;
  return (x, y, z) => {
    const xc = e[0] * x + e[1] * y + e[2] * z + e[3];
    const yc = e[4] * x + e[5] * y + e[6] * z + e[7];
    const zc = e[8] * x + e[9] * y + e[10] * z + e[11];
    return { u: (fx * xc + cx * zc) / zc, v: (fy * yc + cy * zc) / zc, z: zc };
  };
}

/**
 * Shared checks of both backends of {@link visibleSetsMultiSpa}: float32 points, colour cameras, one
 * depth map (any size) per camera, optional depth scales.
 *
 * @param points - expected: Float32Array(3N), world frame, metres.
 * @param colorCameras - expected: array of F colour cameras.
 * @param depths - expected: F depth maps (metres), each of any size.
 * @returns the validated cameras and depth maps, and the depth scales (0 = none) when `opts.depthScales` is given.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `colorCameras` not an array
 *   of cameras, or a depth map / its data (Float32Array) has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `depths` does not hold one
 *   depth map per camera, a depth map's size / data length is wrong, or a pose is not 16 long.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 */
export function checkMultiSpaArgs(points: unknown, colorCameras: unknown, depths: unknown, opts?: unknown): { cams: Camera[]; maps: DepthMap[]; scales?: Float64Array } {
  if (!(points instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for points but received ${describeValue(points)}`);
  checkPoints(points);
  if (!Array.isArray(colorCameras)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Camera for colorCameras but received ${describeValue(colorCameras)}`);
  const cams = checkCameras(colorCameras, 'colorCameras');
  if (!Array.isArray(depths) || depths.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `depths must hold one depth map per camera (${cams.length}), got ${describeValue(depths)}`);
  const maps = depths.map((d, f) => checkDepthMap(d, `depths[${f}]`));
  if (opts === undefined) return { cams, maps };
  if (opts === null || typeof opts !== 'object') throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const given = (opts as MultiSpaVisibilityOptions).depthScales;
  if (given === undefined) return { cams, maps };
  if (!Array.isArray(given) || given.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `opts.depthScales must hold one value (or undefined) per camera (${cams.length}), got ${describeValue(given)}`);
  const scales = Float64Array.from(given, (s: unknown, f) => {
    if (s === undefined) return 0;
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s))
      throw spatialError('ERR_SPATIAL_SHAPE', `opts.depthScales[${f}] must be a positive finite number of stored units per metre or undefined, got ${describeValue(s)}`);
    return s;
  });
  return { cams, maps, scales };
}

/**
 * MultiSPA's visibility test (Multi-SpatialMLLM data engine, SEEDS.md 1.2), reproduced exactly:
 * project in double with the general inverse of the pose and the reference's pixel arithmetic
 * ({@link multiSpaProjector}), with the COLOUR camera, keep `0 <= u < Wc`, `0 <= v < Hc` (continuous, no pixel-centre
 * shift), read the depth map (its own size) at `(round(u * Wd / Wc), round(v * Hd / Hc))` with
 * round-half-to-even, clipped into the map, and require the strict `0 < z < D` (no tolerance).
 * Points behind the camera (`z <= 0`) and invalid depths (`D` = 0 or NaN, where `z < D` fails) are
 * never visible. With `opts.depthScales`, the depth read is the stored integer times `1 / scale` in
 * double (the reference's `stored * 0.001`), not the float32 metres.
 *
 * @param points - Float32Array(3N), xyz, world frame, metres.
 * @param colorCameras - F colour cameras (intrinsics of the colour image, pixels; pose worldFromCam).
 * @param depths - F depth maps in metres, each of its own size (it is scaled to the colour image).
 * @param opts - `depthScales`: per camera, stored depth units per metre (or undefined).
 * @returns F ascending Uint32Arrays of point indices.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `colorCameras` not an array
 *   of cameras, or a depth map / its data (Float32Array) has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `depths` does not hold one
 *   depth map per camera, a depth map's size / data length is wrong, or a pose is not 16 long.
 * @throws ERR_SPATIAL_SHAPE when `opts.depthScales` does not hold one positive number (or undefined) per camera.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 * @example
 * const k = { fx: 2, fy: 2, cx: 1, cy: 1, width: 2, height: 2 };
 * const pose = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
 * const [seen] = visibleSetsMultiSpa(Float32Array.of(0, 0, 1, 0, 0, 3), [{ intrinsics: k, pose }], [{ width: 1, height: 1, data: Float32Array.of(2) }]);
 * // seen = [0]: point 1 lies behind the 2 m depth
 */
export function visibleSetsMultiSpa(points: Float32Array, colorCameras: Camera[], depths: DepthMap[], opts?: MultiSpaVisibilityOptions): Uint32Array[] {
  const { cams, maps, scales } = checkMultiSpaArgs(points, colorCameras, depths, opts);
  const sizes = Float64Array.from(maps.flatMap((d) => [d.width, d.height]));
  return native().visibleSetsMultiSpa(points, packCameras(cams), maps.map((d) => d.data), sizes, scales);
}
