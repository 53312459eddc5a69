/**
 * Camera relations between two frames of a scene: relative pose, displacement in frame 1's camera
 * axes, distance, and the yaw/pitch differences of the optical axes about the world's up axis.
 * @module
 */
import { aFromB, invertGeneralPose, multiplyPoses, translationOf, type Vec3 } from '../pose.js';
import type { Pose } from '../types.js';
import { spatialError } from '../errors.js';
import type { CompatMode } from './format.js';

export type { Vec3 };

/** Up vector of a scene: from its declared axis, else estimated from the cameras (see {@link estimateUp}). */
export function upVector(up: 'x' | 'y' | 'z' | '-y' | undefined, poses: Pose[]): Vec3 {
  switch (up) {
    case 'x': return [1, 0, 0];
    case 'y': return [0, 1, 0];
    case '-y': return [0, -1, 0];
    case 'z': return [0, 0, 1];
    default: return estimateUp(poses);
  }
}

/**
 * World up estimated as the mean of the cameras' "up" directions (-y of the OpenCV camera, i.e.
 * minus the second column of R): hand-held and robot cameras are held upright on average.
 */
export function estimateUp(poses: Pose[]): Vec3 {
  const s: Vec3 = [0, 0, 0];
  for (const p of poses) for (let r = 0; r < 3; r++) s[r] -= p[r * 4 + 1];
  const n = Math.hypot(...s);
  return n > 1e-9 ? [s[0] / n, s[1] / n, s[2] / n] : [0, 0, 1];
}

/**
 * MultiSPA's wrap of a yaw difference: only when |a| > 180 is 360 added or taken away (so -180
 * stays -180, and nothing else is touched, to the bit).
 */
export function wrapDegreesMultiSpa(a: number): number {
  if (Math.abs(a) > 180) return a > 0 ? a - 360 : a + 360;
  return a;
}

/** Wraps an angle in degrees to (-180, 180]. */
export function wrapDegrees(a: number): number {
  let w = ((a + 180) % 360 + 360) % 360 - 180;
  if (w === -180) w = 180;
  return w;
}

/**
 * Yaw and pitch (degrees) of a camera's optical axis (camera +z in the world) about `up`.
 * Yaw is measured counter-clockwise about `up` from a fixed horizontal axis (world x projected
 * onto the horizontal plane, or world y when x is vertical), so for a z-up world
 * `yaw = atan2(f_y, f_x)` and `pitch = asin(f_z / |f|)` exactly as MultiSPA defines them.
 */
export function yawPitch(pose: Pose, up: Vec3, compat: CompatMode = 'ours'): { yaw: number; pitch: number } {
  const f: Vec3 = [pose[2], pose[6], pose[10]];
  // np.linalg.norm is sqrt(x . x); Math.hypot may differ from it in the last bit.
  const fn = compat === 'multispa' ? Math.sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]) : Math.hypot(...f);
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  let e1: Vec3 = Math.abs(up[0]) > 0.9 ? [0, 1, 0] : [1, 0, 0];
  const d = dot(e1, up);
  e1 = [e1[0] - d * up[0], e1[1] - d * up[1], e1[2] - d * up[2]];
  const n1 = Math.hypot(...e1);
  e1 = [e1[0] / n1, e1[1] / n1, e1[2] / n1];
  const e2 = cross(up, e1);
  const rad = 180 / Math.PI;
  return {
    yaw: Math.atan2(dot(f, e2), dot(f, e1)) * rad,
    pitch: Math.asin(Math.max(-1, Math.min(1, dot(f, up) / fn))) * rad,
  };
}

/** The relation of frame 2 to frame 1 (both camera-to-world poses). */
export interface CameraRelation {
  /** `inverse(worldFromCam1) * worldFromCam2`: camera 2's pose in camera 1's frame (row-major 4x4). */
  cam1FromCam2: Float64Array;
  /** Position of camera 2 in camera 1's axes (x right, y down, z forward), metres. */
  displacement: Vec3;
  /** |displacement|, metres. */
  distance: number;
  /** yaw2 - yaw1 about the world up axis, degrees in (-180, 180]; positive = turned left. */
  yaw: number;
  /** pitch2 - pitch1, degrees; positive = tilted up. */
  pitch: number;
}

/**
 * Relation of camera 2 to camera 1 (MultiSPA's camera-movement quantities).
 * Under `compat` 'multispa', as the reference computes them: `cam1FromCam2 = inv(E1) E2` with the
 * general inverse (np.linalg.inv; real poses are not exactly rigid), the distance as np.linalg.norm,
 * and the yaw difference wrapped as its camera engine wraps it ({@link wrapDegreesMultiSpa}).
 * @throws ERR_SPATIAL_POSE (compat 'multispa') when `worldFromCam1` is singular.
 */
export function cameraRelation(worldFromCam1: Pose, worldFromCam2: Pose, up: Vec3, compat: CompatMode = 'ours'): CameraRelation {
  const a = yawPitch(worldFromCam1, up, compat), b = yawPitch(worldFromCam2, up, compat);
  if (compat === 'multispa') {
    const inv = invertGeneralPose(worldFromCam1);
    if (!inv) throw spatialError('ERR_SPATIAL_POSE', 'worldFromCam1 is singular');
    const cam1FromCam2 = multiplyPoses(inv, worldFromCam2);
    const d: Vec3 = translationOf(cam1FromCam2);
    return { cam1FromCam2, displacement: d, distance: Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), yaw: wrapDegreesMultiSpa(b.yaw - a.yaw), pitch: b.pitch - a.pitch };
  }
  const cam1FromCam2 = aFromB(worldFromCam1, worldFromCam2);
  const displacement: Vec3 = translationOf(cam1FromCam2);
  return {
    cam1FromCam2,
    displacement,
    distance: Math.hypot(...displacement),
    yaw: wrapDegrees(b.yaw - a.yaw),
    pitch: b.pitch - a.pitch,
  };
}

/**
 * The up vector the engine uses for a scene: its declared axis; when it declares none, estimated
 * from the cameras under our rules, world +z under `--compat multispa` (MultiSPA's yaw and pitch
 * are always about +z: `atan2(f_y, f_x)`, `asin(f_z / |f|)`).
 */
export function sceneUp(up: 'x' | 'y' | 'z' | '-y' | undefined, poses: Pose[], compat: CompatMode): Vec3 {
  return upVector(up ?? (compat === 'multispa' ? 'z' : undefined), poses);
}
