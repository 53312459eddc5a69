// Bench scenes: deterministic point clouds, cameras and depth maps of the sizes the issues name.
import { createRng } from '../dist/index.js';

export const K640 = { fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 };

/** Camera-to-world pose at `eye` looking at `target` (OpenCV axes, world z up). */
export function lookAt(eye, target, up = [0, 0, 1]) {
  const sub = (a, b) => a.map((v, i) => v - b[i]);
  const norm = (a) => { const l = Math.hypot(...a); return a.map((v) => v / l); };
  const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const z = norm(sub(target, eye));
  const x = norm(cross(z, up));
  const y = cross(z, x);
  return Float64Array.of(x[0], y[0], z[0], eye[0], x[1], y[1], z[1], eye[1], x[2], y[2], z[2], eye[2], 0, 0, 0, 1);
}

/** n points uniformly in a 6 x 6 x 3 m room (float32 xyz). */
export function randomPoints(n, seed = 1) {
  const rng = createRng(seed);
  const pts = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    pts[3 * i] = rng.uniform(-3, 3);
    pts[3 * i + 1] = rng.uniform(-3, 3);
    pts[3 * i + 2] = rng.uniform(0, 3);
  }
  return pts;
}

/** f cameras on a circle of radius 2.5 m at 1.5 m height looking across the room. */
export function ringCameras(f, k = K640) {
  return Array.from({ length: f }, (_, i) => {
    const a = (2 * Math.PI * i) / f;
    const eye = [2.5 * Math.cos(a), 2.5 * Math.sin(a), 1.5];
    const target = [-1.5 * Math.cos(a + 0.7), -1.5 * Math.sin(a + 0.7), 1.2];
    return { intrinsics: k, pose: lookAt(eye, target) };
  });
}

/** Depth maps that put a surface at a smoothly varying 2.5-5 m (occludes part of the room). */
export function wavyDepths(cams) {
  return cams.map((c, f) => {
    const { width, height } = c.intrinsics;
    const data = new Float32Array(width * height);
    for (let i = 0; i < height; i++)
      for (let j = 0; j < width; j++) data[i * width + j] = 3.75 + 1.25 * Math.sin(j / 60 + f) * Math.cos(i / 45);
    return { width, height, data };
  });
}
