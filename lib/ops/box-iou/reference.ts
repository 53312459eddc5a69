/**
 * Pure-TS twin of the native oriented 3D box IoU (native/core/src/box_iou.cpp): the same algorithm
 * with the same floating-point operations in the same order, so both agree to rounding noise.
 * @module
 */
import { BOX9_LENGTH, boxRotationZXY, checkBox9, cornersOf, packBoxes, type Box9 } from './shared.js';

type V3 = [number, number, number];

/** Corner index c = i + 2j + 4k; each face lists its corners in cyclic order (as in the core). */
const FACES = [
  [0, 4, 6, 2],
  [1, 3, 7, 5],
  [0, 1, 5, 4],
  [2, 6, 7, 3],
  [0, 2, 3, 1],
  [4, 5, 7, 6],
] as const;

interface BoxFrame {
  rot: Float64Array;
  centre: V3;
  half: V3;
  volume: number;
  box: Float64Array;
}

function boxFrame(b: Float64Array, offset = 0): BoxFrame {
  const box = b.subarray(offset, offset + BOX9_LENGTH);
  return {
    rot: boxRotationZXY(box[6], box[7], box[8]),
    centre: [box[0], box[1], box[2]],
    half: [0.5 * box[3], 0.5 * box[4], 0.5 * box[5]],
    volume: box[3] * box[4] * box[5],
    box,
  };
}

const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

interface CapPoint {
  s: number;
  t: number;
  index: number;
}

const cross2 = (o: CapPoint, a: CapPoint, b: CapPoint): number => (a.s - o.s) * (b.t - o.t) - (a.t - o.t) * (b.s - o.s);

/** 2-D convex hull (monotone chain) of the cap points in the plane with unit normal n. */
function capHull(pts: V3[], n: V3): V3[] {
  if (pts.length < 3) return [];
  const helper: V3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  let u = cross(n, helper);
  const len = Math.sqrt(dot(u, u));
  u = [u[0] / len, u[1] / len, u[2] / len];
  const v = cross(n, u);
  const cp: CapPoint[] = pts.map((p, index) => ({ s: dot(u, p), t: dot(v, p), index }));
  cp.sort((a, b) => (a.s !== b.s ? (a.s < b.s ? -1 : 1) : a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.index - b.index));
  const hull: CapPoint[] = [];
  for (const p of cp) {
    while (hull.length >= 2 && cross2(hull[hull.length - 2], hull[hull.length - 1], p) <= 0) hull.pop();
    hull.push(p);
  }
  const lower = hull.length + 1;
  for (let i = cp.length - 2; i >= 0; i--) {
    while (hull.length >= lower && cross2(hull[hull.length - 2], hull[hull.length - 1], cp[i]) <= 0) hull.pop();
    hull.push(cp[i]);
  }
  hull.pop(); // the last point repeats the first
  return hull.length >= 3 ? hull.map((h) => pts[h.index]) : [];
}

/** Clips the polyhedron (list of faces) by dot(n, p) <= d; faces with no strictly inside vertex are dropped. */
function clipPolyhedron(faces: V3[][], n: V3, d: number, eps: number): V3[][] {
  const cap: V3[] = [];
  const out: V3[][] = [];
  for (const face of faces) {
    const poly: V3[] = [];
    let anyInterior = false;
    let prev = face[face.length - 1];
    let dp = dot(n, prev) - d;
    for (const cur of face) {
      const dc = dot(n, cur) - d;
      const curIn = dc <= eps, prevIn = dp <= eps;
      if ((prevIn && !curIn && dp < -eps) || (!prevIn && curIn && dc < -eps)) {
        const t = dp / (dp - dc);
        const x: V3 = [prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]), prev[2] + t * (cur[2] - prev[2])];
        poly.push(x);
        cap.push(x);
      }
      if (curIn) {
        poly.push(cur);
        if (dc >= -eps) cap.push(cur);
        else anyInterior = true;
      }
      prev = cur;
      dp = dc;
    }
    if (poly.length >= 3 && anyInterior) out.push(poly);
  }
  const capFace = capHull(cap, n);
  if (capFace.length >= 3) out.push(capFace);
  return out;
}

function polyhedronVolume(faces: V3[][]): number {
  let cx = 0, cy = 0, cz = 0, count = 0;
  for (const f of faces)
    for (const p of f) {
      cx += p[0];
      cy += p[1];
      cz += p[2];
      count++;
    }
  if (count === 0) return 0;
  const c: V3 = [cx / count, cy / count, cz / count];
  let sixV = 0;
  for (const f of faces) {
    const a = sub(f[0], c);
    for (let i = 1; i + 1 < f.length; i++) sixV += Math.abs(dot(a, cross(sub(f[i], c), sub(f[i + 1], c))));
  }
  return sixV / 6;
}

function intersectionVolume(fa: BoxFrame, fb: BoxFrame): number {
  const offset = sub(fb.centre, fa.centre);
  const ra = Math.sqrt(fa.half[0] * fa.half[0] + fa.half[1] * fa.half[1] + fa.half[2] * fa.half[2]);
  const rb = Math.sqrt(fb.half[0] * fb.half[0] + fb.half[1] * fb.half[1] + fb.half[2] * fb.half[2]);
  if (dot(offset, offset) > (ra + rb) * (ra + rb)) return 0;
  if (fa.volume === 0 || fb.volume === 0) return 0;
  const scale = Math.max(
    2 * fa.half[0], 2 * fa.half[1], 2 * fa.half[2], 2 * fb.half[0], 2 * fb.half[1], 2 * fb.half[2],
    Math.abs(offset[0]), Math.abs(offset[1]), Math.abs(offset[2]),
  );
  const eps = 1e-12 * scale;
  const c = cornersOf(fa.box, fa.centre[0], fa.centre[1], fa.centre[2]);
  const corner = (i: number): V3 => [c[3 * i], c[3 * i + 1], c[3 * i + 2]];
  let faces: V3[][] = FACES.map((f) => f.map(corner));
  for (let k = 0; k < 3; k++) {
    const ax: V3 = [fb.rot[k], fb.rot[3 + k], fb.rot[6 + k]];
    const o = dot(ax, offset);
    faces = clipPolyhedron(faces, ax, o + fb.half[k], eps);
    if (faces.length < 4) return 0;
    faces = clipPolyhedron(faces, [-ax[0], -ax[1], -ax[2]], fb.half[k] - o, eps);
    if (faces.length < 4) return 0;
  }
  return polyhedronVolume(faces);
}

function iouFromFrames(fa: BoxFrame, fb: BoxFrame): number {
  const inter = Math.min(intersectionVolume(fa, fb), Math.min(fa.volume, fb.volume));
  const union = fa.volume + fb.volume - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Exact IoU of two oriented 3D boxes (pure TS; see the native `boxIou3d` for the full contract).
 * @example boxIou3d([0, 0, 0, 2, 2, 2, 0, 0, 0], [1, 0, 0, 2, 2, 2, 0, 0, 0]) // 1/3
 */
export function boxIou3d(a: Box9, b: Box9): number {
  return iouFromFrames(boxFrame(checkBox9(a, 'a')), boxFrame(checkBox9(b, 'b')));
}

/**
 * IoU of every pair: `out[i * M + j] = IoU(a[i], b[j])`, `Float64Array(N*M)` (pure TS twin of the
 * native `boxIou3dMatrix`).
 */
export function boxIou3dMatrix(a: Float64Array | readonly Box9[], b: Float64Array | readonly Box9[]): Float64Array {
  const pa = packBoxes(a, 'a'), pb = packBoxes(b, 'b');
  const n = pa.length / BOX9_LENGTH, m = pb.length / BOX9_LENGTH;
  const out = new Float64Array(n * m);
  const fb = Array.from({ length: m }, (_, j) => boxFrame(pb, j * BOX9_LENGTH));
  for (let i = 0; i < n; i++) {
    const fa = boxFrame(pa, i * BOX9_LENGTH);
    for (let j = 0; j < m; j++) out[i * m + j] = iouFromFrames(fa, fb[j]);
  }
  return out;
}

export { BOX9_LENGTH, boxCorners, boxRotationZXY, type Box9 } from './shared.js';
