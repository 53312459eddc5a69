/**
 * Rules of the reference systems, for users who must regenerate their data exactly. Our own
 * convention (README: Conventions) stays the default everywhere; these are opt-in (`--compat multispa`).
 * @module
 */
import { native } from '../../native.js';
import type { Camera, DepthMap } from '../../types.js';
import { packCameras } from '../../validate.js';
import { checkMultiSpaArgs, type MultiSpaVisibilityOptions } from './shared.js';

export type { MultiSpaVisibilityOptions } from './shared.js';

/**
 * MultiSPA's visibility test (the Multi-SpatialMLLM data engine, facebookresearch/Multi-SpatialMLLM `spatial_engine/`), reproduced exactly:
 * project in double with the general inverse of the pose and the reference's pixel arithmetic
 * (`multiSpaProjector` in the compat family's shared part), with the COLOUR camera, keep `0 <= u < Wc`, `0 <= v < Hc` (continuous, no pixel-centre
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
