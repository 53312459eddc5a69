/**
 * The built-in synthetic scene: a furnished room with exact ground truth (depth, instance ids,
 * colour, scene points with instance ids), rendered by the native box ray caster. The default
 * scene of the CLI demo and of tests that need ground truth.
 * @module
 */
import { describeValue, spatialError } from '../errors.js';
import { createRng, type Rng } from '../random.js';
import { raycastBoxes } from '../ops/raycast/native.js';
import { poseFromYawPitchRoll, type Vec3 } from '../pose.js';
import type { RaycastBox, RaycastScene } from '../ops/raycast/shared.js';
import type { Intrinsics, Pose } from '../types.js';
import type { Frame, Instance, Scene } from './types.js';

/** Options of {@link synthesizeScene}. */
export interface SyntheticSceneOptions {
  /** Seed of every random choice (room, furniture, trajectory, colours). Default 0. */
  seed?: number | string;
  /** Number of frames along the trajectory (1..100000). Default 60. */
  frames?: number;
  /** Image width in pixels (1..8192). Default 640; fx = fy = 525 * width / 640. */
  width?: number;
  /** Image height in pixels (1..8192). Default 480. */
  height?: number;
  /** Grid spacing of the scene points on every visible surface, metres (0.005..1). Default 0.02. */
  pointSpacing?: number;
  /** Number of furniture objects to place (0..30; fewer when they do not fit). Default: seeded, 6..10. */
  objects?: number;
  /** Render the shaded colour images (default true); depth and instance ids are always rendered. */
  color?: boolean;
  /** Scene id. Default `synthetic-<seed>`. */
  id?: string;
}

/** Instance ids of the structural surfaces (furniture starts at {@link FIRST_FURNITURE_ID}). */
export const STRUCTURAL_IDS = { floor: 1, ceiling: 2, wallMinX: 3, wallMaxX: 4, wallMinY: 5, wallMaxY: 6 } as const;
/** The first furniture instance id. */
export const FIRST_FURNITURE_ID = 7;

type Range = [number, number];
interface FurnitureKind {
  label: string;
  /** Extent ranges along the object's width, depth (against a wall: perpendicular to it), height. */
  size: [Range, Range, Range];
  /** Probability of standing flush against a wall. */
  wall: number;
  /** Whether small objects may stand on it. */
  base?: boolean;
  rgb: Vec3;
}

const FURNITURE: FurnitureKind[] = [
  { label: 'table', size: [[0.8, 1.6], [0.6, 1.0], [0.7, 0.78]], wall: 0, base: true, rgb: [150, 100, 60] },
  { label: 'chair', size: [[0.42, 0.55], [0.42, 0.55], [0.8, 1.0]], wall: 0, rgb: [60, 100, 160] },
  { label: 'sofa', size: [[1.6, 2.2], [0.8, 1.0], [0.7, 0.9]], wall: 0.8, rgb: [70, 130, 90] },
  { label: 'cabinet', size: [[0.6, 1.2], [0.4, 0.6], [0.8, 1.9]], wall: 0.9, base: true, rgb: [180, 160, 130] },
  { label: 'bed', size: [[1.4, 1.8], [1.9, 2.1], [0.45, 0.6]], wall: 0.9, rgb: [200, 200, 215] },
  { label: 'desk', size: [[1.0, 1.6], [0.5, 0.8], [0.72, 0.78]], wall: 0.7, base: true, rgb: [110, 80, 50] },
  { label: 'bookshelf', size: [[0.6, 1.2], [0.25, 0.4], [1.4, 2.0]], wall: 1, rgb: [120, 90, 150] },
  { label: 'box', size: [[0.3, 0.6], [0.3, 0.6], [0.25, 0.5]], wall: 0.3, base: true, rgb: [190, 150, 90] },
  { label: 'lamp', size: [[0.25, 0.4], [0.25, 0.4], [1.2, 1.7]], wall: 0.3, rgb: [230, 210, 120] },
  { label: 'nightstand', size: [[0.4, 0.55], [0.35, 0.5], [0.45, 0.6]], wall: 0.8, base: true, rgb: [160, 60, 60] },
  { label: 'refrigerator', size: [[0.6, 0.8], [0.6, 0.75], [1.6, 1.9]], wall: 1, rgb: [225, 228, 232] },
];
const STACKED: FurnitureKind[] = [
  { label: 'box', size: [[0.2, 0.45], [0.2, 0.45], [0.15, 0.35]], wall: 0, rgb: [190, 150, 90] },
  { label: 'monitor', size: [[0.45, 0.6], [0.15, 0.22], [0.3, 0.45]], wall: 0, rgb: [40, 40, 45] },
  { label: 'plant', size: [[0.2, 0.3], [0.2, 0.3], [0.3, 0.5]], wall: 0, rgb: [60, 140, 60] },
];

/** Wall paints (RGB) the scene picks from. */
const WALL_PAINTS: Vec3[] = [[228, 222, 208], [205, 215, 228], [232, 216, 198], [214, 228, 212], [236, 236, 232]];

/** Free space between standing furniture footprints (m): boxes never touch each other. */
const FURNITURE_GAP = 0.1;
/** The camera keeps this far (m) from walls and from furniture footprints. */
const WALL_CLEARANCE = 0.7;
const FURNITURE_CLEARANCE = 0.6;
/** Minimum clearance (m) the smoothed path must keep, else the scene falls back to straight segments. */
const PATH_CLEARANCE = 0.3;
/** Frames per keyframe interval of the trajectory. */
const FRAMES_PER_KEY = 10;
const DEG = Math.PI / 180;

const cm = (x: number): number => Math.round(x * 100) / 100;

function checkOptions(opts: unknown): Required<Omit<SyntheticSceneOptions, 'objects' | 'id'>> & { objects?: number; id: string } {
  if (opts !== undefined && (typeof opts !== 'object' || opts === null))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const o = (opts ?? {}) as SyntheticSceneOptions;
  const int = (v: unknown, lo: number, hi: number, name: string): number => {
    if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
    if (!Number.isInteger(v) || v < lo || v > hi) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
    return v;
  };
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' && typeof seed !== 'string')
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a number or string for opts.seed but received ${describeValue(seed)}`);
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.seed must be finite (got ${seed})`);
  const spacing = o.pointSpacing ?? 0.02;
  if (typeof spacing !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for opts.pointSpacing but received ${describeValue(spacing)}`);
  if (!(spacing >= 0.005 && spacing <= 1)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.pointSpacing must be in [0.005, 1] metres (got ${spacing})`);
  const color = o.color ?? true;
  if (typeof color !== 'boolean') throw spatialError('ERR_SPATIAL_TYPE', `Expected a boolean for opts.color but received ${describeValue(color)}`);
  const id = o.id ?? `synthetic-${seed}`;
  if (typeof id !== 'string') throw spatialError('ERR_SPATIAL_TYPE', `Expected a string for opts.id but received ${describeValue(id)}`);
  return {
    seed,
    frames: int(o.frames ?? 60, 1, 100000, 'opts.frames'),
    width: int(o.width ?? 640, 1, 8192, 'opts.width'),
    height: int(o.height ?? 480, 1, 8192, 'opts.height'),
    pointSpacing: spacing,
    objects: o.objects === undefined ? undefined : int(o.objects, 0, 30, 'opts.objects'),
    color,
    id,
  };
}

/** Whether two boxes overlap in x and y with less than `gap` between them. */
function footprintsClash(a: RaycastBox, b: RaycastBox, gap: number): boolean {
  return a.min[0] < b.max[0] + gap && b.min[0] < a.max[0] + gap && a.min[1] < b.max[1] + gap && b.min[1] < a.max[1] + gap;
}

/** Whether two closed boxes share any point (touching counts). */
function boxesTouch(a: RaycastBox, b: RaycastBox): boolean {
  for (let k = 0; k < 3; k++) if (a.min[k] > b.max[k] || b.min[k] > a.max[k]) return false;
  return true;
}

/**
 * Whether two axis-aligned boxes share interior volume (touching faces or edges do not count).
 * @example
 * boxesIntersect({ min: [0, 0, 0], max: [1, 1, 1] }, { min: [1, 0, 0], max: [2, 1, 1] }); // false
 */
export function boxesIntersect(a: { min: Vec3; max: Vec3 }, b: { min: Vec3; max: Vec3 }): boolean {
  for (let k = 0; k < 3; k++) if (a.min[k] >= b.max[k] || b.min[k] >= a.max[k]) return false;
  return true;
}

const sizeIn = (rng: Rng, r: Range): number => cm(rng.uniform(r[0], r[1]));

interface Placed extends RaycastBox {
  label: string;
  kind: FurnitureKind;
  onFloor: boolean;
  /** The box a stacked object stands on. */
  base?: Placed;
}

/** Places up to `count` furniture boxes in the room [0, X] x [0, Y] x [0, Z]. */
function placeFurniture(rng: Rng, room: Vec3, count: number): Placed[] {
  const [X, Y, Z] = room;
  const placed: Placed[] = [];
  const maxFootprint = 0.45 * X * Y;
  let footprint = 0;
  let nextId = FIRST_FURNITURE_ID;
  // Prefer kinds not placed yet: a label names one object, so semantic questions ("the height of
  // the table") stay unambiguous; repeats only once every kind is used.
  const unused = (kinds: FurnitureKind[]) => {
    const fresh = kinds.filter((kd) => !placed.some((p) => p.label === kd.label));
    return fresh.length ? fresh : kinds;
  };
  for (let k = 0; k < count; k++) {
    const bases = placed.filter((p) => p.onFloor && p.kind.base);
    const stacked = k >= 3 && bases.length > 0 && rng.next() < 0.25;
    let done = false;
    for (let attempt = 0; attempt < 60 && !done; attempt++) {
      if (stacked) {
        const base = rng.pick(bases);
        const kind = rng.pick(unused(STACKED));
        let [w, d, h] = kind.size.map((r) => sizeIn(rng, r));
        if (rng.next() < 0.5) [w, d] = [d, w];
        const bw = base.max[0] - base.min[0], bd = base.max[1] - base.min[1];
        if (w > bw - 0.04 || d > bd - 0.04 || base.max[2] + h > Z - 0.3) continue;
        const x0 = cm(rng.uniform(base.min[0] + 0.02, base.max[0] - 0.02 - w));
        const y0 = cm(rng.uniform(base.min[1] + 0.02, base.max[1] - 0.02 - d));
        const box: Placed = { min: [x0, y0, base.max[2]], max: [cm(x0 + w), cm(y0 + d), cm(base.max[2] + h)], id: 0, label: kind.label, kind, onFloor: false, base };
        // It may touch its base only (not other stacked objects, not a neighbouring box).
        if (placed.some((p) => p !== base && boxesTouch(p, box))) continue;
        box.id = nextId++;
        placed.push(box);
        done = true;
      } else {
        const kind = rng.pick(unused(FURNITURE));
        const [w, d, h] = kind.size.map((r) => sizeIn(rng, r));
        if (h > Z - 0.3) continue;
        let min: Vec3, max: Vec3;
        if (rng.next() < kind.wall) {
          // Flush against a wall, its depth perpendicular to it.
          const wall = rng.int(0, 3);
          const alongX = wall >= 2;
          const ex = alongX ? w : d, ey = alongX ? d : w;
          if (ex > X - 0.2 || ey > Y - 0.2) continue;
          const x0 = wall === 0 ? 0 : wall === 1 ? cm(X - ex) : cm(rng.uniform(0.1, X - ex - 0.1));
          const y0 = wall === 2 ? 0 : wall === 3 ? cm(Y - ey) : cm(rng.uniform(0.1, Y - ey - 0.1));
          min = [x0, y0, 0];
          max = [cm(x0 + ex), cm(y0 + ey), h];
        } else {
          const [ex, ey] = rng.next() < 0.5 ? [w, d] : [d, w];
          if (ex > X - 0.6 || ey > Y - 0.6) continue;
          const x0 = cm(rng.uniform(0.3, X - ex - 0.3)), y0 = cm(rng.uniform(0.3, Y - ey - 0.3));
          min = [x0, y0, 0];
          max = [cm(x0 + ex), cm(y0 + ey), h];
        }
        const box: Placed = { min, max, id: 0, label: kind.label, kind, onFloor: true };
        const area = (max[0] - min[0]) * (max[1] - min[1]);
        if (footprint + area > maxFootprint) continue;
        if (placed.some((p) => p.onFloor && footprintsClash(p, box, FURNITURE_GAP))) continue;
        box.id = nextId++;
        footprint += area;
        placed.push(box);
        done = true;
      }
    }
  }
  return placed;
}

/** Distance in x-y from a point to a box footprint (0 inside). */
function footprintDistance(x: number, y: number, b: RaycastBox): number {
  const dx = Math.max(b.min[0] - x, 0, x - b.max[0]);
  const dy = Math.max(b.min[1] - y, 0, y - b.max[1]);
  return Math.hypot(dx, dy);
}

/** Clearance of a camera position: to the walls (x-y) and to every furniture footprint. */
function clearance(p: Vec3, room: Vec3, furniture: RaycastBox[]): { walls: number; furniture: number } {
  const walls = Math.min(p[0], room[0] - p[0], p[1], room[1] - p[1]);
  let f = Infinity;
  for (const b of furniture) f = Math.min(f, footprintDistance(p[0], p[1], b));
  return { walls, furniture: f };
}

function isFree(x: number, y: number, room: Vec3, furniture: RaycastBox[]): boolean {
  const c = clearance([x, y, 0], room, furniture);
  return c.walls >= WALL_CLEARANCE && c.furniture >= FURNITURE_CLEARANCE;
}

function segmentFree(a: Vec3, b: Vec3, room: Vec3, furniture: RaycastBox[]): boolean {
  const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 0.05));
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    if (!isFree(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), room, furniture)) return false;
  }
  return true;
}

/** Free floor positions (cell centres of a 10 cm grid) where the camera may stand. */
function freeCells(room: Vec3, furniture: RaycastBox[]): [number, number][] {
  const cells: [number, number][] = [];
  for (let x = 0.05; x < room[0]; x += 0.1)
    for (let y = 0.05; y < room[1]; y += 0.1) if (isFree(x, y, room, furniture)) cells.push([x, y]);
  return cells;
}

interface Key {
  p: Vec3;
  yaw: number;
  pitch: number;
  roll: number;
}

/** Horizontal distance from p to the wall along heading `yaw`. */
function wallDistance(p: Vec3, yaw: number, room: Vec3): number {
  const d = [Math.cos(yaw), Math.sin(yaw)];
  let t = Infinity;
  for (let a = 0; a < 2; a++) {
    if (d[a] > 1e-12) t = Math.min(t, (room[a] - p[a]) / d[a]);
    if (d[a] < -1e-12) t = Math.min(t, -p[a] / d[a]);
  }
  return t;
}

const wrapAngle = (a: number): number => a - 2 * Math.PI * Math.round(a / (2 * Math.PI));

/**
 * Keyframes of the camera path: a walk over free floor (steps 0.4-1.4 m along straight free
 * segments, preferring to move away from where it was and to keep off the walls), eye height
 * 1.2-1.8 m, the view sweeping 20-65 degrees of yaw per keyframe (mostly the same way round):
 * towards a piece of furniture near the intended direction when there is one, else turning on (or
 * back) until the view reaches 2.5 m into the room, never more than 75 degrees per keyframe; pitch
 * -40..5 degrees (mostly looking down, as a hand-held scan does), roll within 3 degrees.
 */
function keyframes(rng: Rng, count: number, room: Vec3, furniture: Placed[], cells: [number, number][]): Key[] {
  const keys: Key[] = [];
  // Start somewhere in the better-cleared half of the free floor.
  const open = cells.map((c) => ({ c, w: clearance([c[0], c[1], 0], room, furniture).walls }));
  const median = [...open].sort((a, b) => a.w - b.w)[open.length >> 1].w;
  const start = rng.pick(open.filter((o) => o.w >= median)).c;
  let p: Vec3 = [start[0], start[1], rng.uniform(1.3, 1.7)];
  let yaw = rng.uniform(-Math.PI, Math.PI);
  let dir = rng.next() < 0.5 ? -1 : 1;
  const centres = furniture.map((b): Vec3 => [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2, (b.min[2] + b.max[2]) / 2]);
  for (let k = 0; k < count; k++) {
    let delta = 0;
    if (k > 0) {
      const from = keys[Math.max(0, k - 2)].p;
      let next: Vec3 | undefined, nextScore = -1;
      for (let attempt = 0; attempt < 12; attempt++) {
        const step = rng.uniform(0.4, 1.4), heading = rng.uniform(-Math.PI, Math.PI);
        const q: Vec3 = [p[0] + step * Math.cos(heading), p[1] + step * Math.sin(heading), p[2]];
        // Move on (away from two keyframes ago), and keep away from the walls.
        const c = clearance(q, room, furniture);
        const score = Math.hypot(q[0] - from[0], q[1] - from[1]) + Math.min(c.walls, 1.5);
        if (score > nextScore && segmentFree(p, q, room, furniture)) [next, nextScore] = [q, score];
      }
      if (next) p = next;
      p = [p[0], p[1], Math.min(1.8, Math.max(1.2, p[2] + rng.uniform(-0.15, 0.15)))];
      if (rng.next() < 0.25) dir = -dir;
      delta = dir * rng.uniform(20, 65) * DEG;
    }
    // A piece of furniture whose direction turns the same way, closest to the intended turn.
    let target: Vec3 | undefined, miss = 35 * DEG;
    for (const c of centres) {
      if (Math.hypot(c[0] - p[0], c[1] - p[1]) < 1) continue;
      const turn = wrapAngle(Math.atan2(c[1] - p[1], c[0] - p[0]) - yaw);
      const sameWay = k === 0 || turn * dir >= -10 * DEG;
      if (sameWay && Math.abs(turn) <= 75 * DEG && Math.abs(turn - delta) < miss) [target, miss] = [c, Math.abs(turn - delta)];
    }
    let pitch: number;
    if (target) {
      const dist = Math.hypot(target[0] - p[0], target[1] - p[1]);
      yaw += wrapAngle(Math.atan2(target[1] - p[1], target[0] - p[0]) - yaw);
      pitch = Math.min(5 * DEG, Math.max(-40 * DEG, Math.atan2(target[2] - p[2], dist)));
    } else {
      // The intended turn, then larger turns the same way, then turns back, at most 75 degrees.
      const turns = [delta, ...[30, 45, 60, 75].filter((t) => t * DEG > Math.abs(delta)).map((t) => dir * t * DEG), ...[20, 40, 60].map((t) => -dir * t * DEG)];
      let bestYaw = yaw + delta, bestReach = -1;
      for (const turn of turns) {
        const reach = wallDistance(p, yaw + turn, room);
        if (reach > bestReach) [bestYaw, bestReach] = [yaw + turn, reach];
        if (reach >= 2.5) break;
      }
      yaw = bestYaw;
      pitch = rng.uniform(-35, -5) * DEG;
    }
    keys.push({ p, yaw, pitch, roll: rng.uniform(-3, 3) * DEG });
  }
  return keys;
}

/** Uniform Catmull-Rom interpolation between b and c at t in [0, 1]. */
function catmullRom(a: number, b: number, c: number, d: number, t: number): number {
  const t2 = t * t, t3 = t2 * t;
  return 0.5 * (2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (3 * b - a - 3 * c + d) * t3);
}

/** Moved to lib/pose.ts; still exported here (and from the package root) under its name. */
export { poseFromYawPitchRoll };

/** Per-frame position and angles: Catmull-Rom through the keyframes, or eased straight segments. */
function trajectory(keys: Key[], frames: number, smooth: boolean): Key[] {
  const out: Key[] = [];
  const last = keys.length - 1;
  for (let f = 0; f < frames; f++) {
    const s = frames === 1 ? 0 : (f / (frames - 1)) * last;
    const k = Math.min(Math.floor(s), Math.max(0, last - 1));
    const t = last === 0 ? 0 : s - k;
    const at = (i: number): Key => keys[Math.min(last, Math.max(0, i))];
    const [a, b, c, d] = [at(k - 1), at(k), at(k + 1), at(k + 2)];
    const lerp = (u: number, v: number): number => u + (v - u) * (t * t * (3 - 2 * t));
    const cr = (sel: (q: Key) => number): number => (smooth ? catmullRom(sel(a), sel(b), sel(c), sel(d), t) : lerp(sel(b), sel(c)));
    out.push({
      p: [cr((q) => q.p[0]), cr((q) => q.p[1]), Math.min(1.8, Math.max(1.2, cr((q) => q.p[2])))],
      yaw: cr((q) => q.yaw),
      pitch: cr((q) => q.pitch),
      roll: cr((q) => q.roll),
    });
  }
  return out;
}

function jitter(rng: Rng, rgb: Vec3, amount: number): Vec3 {
  return rgb.map((v) => Math.max(0, Math.min(255, Math.round(v + rng.uniform(-amount, amount))))) as Vec3;
}

/**
 * Samples the surfaces of the scene on a regular grid (cell centres, `spacing` apart): the room's
 * inside faces and every furniture face except hidden ones (bottoms, faces flush with a wall), and
 * drops samples that lie inside or on another furniture box (floor under furniture, a wall behind a
 * flush cabinet, a table top under a monitor).
 */
function samplePoints(instances: Instance[], furniture: RaycastBox[], room: Vec3, spacing: number): { points: Float32Array; ids: Uint16Array } {
  const xyz: number[] = [];
  const ids: number[] = [];
  const covered = (p: number[], self: number): boolean => {
    for (const b of furniture) {
      if (b.id === self) continue;
      if (p[0] >= b.min[0] && p[0] <= b.max[0] && p[1] >= b.min[1] && p[1] <= b.max[1] && p[2] >= b.min[2] && p[2] <= b.max[2]) return true;
    }
    return false;
  };
  const face = (id: number, axis: number, level: number, lo: Vec3, hi: Vec3): void => {
    const a1 = axis === 0 ? 1 : 0, a2 = axis === 2 ? 1 : 2;
    const n1 = Math.max(1, Math.round((hi[a1] - lo[a1]) / spacing));
    const n2 = Math.max(1, Math.round((hi[a2] - lo[a2]) / spacing));
    const p = [0, 0, 0];
    p[axis] = level;
    for (let u = 0; u < n1; u++) {
      p[a1] = lo[a1] + ((u + 0.5) * (hi[a1] - lo[a1])) / n1;
      for (let v = 0; v < n2; v++) {
        p[a2] = lo[a2] + ((v + 0.5) * (hi[a2] - lo[a2])) / n2;
        if (covered(p, id)) continue;
        xyz.push(p[0], p[1], p[2]);
        ids.push(id);
      }
    }
  };
  for (const inst of instances) {
    const { min, max } = inst.box;
    if (inst.structural) {
      // Flat boxes: the axis with zero extent is the surface's normal.
      const axis = min[0] === max[0] ? 0 : min[1] === max[1] ? 1 : 2;
      face(inst.id, axis, min[axis], min, max);
      continue;
    }
    for (let axis = 0; axis < 3; axis++) {
      for (const side of [0, 1]) {
        if (axis === 2 && side === 0) continue;  // the bottom rests on the floor or on a base
        const level = side ? max[axis] : min[axis];
        if (level === 0 || level === room[axis]) continue;  // flush with a wall: hidden
        face(inst.id, axis, level, min, max);
      }
    }
  }
  return { points: Float32Array.from(xyz), ids: Uint16Array.from(ids) };
}

/**
 * Builds the synthetic scene: a furnished room in a z-up world, a smooth camera trajectory through
 * it, and exact per-frame depth, instance ids and colour by native ray casting.
 *
 * - Room `[0, X] x [0, Y] x [0, Z]` (X 4-8 m, Y 3-6 m, Z 2.5-3 m, seeded, in cm): structural
 *   instances floor (id 1), ceiling (2), walls at x = 0, x = X, y = 0, y = Y (3-6), each with its
 *   flat box; furniture (ids from 7: table, chair, sofa, cabinet, bed, desk, bookshelf, box, lamp,
 *   nightstand, refrigerator; stacked box, monitor, plant) as axis-aligned boxes that rest on the
 *   floor or on another box and never intersect (standing ones keep 10 cm apart).
 * - Trajectory: a keyframe every 10 frames (a walk over free floor, 0.4-1.4 m per step, at least
 *   0.7 m from walls and 0.6 m from furniture footprints; eye height 1.2-1.8 m; yaw sweeping
 *   20-75 degrees per keyframe, often towards a piece of furniture; pitch -40..5 degrees; roll within
 *   3 degrees), Catmull-Rom interpolated; every frame keeps >= 0.3 m from walls and furniture
 *   footprints (else the path follows the straight free segments with eased timing). Consecutive
 *   frames overlap strongly; frames far apart see different parts of the room.
 * - Camera never inside furniture: it stands over free floor only.
 * - Intrinsics: fx = fy = 525 * W / 640, cx = (W - 1) / 2, cy = (H - 1) / 2. Poses camera-to-world,
 *   OpenCV axes.
 * - Per frame: `depth` (camera z in metres at each pixel centre, exact up to float rounding),
 *   `instanceIds`, and `color` (see `raycastBoxes`) unless `color: false`.
 * - `points`/`pointInstances`: every visible surface sampled on a `pointSpacing` grid (cell
 *   centres), ordered floor, ceiling, walls, furniture.
 *
 * Deterministic: the same options give the same bytes.
 *
 * @example
 * const scene = synthesizeScene({ seed: 7, frames: 60 });
 * const cams = scene.frames.map((f) => ({ intrinsics: f.intrinsics, pose: f.pose }));
 * const sets = visibleSets(scene.points!, cams, scene.frames.map((f) => f.depth!));
 */
export function synthesizeScene(opts?: SyntheticSceneOptions): Scene {
  const o = checkOptions(opts);
  const rng = createRng(o.seed);
  const roomRng = rng.fork('room'), furnitureRng = rng.fork('furniture'), pathRng = rng.fork('trajectory'), colorRng = rng.fork('colors');
  const room: Vec3 = [cm(roomRng.uniform(4, 8)), cm(roomRng.uniform(3, 6)), cm(roomRng.uniform(2.5, 3))];
  const [X, Y, Z] = room;

  // Furniture; drop the last standing piece (and what stands on it) until the camera has room.
  let furniture = placeFurniture(furnitureRng, room, o.objects ?? furnitureRng.int(6, 10));
  let cells = freeCells(room, furniture);
  while (cells.length < 20 && furniture.length > 0) {
    const lastStanding = [...furniture].reverse().find((p) => p.onFloor)!;
    furniture = furniture.filter((p) => p !== lastStanding && p.base !== lastStanding);
    cells = freeCells(room, furniture);
  }
  furniture.forEach((p, k) => (p.id = FIRST_FURNITURE_ID + k));

  const S = STRUCTURAL_IDS;
  const instances: Instance[] = [
    { id: S.floor, label: 'floor', box: { min: [0, 0, 0], max: [X, Y, 0] }, structural: true },
    { id: S.ceiling, label: 'ceiling', box: { min: [0, 0, Z], max: [X, Y, Z] }, structural: true },
    { id: S.wallMinX, label: 'wall', box: { min: [0, 0, 0], max: [0, Y, Z] }, structural: true },
    { id: S.wallMaxX, label: 'wall', box: { min: [X, 0, 0], max: [X, Y, Z] }, structural: true },
    { id: S.wallMinY, label: 'wall', box: { min: [0, 0, 0], max: [X, 0, Z] }, structural: true },
    { id: S.wallMaxY, label: 'wall', box: { min: [0, Y, 0], max: [X, Y, Z] }, structural: true },
    ...furniture.map((p) => ({ id: p.id, label: p.label, box: { min: [...p.min] as Vec3, max: [...p.max] as Vec3 } })),
  ];

  const maxId = FIRST_FURNITURE_ID + furniture.length - 1;
  const palette = new Uint8Array(3 * (maxId + 1));
  const wallRgb = jitter(colorRng, colorRng.pick(WALL_PAINTS), 6);
  palette.set(jitter(colorRng, [150, 110, 75], 12), 3 * S.floor);
  palette.set(jitter(colorRng, [240, 238, 232], 8), 3 * S.ceiling);
  for (const w of [S.wallMinX, S.wallMaxX, S.wallMinY, S.wallMaxY]) palette.set(jitter(colorRng, wallRgb, 6), 3 * w);
  for (const p of furniture) palette.set(jitter(colorRng, p.kind.rgb, 25), 3 * p.id);
  const boxes: RaycastBox[] = furniture.map((p) => ({ min: p.min, max: p.max, id: p.id }));
  const raycastScene: RaycastScene = {
    boxes,
    room: { min: [0, 0, 0], max: room, faceIds: [S.wallMinX, S.wallMaxX, S.wallMinY, S.wallMaxY, S.floor, S.ceiling] },
    palette,
  };

  // Trajectory: smooth when it keeps its clearance, else eased straight segments (always clear).
  const keys = keyframes(pathRng, Math.max(2, Math.ceil(o.frames / FRAMES_PER_KEY) + 1), room, furniture, cells);
  let path = trajectory(keys, o.frames, true);
  const clear = path.every((k) => {
    const c = clearance(k.p, room, furniture);
    return c.walls >= PATH_CLEARANCE && c.furniture >= PATH_CLEARANCE;
  });
  if (!clear) path = trajectory(keys, o.frames, false);

  const intrinsics: Intrinsics = { fx: (525 * o.width) / 640, fy: (525 * o.width) / 640, cx: (o.width - 1) / 2, cy: (o.height - 1) / 2, width: o.width, height: o.height };
  const frames: Frame[] = path.map((k, f) => {
    const pose = poseFromYawPitchRoll(k.p, k.yaw, k.pitch, k.roll);
    const camera = { intrinsics: { ...intrinsics }, pose };
    const r = raycastBoxes(raycastScene, camera, { color: o.color });
    return {
      id: `frame-${String(f).padStart(6, '0')}`,
      intrinsics: camera.intrinsics,
      pose,
      depth: r.depth,
      instanceIds: r.instanceIds,
      ...(r.color ? { color: r.color } : {}),
    };
  });

  const { points, ids } = samplePoints(instances, boxes, room, o.pointSpacing);
  return { id: o.id, frames, points, pointInstances: ids, instances, up: 'z' };
}
