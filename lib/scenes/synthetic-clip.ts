/**
 * A built-in dynamic clip: boxes that slide, circle and bob inside a furnished room, seen by a
 * camera that pans along an arc. Tracks are exact (sampled on the box faces and carried by each
 * body's motion), visibility is the depth test against the rendered frame, and `bodies` records the
 * rigid body of every track, so the segmentation and the object-movement answers can be checked
 * against ground truth. The box ray caster is axis-aligned, so bodies translate (no spin).
 * @module
 */
import { describeValue, spatialError } from '../errors.js';
import { visibleSets } from '../ops/geometry/native.js';
import { createRng } from '../random.js';
import { raycastBoxes, type RaycastBox, type RaycastScene } from '../ops/raycast/native.js';
import type { Camera, Image, Intrinsics, Pose } from '../types.js';
import { checkInteger } from '../validate.js';
import type { DynamicClip } from './clip.js';
import { inverseTransformPoints, poseFromYawPitchRoll, type Vec3 } from '../pose.js';


/** Options of {@link synthesizeClip} (defaults in brackets). */
export interface SyntheticClipOptions {
  /** Seed of the layout, motions and camera path [0]. */
  seed?: number;
  /** Frames T [40]. */
  frames?: number;
  /** Image width [640]; height is 3/4 of it. */
  width?: number;
  /** Moving boxes [3]. */
  movers?: number;
  /** Track grid step on box faces and room surfaces (metres) [0.12]. */
  spacing?: number;
  /** Clip id ['synthetic-clip-<seed>']. */
  id?: string;
}

const ROOM: Vec3 = [6, 5, 2.8];
const IDS = { wallMinX: 1, wallMaxX: 2, wallMinY: 3, wallMaxY: 4, floor: 5, ceiling: 6, firstStatic: 7 };
const STATIC_BOXES: { min: Vec3; max: Vec3; rgb: Vec3 }[] = [
  { min: [4.6, 0.4, 0], max: [5.6, 1.4, 0.75], rgb: [120, 85, 60] },   // table
  { min: [4.9, 3.3, 0], max: [5.7, 4.6, 1.6], rgb: [90, 110, 140] },   // cabinet
];
const MOVER_COLORS: Vec3[] = [[210, 60, 50], [60, 170, 80], [230, 190, 40], [150, 70, 190], [40, 160, 200]];

/** A mover's offset from its start position at frame t: slide, circle or bob, at 3-7 cm per frame. */
interface Motion {
  kind: 'slide' | 'circle' | 'bob';
  amplitude: number;
  omega: number;
  phase: number;
}

function offset(m: Motion, t: number): Vec3 {
  const a = m.omega * t + m.phase;
  switch (m.kind) {
    case 'slide': return [m.amplitude * (Math.sin(a) - Math.sin(m.phase)), 0, 0];
    case 'circle': return [m.amplitude * (Math.cos(a) - Math.cos(m.phase)), m.amplitude * (Math.sin(a) - Math.sin(m.phase)), 0];
    case 'bob': return [0, m.amplitude * (Math.sin(a) - Math.sin(m.phase)), 0.5 * m.amplitude * (1 - Math.cos(a - m.phase))];
  }
}

/** Grid points on the faces of a box (inset from the edges), except the bottom face. */
function facePoints(min: Vec3, max: Vec3, spacing: number, out: number[]): void {
  const grid = (lo: number, hi: number): number[] => {
    const inset = Math.min(0.03, (hi - lo) / 4);
    const count = Math.max(2, Math.round((hi - lo - 2 * inset) / spacing) + 1);
    return Array.from({ length: count }, (_, k) => lo + inset + ((hi - lo - 2 * inset) * k) / (count - 1));
  };
  const [gx, gy, gz] = [grid(min[0], max[0]), grid(min[1], max[1]), grid(min[2], max[2])];
  for (const x of gx) for (const y of gy) out.push(x, y, max[2]);                       // top
  for (const x of gx) for (const z of gz) out.push(x, min[1], z, x, max[1], z);          // +-y sides
  for (const y of gy) for (const z of gz) out.push(min[0], y, z, max[0], y, z);          // +-x sides
}

/** Grid points on the floor and the four walls (room surfaces the camera sees). */
function roomPoints(spacing: number, out: number[]): void {
  const [X, Y, Z] = ROOM;
  const step = 3 * spacing;
  for (let x = step / 2; x < X; x += step) for (let y = step / 2; y < Y; y += step) out.push(x, y, 0);
  for (let z = step / 2; z < Z; z += step) {
    for (let x = step / 2; x < X; x += step) out.push(x, 0, z, x, Y, z);
    for (let y = step / 2; y < Y; y += step) out.push(0, y, z, X, y, z);
  }
}

function checkClipOptions(opts: unknown): Required<SyntheticClipOptions> {
  if (opts !== undefined && (typeof opts !== 'object' || opts === null))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const o = (opts ?? {}) as SyntheticClipOptions;
  const seed = o.seed === undefined ? 0 : checkInteger(o.seed, 0, 2 ** 31 - 1, 'opts.seed');
  const spacing = o.spacing ?? 0.12;
  if (typeof spacing !== 'number' || !(spacing >= 0.02 && spacing <= 1)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.spacing must be a number in [0.02, 1] (got ${describeValue(spacing)})`);
  return {
    seed,
    frames: o.frames === undefined ? 40 : checkInteger(o.frames, 2, 10000, 'opts.frames'),
    width: o.width === undefined ? 640 : checkInteger(o.width, 32, 8192, 'opts.width'),
    movers: o.movers === undefined ? 3 : checkInteger(o.movers, 1, MOVER_COLORS.length, 'opts.movers'),
    spacing,
    id: o.id ?? `synthetic-clip-${seed}`,
  };
}

/**
 * Builds the synthetic dynamic clip (deterministic for its options).
 * @returns a {@link DynamicClip} with camera-frame float32 tracks, visibility from the rendered
 *   depth (2 cm tolerance), camera poses, rendered colour images and `bodies`
 *   (0 = the static room and furniture, k = moving box k).
 * @example const clip = synthesizeClip({ seed: 1, frames: 40 });
 */
export function synthesizeClip(opts?: SyntheticClipOptions): DynamicClip {
  const o = checkClipOptions(opts);
  const rng = createRng(`clip/${o.seed}`);
  const height = Math.round((o.width * 3) / 4);
  const intrinsics: Intrinsics = { fx: (500 * o.width) / 640, fy: (500 * o.width) / 640, cx: (o.width - 1) / 2, cy: (height - 1) / 2, width: o.width, height };

  // Movers in separate lanes across the room's middle, each with its own motion.
  const kinds: Motion['kind'][] = ['slide', 'circle', 'bob'];
  const movers = Array.from({ length: o.movers }, (_, k) => {
    const size: Vec3 = [rng.uniform(0.35, 0.6), rng.uniform(0.35, 0.6), rng.uniform(0.35, 0.7)];
    const lane = 1.0 + (3.0 * (k + 0.5)) / o.movers;
    const min: Vec3 = [rng.uniform(2.6, 3.2), lane - size[1] / 2, k % 3 === 2 ? 0.3 : 0];
    const motion: Motion = { kind: kinds[k % 3], amplitude: rng.uniform(0.5, 0.8), omega: rng.uniform(0.08, 0.12), phase: rng.uniform(0, Math.PI) };
    return { min, max: [min[0] + size[0], min[1] + size[1], min[2] + size[2]] as Vec3, motion, id: IDS.firstStatic + STATIC_BOXES.length + k };
  });

  const palette = new Uint8Array(3 * (IDS.firstStatic + STATIC_BOXES.length + o.movers));
  palette.set([150, 110, 75], 3 * IDS.floor);
  palette.set([240, 238, 232], 3 * IDS.ceiling);
  for (const w of [IDS.wallMinX, IDS.wallMaxX, IDS.wallMinY, IDS.wallMaxY]) palette.set([214, 222, 208], 3 * w);
  STATIC_BOXES.forEach((b, k) => palette.set(b.rgb, 3 * (IDS.firstStatic + k)));
  movers.forEach((m, k) => palette.set(MOVER_COLORS[k], 3 * m.id));
  const sceneAt = (t: number): RaycastScene => ({
    boxes: [
      ...STATIC_BOXES.map((b, k): RaycastBox => ({ min: b.min, max: b.max, id: IDS.firstStatic + k })),
      ...movers.map((m): RaycastBox => {
        const d = offset(m.motion, t);
        return { min: [m.min[0] + d[0], m.min[1] + d[1], m.min[2] + d[2]], max: [m.max[0] + d[0], m.max[1] + d[1], m.max[2] + d[2]], id: m.id };
      }),
    ],
    room: { min: [0, 0, 0], max: ROOM, faceIds: [IDS.wallMinX, IDS.wallMaxX, IDS.wallMinY, IDS.wallMaxY, IDS.floor, IDS.ceiling] },
    palette,
  });

  // Tracks at frame 0 (world) and their bodies.
  const start: number[] = [];
  roomPoints(o.spacing, start);
  STATIC_BOXES.forEach((b) => facePoints(b.min, b.max, o.spacing, start));
  const staticCount = start.length / 3;
  const bodyList: number[] = new Array(staticCount).fill(0);
  movers.forEach((m, k) => {
    const before = start.length / 3;
    facePoints(m.min, m.max, o.spacing, start);
    for (let i = before; i < start.length / 3; i++) bodyList.push(k + 1);
  });
  const n = start.length / 3;

  // Camera: from the room's low-x side, panning along an arc while looking at the movers.
  const yaw0 = rng.uniform(-0.15, 0.15);
  const poses: Pose[] = Array.from({ length: o.frames }, (_, t) => {
    const s = o.frames === 1 ? 0 : t / (o.frames - 1);
    const p: Vec3 = [0.6 + 0.4 * s, 1.2 + 2.6 * s, 1.5 + 0.1 * Math.sin(Math.PI * s)];
    return poseFromYawPitchRoll(p, yaw0 + 0.75 - 1.5 * s, -0.25, 0);
  });

  const tracksXYZ = new Float32Array(3 * o.frames * n);
  const visibility = new Uint8Array(o.frames * n);
  const renders = new Map<number, Image>();
  for (let t = 0; t < o.frames; t++) {
    const world = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const d = bodyList[i] === 0 ? [0, 0, 0] : offset(movers[bodyList[i] - 1].motion, t);
      for (let c = 0; c < 3; c++) world[3 * i + c] = start[3 * i + c] + d[c];
    }
    const camera: Camera = { intrinsics, pose: poses[t] };
    const r = raycastBoxes(sceneAt(t), camera, { color: false });
    for (const i of visibleSets(world, [camera], [r.depth], { tolerance: 0.02 })[0]) visibility[t * n + i] = 1;
    // Camera frame: Xc = R^T (Xw - C).
    inverseTransformPoints(poses[t], world, tracksXYZ.subarray(3 * t * n, 3 * (t + 1) * n));
  }
  return {
    id: o.id, frames: o.frames, tracks: n, tracksXYZ, visibility, intrinsics, poses,
    images: {
      load: async (t) => {
        let img = renders.get(t);
        if (!img) {
          img = raycastBoxes(sceneAt(t), { intrinsics, pose: poses[t] }, { color: true }).color!;
          renders.set(t, img);
        }
        return img;
      },
    },
    bodies: Int32Array.from(bodyList),
    source: 'synthetic',
  };
}
