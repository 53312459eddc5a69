/**
 * Reference twin of the native box renderer (native/core/include/spatial_geom/raycast_impl.h):
 * the same slab test, face numbering, shading and operation order, in double precision.
 * @module
 */
import type { Camera } from '../types.js';

/** An axis-aligned box; `inside` marks the room. faceIds: -x, +x, -y, +y, -z, +z. */
export interface SceneBox {
  min: [number, number, number];
  max: [number, number, number];
  faceIds: [number, number, number, number, number, number];
  inside: boolean;
}

/** Slab test: t and face of the surface the ray meets (entry of a solid box, exit of the room). */
export function intersectBox(b: SceneBox, o: number[], d: number[]): { t: number; face: number } {
  let tEnter = -Infinity, tExit = Infinity, enterAxis = -1, exitAxis = -1;
  for (let a = 0; a < 3; a++) {
    if (d[a] === 0) {
      if (o[a] < b.min[a] || o[a] > b.max[a]) return { t: Infinity, face: -1 };
      continue;
    }
    const t1 = (b.min[a] - o[a]) / d[a];
    const t2 = (b.max[a] - o[a]) / d[a];
    const tn = t1 < t2 ? t1 : t2, tf = t1 < t2 ? t2 : t1;
    if (tn > tEnter) { tEnter = tn; enterAxis = a; }
    if (tf < tExit) { tExit = tf; exitAxis = a; }
  }
  if (b.inside) {
    if (exitAxis >= 0 && tExit > 0 && tEnter <= tExit) return { t: tExit, face: 2 * exitAxis + (d[exitAxis] > 0 ? 1 : 0) };
  } else if (enterAxis >= 0 && tEnter <= tExit && tEnter > 0) return { t: tEnter, face: 2 * enterAxis + (d[enterAxis] > 0 ? 0 : 1) };
  return { t: Infinity, face: -1 };
}

function shade(b: SceneBox, face: number, p: number[]): number {
  const axis = Math.floor(face / 2);
  const outward = face % 2 ? 1 : -1;
  const normal = b.inside ? -outward : outward;
  const light = [0.3, 0.5, 0.8];
  const lambert = normal * light[axis] > 0 ? normal * light[axis] : 0;
  const u = (axis + 1) % 3, v = (axis + 2) % 3;
  const checker = (Math.floor(p[u] / 0.25) + Math.floor(p[v] / 0.25)) & 1 ? 0.92 : 1.0;
  return (0.35 + 0.65 * lambert) * checker;
}

/** Reference rendering of one frame: depth (camera z, m), instance ids and RGB. */
export function renderBoxesReference(boxes: SceneBox[], cam: Camera, palette: Uint8Array): { depth: Float32Array; ids: Uint16Array; rgb: Uint8Array } {
  const { fx, fy, cx, cy, width: w, height: h } = cam.intrinsics;
  const p = cam.pose;
  const depth = new Float32Array(w * h), ids = new Uint16Array(w * h), rgb = new Uint8Array(3 * w * h);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      const x = (j - cx) / fx, y = (i - cy) / fy;
      const o = [p[3], p[7], p[11]];
      const d = [0, 1, 2].map((r) => p[r * 4] * x + p[r * 4 + 1] * y + p[r * 4 + 2]);
      let best = { t: Infinity, face: -1, box: -1 };
      boxes.forEach((b, k) => {
        const hit = intersectBox(b, o, d);
        if (hit.face >= 0 && hit.t < best.t) best = { ...hit, box: k };
      });
      const px = i * w + j;
      if (best.face < 0) continue;
      const b = boxes[best.box];
      const id = b.faceIds[best.face];
      depth[px] = best.t;
      ids[px] = id;
      const hp = [o[0] + best.t * d[0], o[1] + best.t * d[1], o[2] + best.t * d[2]];
      const s = shade(b, best.face, hp);
      for (let c = 0; c < 3; c++) {
        const base = id < palette.length / 3 ? palette[3 * id + c] : 128;
        const v = Math.floor(base * s + 0.5);
        rgb[3 * px + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  return { depth, ids, rgb };
}
