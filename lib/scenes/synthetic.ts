/**
 * The built-in synthetic scene: a furnished room (z-up world, like axis-aligned ScanNet) with
 * labelled boxes as objects, a camera trajectory through it, and exact depth, instance ids and a
 * shaded colour image for every frame, rendered by native ray casting. The default scene of the CLI
 * demo and of tests that need ground truth; needs no download.
 * @module
 */
import { spatialError } from '../errors.js';
import { native } from '../native.js';
import { createRng, type Rng } from '../random.js';
import type { SceneBox } from '../reference/raycast.js';
import type { Camera, Intrinsics, Pose } from '../types.js';
import { checkInteger, packCameras } from '../validate.js';
import type { Frame, Instance, Scene } from './types.js';

/** Options of {@link synthesizeScene}. */
export interface SyntheticSceneOptions {
  /** Seed of the room, furniture, trajectory and colours [0]. */
  seed?: number;
  /** Number of frames [60]. */
  frames?: number;
  /** Image width in pixels [640]. */
  width?: number;
  /** Image height in pixels [480]. */
  height?: number;
  /** Spacing of the scene points sampled on every surface, metres [0.02]. */
  pointSpacing?: number;
}

interface FurnitureKind {
  label: string;
  size: [[number, number], [number, number], [number, number]]; // ranges of x (along the wall), y (depth), z (height)
}

const FURNITURE: FurnitureKind[] = [
  { label: 'table', size: [[0.9, 1.5], [0.6, 0.9], [0.7, 0.78]] },
  { label: 'chair', size: [[0.45, 0.55], [0.45, 0.55], [0.8, 1.0]] },
  { label: 'sofa', size: [[1.6, 2.2], [0.8, 1.0], [0.75, 0.9]] },
  { label: 'cabinet', size: [[0.6, 1.2], [0.4, 0.6], [0.8, 1.6]] },
  { label: 'bed', size: [[1.9, 2.1], [1.3, 1.7], [0.45, 0.6]] },
  { label: 'desk', size: [[1.0, 1.4], [0.55, 0.75], [0.72, 0.78]] },
  { label: 'bookshelf', size: [[0.8, 1.2], [0.3, 0.4], [1.6, 2.0]] },
  { label: 'box', size: [[0.3, 0.6], [0.3, 0.6], [0.25, 0.5]] },
  { label: 'lamp', size: [[0.25, 0.35], [0.25, 0.35], [1.3, 1.7]] },
  { label: 'dresser', size: [[0.8, 1.2], [0.45, 0.55], [0.8, 1.1]] },
];

type Vec3 = [number, number, number];

/** Camera-to-world pose at `eye` looking along yaw/pitch (degrees) in a z-up world (OpenCV axes). */
export function poseFromYawPitch(eye: Vec3, yawDeg: number, pitchDeg: number): Pose {
  const y = (yawDeg * Math.PI) / 180, p = (pitchDeg * Math.PI) / 180;
  const f: Vec3 = [Math.cos(p) * Math.cos(y), Math.cos(p) * Math.sin(y), Math.sin(p)]; // camera +z
  const r: Vec3 = [Math.sin(y), -Math.cos(y), 0]; // camera +x: right of the forward direction
  const d: Vec3 = [f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0]]; // +y = z × x (down)
  return Float64Array.of(r[0], d[0], f[0], eye[0], r[1], d[1], f[1], eye[1], r[2], d[2], f[2], eye[2], 0, 0, 0, 1);
}

function overlaps(a: { min: Vec3; max: Vec3 }, b: { min: Vec3; max: Vec3 }, margin: number): boolean {
  return [0, 1, 2].every((k) => a.min[k] < b.max[k] + margin && b.min[k] < a.max[k] + margin);
}

/** Places furniture along the walls (keeping the centre free for the camera path), without overlaps. */
function furnish(rng: Rng, room: Vec3): Instance[] {
  const [W, D] = room;
  const count = rng.int(6, 9);
  const kinds = rng.shuffle(FURNITURE.slice()).slice(0, count);
  const placed: Instance[] = [];
  let nextId = 7; // 1-6 are the room's floor, ceiling and walls
  for (const kind of kinds) {
    for (let attempt = 0; attempt < 60; attempt++) {
      const along = rng.uniform(...kind.size[0]), depth = rng.uniform(...kind.size[1]), height = rng.uniform(...kind.size[2]);
      const wall = rng.int(0, 3); // 0: y = 0, 1: y = D, 2: x = 0, 3: x = W
      const gap = rng.uniform(0.02, 0.25);
      let min: Vec3, max: Vec3;
      if (wall < 2) {
        const x0 = rng.uniform(0.1, W - 0.1 - along);
        const y0 = wall === 0 ? gap : D - gap - depth;
        [min, max] = [[x0, y0, 0], [x0 + along, y0 + depth, height]];
      } else {
        const y0 = rng.uniform(0.1, D - 0.1 - along);
        const x0 = wall === 2 ? gap : W - gap - depth;
        [min, max] = [[x0, y0, 0], [x0 + depth, y0 + along, height]];
      }
      if (min.some((v, k) => v < 0 || max[k] > room[k])) continue;
      if (placed.some((o) => overlaps(o.box as { min: Vec3; max: Vec3 }, { min, max }, 0.05))) continue;
      placed.push({ id: nextId++, label: kind.label, box: { min, max } });
      break;
    }
  }
  // A small box stacked on a low piece of furniture, when one leaves room for it.
  const low = placed.find((o) => o.box.max[2] < 1.0 && o.box.max[0] - o.box.min[0] > 0.5 && o.box.max[1] - o.box.min[1] > 0.4);
  if (low && !placed.some((o) => o.label === 'box')) {
    const s = rng.uniform(0.2, 0.3), h = rng.uniform(0.15, 0.3);
    const x0 = rng.uniform(low.box.min[0], low.box.max[0] - s), y0 = rng.uniform(low.box.min[1], low.box.max[1] - s);
    placed.push({ id: nextId++, label: 'box', box: { min: [x0, y0, low.box.max[2]], max: [x0 + s, y0 + s, low.box.max[2] + h] } });
  }
  return placed;
}

/** Scene points on a regular grid of spacing `s` over every face of every box. */
function surfacePoints(boxes: SceneBox[], s: number): { points: Float32Array; ids: Uint16Array } {
  const pts: number[] = [];
  const ids: number[] = [];
  for (const b of boxes)
    for (let face = 0; face < 6; face++) {
      const axis = face >> 1, u = (axis + 1) % 3, v = (axis + 2) % 3;
      const fixed = face % 2 ? b.max[axis] : b.min[axis];
      if (!b.inside && axis === 2 && face === 4 && b.min[2] === 0) continue; // bottom face on the floor is never seen
      const nu = Math.max(1, Math.round((b.max[u] - b.min[u]) / s)), nv = Math.max(1, Math.round((b.max[v] - b.min[v]) / s));
      for (let a = 0; a <= nu; a++)
        for (let c = 0; c <= nv; c++) {
          const p: Vec3 = [0, 0, 0];
          p[axis] = fixed;
          p[u] = b.min[u] + ((b.max[u] - b.min[u]) * a) / nu;
          p[v] = b.min[v] + ((b.max[v] - b.min[v]) * c) / nv;
          pts.push(...p);
          ids.push(b.faceIds[face]);
        }
    }
  return { points: Float32Array.from(pts), ids: Uint16Array.from(ids) };
}

/** A smooth loop through the room's free centre, looking outwards at the walls and furniture. */
function trajectory(rng: Rng, room: Vec3, frames: number): Pose[] {
  const [W, D] = room;
  const ax = Math.max(0.3, W / 2 - 1.6), ay = Math.max(0.3, D / 2 - 1.6);
  const phase = rng.uniform(0, 2 * Math.PI), turns = rng.uniform(0.8, 1.1);
  const look = rng.uniform(-50, 50), wobble = rng.uniform(15, 35);
  return Array.from({ length: frames }, (_, f) => {
    const s = frames === 1 ? 0 : f / (frames - 1);
    const a = phase + 2 * Math.PI * turns * s;
    const eye: Vec3 = [W / 2 + ax * Math.cos(a), D / 2 + ay * Math.sin(a), 1.5 + 0.2 * Math.sin(3 * a)];
    const outward = (Math.atan2(Math.sin(a) * ay, Math.cos(a) * ax) * 180) / Math.PI;
    const yaw = outward + look + wobble * Math.sin(2 * a + 1);
    const pitch = -12 + 8 * Math.sin(1.7 * a);
    return poseFromYawPitch(eye, yaw, pitch);
  });
}

/** A fixed pleasant colour per instance id (seeded). */
function palette(rng: Rng, maxId: number): Uint8Array {
  const p = new Uint8Array(3 * (maxId + 1));
  const structural: Vec3[] = [[0, 0, 0], [176, 150, 120], [235, 235, 230], [205, 200, 190], [195, 205, 200], [210, 195, 185], [190, 195, 210]];
  for (let id = 0; id <= maxId; id++) {
    const c = id < structural.length ? structural[id] : ([rng.int(40, 230), rng.int(40, 230), rng.int(40, 230)] as Vec3);
    p.set(c, 3 * id);
  }
  return p;
}

/** Boxes of the scene in the renderer's packed layout (13 doubles each). */
export function packBoxes(boxes: SceneBox[]): Float64Array {
  return Float64Array.from(boxes.flatMap((b) => [...b.min, ...b.max, ...b.faceIds, b.inside ? 1 : 0]));
}

/** The room and furniture as renderer boxes, plus their instances. */
export function sceneBoxes(room: Vec3, furniture: Instance[]): { boxes: SceneBox[]; instances: Instance[] } {
  const structural: Instance[] = [
    { id: 1, label: 'floor', box: { min: [0, 0, 0], max: [room[0], room[1], 0] }, structural: true },
    { id: 2, label: 'ceiling', box: { min: [0, 0, room[2]], max: [room[0], room[1], room[2]] }, structural: true },
    { id: 3, label: 'wall', box: { min: [0, 0, 0], max: [0, room[1], room[2]] }, structural: true },
    { id: 4, label: 'wall', box: { min: [room[0], 0, 0], max: [room[0], room[1], room[2]] }, structural: true },
    { id: 5, label: 'wall', box: { min: [0, 0, 0], max: [room[0], 0, room[2]] }, structural: true },
    { id: 6, label: 'wall', box: { min: [0, room[1], 0], max: [room[0], room[1], room[2]] }, structural: true },
  ];
  // Room faces -x, +x, -y, +y, -z, +z are walls 3, 4, 5, 6, the floor (1) and the ceiling (2).
  const boxes: SceneBox[] = [{ min: [0, 0, 0], max: room, faceIds: [3, 4, 5, 6, 1, 2], inside: true }];
  for (const f of furniture) boxes.push({ min: f.box.min, max: f.box.max, faceIds: [f.id, f.id, f.id, f.id, f.id, f.id], inside: false });
  return { boxes, instances: [...structural, ...furniture] };
}

/**
 * Builds the synthetic scene: a seeded room (4.5-8 x 4-6 x 2.6-3 m, z up) with 6-10 labelled
 * furniture boxes standing on the floor along the walls, a smooth camera loop at eye height looking
 * outwards, and for every frame exact depth (camera z, metres, at pixel centres), per-pixel instance
 * ids and a shaded colour image. Scene points (the analogue of mesh vertices) sample every surface
 * on a `pointSpacing` grid with their instance ids. Deterministic: same options, same bytes.
 *
 * Intrinsics: `fx = fy = 525 * width / 640`, principal point at the image centre `((W-1)/2, (H-1)/2)`.
 * @example const scene = synthesizeScene({ seed: 0, frames: 60 }); // 640x480
 */
export function synthesizeScene(opts: SyntheticSceneOptions = {}): Scene {
  const seed = opts.seed ?? 0;
  const frames = checkInteger(opts.frames ?? 60, 1, 100_000, 'opts.frames');
  const width = checkInteger(opts.width ?? 640, 8, 8192, 'opts.width');
  const height = checkInteger(opts.height ?? 480, 8, 8192, 'opts.height');
  const spacing = opts.pointSpacing ?? 0.02;
  if (!(spacing >= 0.005 && spacing <= 1)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.pointSpacing must be in [0.005, 1] metres (got ${spacing})`);
  const rng = createRng(`synthetic/${seed}`);
  const room: Vec3 = [rng.uniform(4.5, 8), rng.uniform(4, 6), rng.uniform(2.6, 3)];
  const furniture = furnish(rng.fork('furniture'), room);
  const { boxes, instances } = sceneBoxes(room, furniture);
  const poses = trajectory(rng.fork('trajectory'), room, frames);
  const k: Intrinsics = { fx: (525 * width) / 640, fy: (525 * width) / 640, cx: (width - 1) / 2, cy: (height - 1) / 2, width, height };
  const cams: Camera[] = poses.map((pose) => ({ intrinsics: k, pose }));
  const pal = palette(rng.fork('palette'), Math.max(...instances.map((i) => i.id)));
  const r = native().renderBoxes(packBoxes(boxes), packCameras(cams), pal);
  const n = width * height;
  const frameList: Frame[] = poses.map((pose, f) => ({
    id: String(f).padStart(5, '0'),
    intrinsics: k,
    pose,
    timestamp: f / 10,
    depth: { width, height, data: r.depth.subarray(f * n, (f + 1) * n) },
    color: { width, height, channels: 3, data: r.rgb.subarray(3 * f * n, 3 * (f + 1) * n) },
    instanceIds: r.ids.subarray(f * n, (f + 1) * n),
  }));
  const surface = surfacePoints(boxes, spacing);
  return {
    id: `synthetic-${seed}`,
    frames: frameList,
    points: surface.points,
    pointInstances: surface.ids,
    instances,
    up: 'z',
  };
}
