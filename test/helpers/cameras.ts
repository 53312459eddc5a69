// Shared test helpers: cameras, poses and depth maps built from a few numbers.
import type { Camera, DepthMap, Intrinsics, Pose } from '../../lib/types.js';

export const IDENTITY: Pose = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);

export function intrinsics(fx: number, fy: number, cx: number, cy: number, width: number, height: number): Intrinsics {
  return { fx, fy, cx, cy, width, height };
}

/** A camera-to-world pose from a rotation given as axis-angle (radians) and a translation. */
export function poseFromAxisAngle(axis: [number, number, number], angle: number, t: [number, number, number]): Pose {
  const n = Math.hypot(...axis) || 1;
  const [x, y, z] = axis.map((a) => a / n);
  const c = Math.cos(angle), s = Math.sin(angle), C = 1 - c;
  return Float64Array.of(
    c + x * x * C, x * y * C - z * s, x * z * C + y * s, t[0],
    y * x * C + z * s, c + y * y * C, y * z * C - x * s, t[1],
    z * x * C - y * s, z * y * C + x * s, c + z * z * C, t[2],
    0, 0, 0, 1,
  );
}

/** A camera at `eye` looking at `target` (OpenCV axes: z forward, y down; world up = -y_cam hint `up`). */
export function lookAt(eye: [number, number, number], target: [number, number, number], up: [number, number, number] = [0, 0, 1]): Pose {
  const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);
  const norm = (a: number[]) => { const l = Math.hypot(...a); return a.map((v) => v / l); };
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const z = norm(sub(target, eye));
  const x = norm(cross(z, up));
  const y = cross(z, x);
  return Float64Array.of(x[0], y[0], z[0], eye[0], x[1], y[1], z[1], eye[1], x[2], y[2], z[2], eye[2], 0, 0, 0, 1);
}

export function camera(k: Intrinsics, pose: Pose = IDENTITY): Camera {
  return { intrinsics: k, pose };
}

export function constantDepth(k: Intrinsics, value: number): DepthMap {
  return { width: k.width, height: k.height, data: new Float32Array(k.width * k.height).fill(value) };
}
