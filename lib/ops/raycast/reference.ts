/**
 * Pure-TS twin of the box ray caster (`native.ts` beside this file, native/core/include/spatial_geom/raycast_impl.h):
 * the same steps in the same order in double precision, so it produces the same bits as the native
 * backend (which is built without FMA contraction). Slow; for tests on small images.
 * @module
 */
import { packRaycastScene, raycastOutputs, type RaycastOptions, type RaycastResult, type RaycastScene } from './shared.js';
import type { Camera } from '../../types.js';
import { checkCamera } from '../../validate.js';

export type {
  PackedRaycastScene, RaycastBox, RaycastOptions, RaycastOut, RaycastResult, RaycastRoom, RaycastScene,
} from './shared.js';

// Ternaries, as in the C++ (std::min/max and Math.min/max differ on signed zeros).
const minOf = (a: number, b: number): number => (b < a ? b : a);
const maxOf = (a: number, b: number): number => (b > a ? b : a);
const safeInverse = (d: number): number => 1 / (d === 0 ? 1e-300 : d);

/** Entry and exit parameters of the ray against a box given relative to its origin (at `at`). */
function slabRange(rel: Float64Array, at: number, inv: number[]): [number, number] {
  const x1 = rel[at] * inv[0], x2 = rel[at + 3] * inv[0];
  const y1 = rel[at + 1] * inv[1], y2 = rel[at + 4] * inv[1];
  const z1 = rel[at + 2] * inv[2], z2 = rel[at + 5] * inv[2];
  return [
    maxOf(maxOf(minOf(x1, x2), minOf(y1, y2)), minOf(z1, z2)),
    minOf(minOf(maxOf(x1, x2), maxOf(y1, y2)), maxOf(z1, z2)),
  ];
}

/** The first axis whose slab bound equals the entry (or exit) parameter. */
function slabAxis(rel: Float64Array, at: number, inv: number[], exit: boolean): number {
  const [tEnter, tExit] = slabRange(rel, at, inv);
  const target = exit ? tExit : tEnter;
  for (let a = 0; a < 2; a++) {
    const t1 = rel[at + a] * inv[a], t2 = rel[at + 3 + a] * inv[a];
    if ((exit ? maxOf(t1, t2) : minOf(t1, t2)) === target) return a;
  }
  return 2;
}

function lambertShade(axis: number, dirComponent: number): number {
  const s = dirComponent > 0 ? -1 : 1;
  const key = axis === 0 ? 0.35 : axis === 1 ? 0.15 : 0.9;
  const fill = axis === 0 ? -0.25 : axis === 1 ? -0.7 : 0.1;
  return 0.5 + 0.45 * maxOf(0, s * key) + 0.2 * maxOf(0, s * fill);
}

function cellHash(a: number, b: number, salt: number): number {
  let h = (Math.imul(a, 0x8da6b343) ^ Math.imul(b, 0xd8163841) ^ Math.imul(salt, 0xcb1ab31f)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function cellIndex(x: number, perMetre: number): number {
  let c = Math.floor(x * perMetre);
  c = c < -1073741824 ? -1073741824 : c;
  c = c > 1073741824 ? 1073741824 : c;
  return c | 0;
}

/** Reference of {@link geometry!raycastBoxes}. */
export function raycastBoxes(scene: RaycastScene, camera: Camera, opts?: RaycastOptions): RaycastResult {
  const cam = checkCamera(camera, 'camera');
  const { fx, fy, cx, cy, width, height } = cam.intrinsics;
  const o = raycastOutputs(scene, opts, width * height);
  const s = packRaycastScene(scene, o.color);
  const p = cam.pose;
  const r = [p[0], p[1], p[2], p[4], p[5], p[6], p[8], p[9], p[10]];
  const origin = [p[3], p[7], p[11]];
  const count = s.ids.length;
  const rel = new Float64Array(6 * count);
  for (let k = 0; k < rel.length; k++) rel[k] = s.boxes[k] - origin[k % 3];
  const hasRoom = s.room.length === 6;
  const roomRel = new Float64Array(6);
  for (let k = 0; k < 6 && hasRoom; k++) roomRel[k] = s.room[k] - origin[k % 3];
  const dir = [0, 0, 0];
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const xc = (j - cx) / fx;
      const yc = (i - cy) / fy;
      dir[0] = r[0] * xc + r[1] * yc + r[2];
      dir[1] = r[3] * xc + r[4] * yc + r[5];
      dir[2] = r[6] * xc + r[7] * yc + r[8];
      const inv = [safeInverse(dir[0]), safeInverse(dir[1]), safeInverse(dir[2])];
      let best = Infinity, bestId = 0, bestAxis = -1;
      let roomHit = false;
      if (hasRoom) {
        const [tEnter, tExit] = slabRange(roomRel, 0, inv);
        roomHit = tEnter <= tExit && tExit > 0;
        if (roomHit) best = tExit;
      }
      let bestBox = -1;
      for (let b = 0; b < count; b++) {
        const [tEnter, tExit] = slabRange(rel, 6 * b, inv);
        if (tEnter <= tExit && tEnter > 0 && tEnter < best) {
          best = tEnter;
          bestBox = b;
        }
      }
      if (bestBox >= 0) {
        bestId = s.ids[bestBox];
        bestAxis = slabAxis(rel, 6 * bestBox, inv, false);
      } else if (roomHit) {
        bestAxis = slabAxis(roomRel, 0, inv, true);
        bestId = s.roomIds[2 * bestAxis + (dir[bestAxis] > 0 ? 1 : 0)];
      }
      const px = i * width + j;
      const t = bestAxis >= 0 ? best : 0;
      o.depth[px] = t;
      o.instanceIds[px] = bestAxis >= 0 ? bestId : 0;
      if (!o.rgb) continue;
      if (bestAxis < 0) {
        o.rgb[3 * px] = o.rgb[3 * px + 1] = o.rgb[3 * px + 2] = 0;
        continue;
      }
      const hit = [origin[0] + t * dir[0], origin[1] + t * dir[1], origin[2] + t * dir[2]];
      const a1 = bestAxis === 0 ? 1 : 0;
      const a2 = bestAxis === 2 ? 1 : 2;
      const face = 2 * bestAxis + (dir[bestAxis] > 0 ? 0 : 1);
      const salt = (bestId * 8 + face) >>> 0;
      const coarse = cellHash(cellIndex(hit[a1], 4), cellIndex(hit[a2], 4), salt);
      const fine = cellHash(cellIndex(hit[a1], 20), cellIndex(hit[a2], 20), (salt ^ 0x9e3779b9) >>> 0);
      const k = lambertShade(bestAxis, dir[bestAxis]) * (0.9 + 0.1 * coarse) * (0.94 + 0.06 * fine);
      for (let c = 0; c < 3; c++) {
        const v = Math.floor(s.palette[3 * bestId + c] * k + 0.5);
        o.rgb[3 * px + c] = v > 255 ? 255 : v;
      }
    }
  }
  return {
    depth: { width, height, data: o.depth },
    instanceIds: o.instanceIds,
    ...(o.rgb ? { color: { width, height, channels: 3 as const, data: o.rgb } } : {}),
  };
}
