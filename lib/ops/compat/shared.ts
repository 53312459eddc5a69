/**
 * The shared part of the compat family: the argument checks of `visibleSetsMultiSpa`, used by the
 * native face and the reference twin alike.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { Camera, DepthMap } from '../../types.js';
import { checkCameras, checkDepthMap, checkPoints } from '../../validate.js';

/**
 * Shared checks of both backends of {@link visibleSetsMultiSpa}: float32 points, colour cameras, one
 * depth map (any size) per camera.
 *
 * @param points - expected: Float32Array(3N), world frame, metres.
 * @param colorCameras - expected: array of F colour cameras.
 * @param depths - expected: F depth maps (metres), each of any size.
 * @returns the validated cameras and depth maps.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `colorCameras` not an array
 *   of cameras, or a depth map / its data (Float32Array) has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `depths` does not hold one
 *   depth map per camera, a depth map's size / data length is wrong, or a pose is not 16 long.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 */
export function checkMultiSpaArgs(points: unknown, colorCameras: unknown, depths: unknown): { cams: Camera[]; maps: DepthMap[] } {
  if (!(points instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for points but received ${describeValue(points)}`);
  checkPoints(points);
  if (!Array.isArray(colorCameras)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Camera for colorCameras but received ${describeValue(colorCameras)}`);
  const cams = checkCameras(colorCameras, 'colorCameras');
  if (!Array.isArray(depths) || depths.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `depths must hold one depth map per camera (${cams.length}), got ${describeValue(depths)}`);
  return { cams, maps: depths.map((d, f) => checkDepthMap(d, `depths[${f}]`)) };
}
