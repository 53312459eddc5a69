// The synthetic scene: structure (room, furniture, instances), trajectory (rigid poses inside the
// room, smooth), ground truth consistent with the geometry core (depth vs visibleSets, points on
// the surfaces seen), determinism, the overlap range, and option validation.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backprojectDepth, boxesIntersect, configure, FIRST_FURNITURE_ID, info, overlapMatrix, poseFromYawPitchRoll, projectPoints, STRUCTURAL_IDS,
  synthesizeScene, visibleSets, type Camera, type Scene,
} from '../../lib/index.js';
import { checkPose } from '../../lib/validate.js';

const cameras = (s: Scene): Camera[] => s.frames.map((f) => ({ intrinsics: f.intrinsics, pose: f.pose }));
const FURNITURE_LABELS = ['table', 'chair', 'sofa', 'cabinet', 'bed', 'desk', 'bookshelf', 'box', 'lamp', 'nightstand', 'refrigerator', 'monitor', 'plant'];

describe('synthesizeScene: a 60-frame 640x480 scene', () => {
  let scene: Scene;
  let sets: Uint32Array[];
  beforeAll(() => {
    scene = synthesizeScene({ seed: 0, frames: 60, color: false });
    sets = visibleSets(scene.points!, cameras(scene), scene.frames.map((f) => f.depth!));
  });
  const room = () => scene.instances!.find((i) => i.label === 'ceiling')!.box.max;

  it('is a z-up room with floor, ceiling, four walls and 6-10 pieces of furniture', () => {
    expect(scene.up).toBe('z');
    expect(scene.id).toBe('synthetic-0');
    const [X, Y, Z] = room();
    expect(X).toBeGreaterThanOrEqual(4);
    expect(X).toBeLessThanOrEqual(8);
    expect(Y).toBeGreaterThanOrEqual(3);
    expect(Y).toBeLessThanOrEqual(6);
    expect(Z).toBeGreaterThanOrEqual(2.5);
    expect(Z).toBeLessThanOrEqual(3);
    const structural = scene.instances!.filter((i) => i.structural);
    expect(structural.map((i) => [i.id, i.label])).toEqual([
      [STRUCTURAL_IDS.floor, 'floor'], [STRUCTURAL_IDS.ceiling, 'ceiling'],
      [3, 'wall'], [4, 'wall'], [5, 'wall'], [6, 'wall'],
    ]);
    const furniture = scene.instances!.filter((i) => !i.structural);
    expect(furniture.length).toBeGreaterThanOrEqual(6);
    expect(furniture.length).toBeLessThanOrEqual(10);
    furniture.forEach((f, k) => {
      expect(f.id).toBe(FIRST_FURNITURE_ID + k);
      expect(FURNITURE_LABELS).toContain(f.label);
    });
  });

  it('has furniture boxes inside the room that never intersect and rest on the floor or another box', () => {
    const [X, Y, Z] = room();
    const furniture = scene.instances!.filter((i) => !i.structural);
    for (const a of furniture) {
      for (let k = 0; k < 3; k++) {
        expect(a.box.min[k]).toBeGreaterThanOrEqual(0);
        expect(a.box.min[k]).toBeLessThan(a.box.max[k]);
      }
      expect(a.box.max[0]).toBeLessThanOrEqual(X);
      expect(a.box.max[1]).toBeLessThanOrEqual(Y);
      expect(a.box.max[2]).toBeLessThan(Z);
      const support = a.box.min[2] === 0 || furniture.some((b) => b !== a && b.box.max[2] === a.box.min[2] &&
        b.box.min[0] <= a.box.min[0] && a.box.max[0] <= b.box.max[0] && b.box.min[1] <= a.box.min[1] && a.box.max[1] <= b.box.max[1]);
      expect(support).toBe(true);
      for (const b of furniture) if (a !== b) expect(boxesIntersect(a.box, b.box)).toBe(false);
    }
  });

  it('uses the default intrinsics and rigid poses inside the room at eye height, clear of furniture', () => {
    const [X, Y] = room();
    const furniture = scene.instances!.filter((i) => !i.structural);
    expect(scene.frames).toHaveLength(60);
    scene.frames.forEach((f, k) => {
      expect(f.id).toBe(`frame-${String(k).padStart(6, '0')}`);
      expect(f.intrinsics).toEqual({ fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480 });
      expect(() => checkPose(f.pose)).not.toThrow();
      const [x, y, z] = [f.pose[3], f.pose[7], f.pose[11]];
      expect(Math.min(x, X - x, y, Y - y)).toBeGreaterThanOrEqual(0.3);
      expect(z).toBeGreaterThanOrEqual(1.2);
      expect(z).toBeLessThanOrEqual(1.8);
      for (const b of furniture) {
        const dx = Math.max(b.box.min[0] - x, 0, x - b.box.max[0]), dy = Math.max(b.box.min[1] - y, 0, y - b.box.max[1]);
        expect(Math.hypot(dx, dy)).toBeGreaterThanOrEqual(0.3);
      }
      // Mostly horizontal: the optical axis (third column of R) within 45 degrees of the horizon.
      expect(Math.abs(f.pose[10])).toBeLessThan(Math.SQRT1_2);
    });
  });

  it('moves smoothly: small steps and turns between consecutive frames', () => {
    for (let k = 1; k < scene.frames.length; k++) {
      const a = scene.frames[k - 1].pose, b = scene.frames[k].pose;
      expect(Math.hypot(a[3] - b[3], a[7] - b[7], a[11] - b[11])).toBeLessThan(0.25);
      // Rotation angle between the frames: trace(Ra^T Rb) = 1 + 2 cos(angle).
      let trace = 0;
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) trace += a[4 * r + c] * b[4 * r + c];
      expect(Math.acos(Math.min(1, (trace - 1) / 2))).toBeLessThan((12 * Math.PI) / 180);
    }
  });

  it('renders a valid depth and a non-zero instance at every pixel (the room is closed)', () => {
    const [X, Y, Z] = room();
    const diagonal = Math.hypot(X, Y, Z);
    for (const f of scene.frames) {
      expect(f.depth!.width).toBe(640);
      expect(f.depth!.data).toHaveLength(640 * 480);
      expect(f.instanceIds).toHaveLength(640 * 480);
      expect(f.color).toBeUndefined();
      expect(f.depth!.data.every((d) => d > 0 && d < diagonal)).toBe(true);
      expect(f.instanceIds!.every((id) => id >= 1 && id < FIRST_FURNITURE_ID + 10)).toBe(true);
    }
  });

  it('back-projects every depth pixel onto the box of the instance seen there (depth is z)', () => {
    const boxes = new Map(scene.instances!.map((i) => [i.id, i.box]));
    for (const f of scene.frames.filter((_, k) => k % 6 === 0)) {
      const pts = backprojectDepth(f.depth!, { intrinsics: f.intrinsics, pose: f.pose });
      expect(pts.length).toBe(3 * 640 * 480);
      let worst = 0;
      for (let p = 0; p < 640 * 480; p++) {
        const box = boxes.get(f.instanceIds![p])!;
        // Distance from the point to the box's surface: 0 for a point on one of its faces.
        let outside = 0, inside = Infinity;
        for (let a = 0; a < 3; a++) {
          const v = pts[3 * p + a];
          outside = Math.max(outside, box.min[a] - v, v - box.max[a]);
          inside = Math.min(inside, v - box.min[a], box.max[a] - v);
        }
        worst = Math.max(worst, outside > 0 ? outside : inside);
      }
      // Float32 depth and world coordinates at <= 10 m: a few micrometres of rounding.
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('sees 100% of each frame\'s back-projected depth in that frame\'s visible set', () => {
    const cams = cameras(scene);
    scene.frames.forEach((f, k) => {
      const pts = backprojectDepth(f.depth!, cams[k]);
      const [set] = visibleSets(pts, [cams[k]], [f.depth!]);
      expect(set.length).toBe(pts.length / 3);
    });
  });

  it('sees its scene points on the surface at their pixel (> 99%; the rest are edge effects)', () => {
    const boxes = new Map(scene.instances!.map((i) => [i.id, i.box]));
    let visible = 0, onSurface = 0, explained = 0;
    scene.frames.forEach((f, k) => {
      const set = sets[k];
      const sub = new Float32Array(3 * set.length);
      set.forEach((p, i) => sub.set(scene.points!.subarray(3 * p, 3 * p + 3), 3 * i));
      const { uv, depth } = projectPoints(sub, cameras(scene)[k]);
      const pose = f.pose;
      for (let i = 0; i < set.length; i++) {
        visible++;
        const id = scene.pointInstances![set[i]];
        const j0 = Math.floor(uv[2 * i] + 0.5), i0 = Math.floor(uv[2 * i + 1] + 0.5);
        const seesIt = (j: number, r: number) => j >= 0 && j < 640 && r >= 0 && r < 480 &&
          f.instanceIds![r * 640 + j] === id && Math.abs(depth[i] - f.depth!.data[r * 640 + j]) <= 0.05;
        if (seesIt(j0, i0)) {
          onSurface++;
          continue;
        }
        // The edge effects, each of which is expected of a depth test on sampled points:
        // (a) hidden behind the surface seen but within the 5 cm tolerance (floor beside a box edge);
        const hidden = depth[i] > f.depth!.data[i0 * 640 + j0];
        // (b) on a silhouette: a neighbouring pixel sees its surface (its own pixel sees past the edge);
        let neighbour = false;
        for (let dr = -1; dr <= 1; dr++) for (let dj = -1; dj <= 1; dj++) neighbour ||= seesIt(j0 + dj, i0 + dr);
        // (c) on a face seen nearly edge-on (the face covers less than a pixel across).
        const box = boxes.get(id)!;
        const x = sub.subarray(3 * i, 3 * i + 3);
        let axis = 0;
        for (let a = 0; a < 3; a++) if (Math.abs(x[a] - box.min[a]) < 1e-5 || Math.abs(x[a] - box.max[a]) < 1e-5) axis = a;
        const ray = [x[0] - pose[3], x[1] - pose[7], x[2] - pose[11]];
        const grazing = Math.abs(ray[axis]) / Math.hypot(ray[0], ray[1], ray[2]) < 0.1;
        if (hidden || neighbour || grazing) explained++;
      }
    });
    expect(visible).toBeGreaterThan(1e6);
    expect(onSurface / visible).toBeGreaterThan(0.99);
    // Measured: 13 of 1.56M points (silhouette corners against a wall) fit none of (a)-(c).
    expect((onSurface + explained) / visible).toBeGreaterThan(0.9999);
  });

  it('samples a few hundred thousand points on a 2 cm grid, each labelled with an existing instance', () => {
    const n = scene.points!.length / 3;
    expect(scene.pointInstances).toHaveLength(n);
    expect(n).toBeGreaterThan(1e5);
    expect(n).toBeLessThan(1e6);
    const ids = new Set(scene.instances!.map((i) => i.id));
    const counts = new Map<number, number>();
    for (const id of scene.pointInstances!) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of counts.keys()) expect(ids.has(id)).toBe(true);
    for (const id of ids) expect(counts.get(id) ?? 0).toBeGreaterThan(0);
    // The floor's share is its area minus the furniture footprints, at (2 cm)^2 per point.
    const [X, Y] = room();
    const footprint = scene.instances!.filter((i) => !i.structural && i.box.min[2] === 0)
      .reduce((s, i) => s + (i.box.max[0] - i.box.min[0]) * (i.box.max[1] - i.box.min[1]), 0);
    expect(counts.get(STRUCTURAL_IDS.floor)! * 0.02 * 0.02).toBeCloseTo(X * Y - footprint, 0);
  });

  it('spans the overlap range: consecutive frames overlap strongly, distant ones hardly', () => {
    const m = overlapMatrix(sets);
    const M = scene.frames.length;
    let min = 1, max = 0;
    const histogram = new Array(10).fill(0);
    for (let i = 0; i < M; i++)
      for (let j = i + 1; j < M; j++) {
        min = Math.min(min, m[i * M + j]);
        max = Math.max(max, m[i * M + j]);
        histogram[Math.min(9, Math.floor(m[i * M + j] * 10))]++;
      }
    for (let i = 1; i < M; i++) expect(m[(i - 1) * M + i]).toBeGreaterThan(0.5);
    expect(min).toBeLessThan(0.05);
    expect(max).toBeGreaterThan(0.9);
    // Every tenth of the range holds some pairs (measured for seed 0: 565 275 385 164 90 74 67 68 61 21).
    expect(histogram.every((c) => c > 0)).toBe(true);
  });
});

describe('synthesizeScene: colour, determinism, options', () => {
  const small = { frames: 8, width: 64, height: 48 } as const;

  it('renders shaded colour images that are not flat', () => {
    const s = synthesizeScene({ seed: 3, ...small });
    for (const f of s.frames) {
      expect(f.color!.channels).toBe(3);
      expect(f.color!.data).toHaveLength(3 * 64 * 48);
      expect(new Set(f.color!.data).size).toBeGreaterThan(20);
      // Inside the room every pixel sees a lit surface: no black pixel.
      for (let p = 0; p < 64 * 48; p++) expect(f.color!.data[3 * p] + f.color!.data[3 * p + 1] + f.color!.data[3 * p + 2]).toBeGreaterThan(0);
    }
  });

  it('is deterministic: the same options give the same bytes, on any thread count', () => {
    const a = synthesizeScene({ seed: 11, ...small });
    const threads = info().threads;
    configure({ threads: 1 });
    let b: Scene;
    try {
      b = synthesizeScene({ seed: 11, ...small });
    } finally {
      configure({ threads });
    }
    expect(Buffer.from(a.points!.buffer).equals(Buffer.from(b.points!.buffer))).toBe(true);
    expect(Buffer.from(a.pointInstances!.buffer).equals(Buffer.from(b.pointInstances!.buffer))).toBe(true);
    expect(b.instances).toEqual(a.instances);
    a.frames.forEach((f, k) => {
      const g = b.frames[k];
      expect(Buffer.from(g.pose.buffer).equals(Buffer.from(f.pose.buffer))).toBe(true);
      expect(Buffer.from(g.depth!.data.buffer).equals(Buffer.from(f.depth!.data.buffer))).toBe(true);
      expect(Buffer.from(g.instanceIds!.buffer).equals(Buffer.from(f.instanceIds!.buffer))).toBe(true);
      expect(Buffer.from(g.color!.data.buffer).equals(Buffer.from(f.color!.data.buffer))).toBe(true);
    });
  });

  it('differs between seeds, and a string seed works', () => {
    const a = synthesizeScene({ seed: 11, ...small });
    const b = synthesizeScene({ seed: 12, ...small });
    const c = synthesizeScene({ seed: 'kitchen', ...small });
    expect(Buffer.from(a.points!.buffer).equals(Buffer.from(b.points!.buffer))).toBe(false);
    expect(Buffer.from(a.frames[0].depth!.data.buffer).equals(Buffer.from(b.frames[0].depth!.data.buffer))).toBe(false);
    expect(c.id).toBe('synthetic-kitchen');
    expect(c.instances).not.toEqual(a.instances);
  });

  it('scales the intrinsics with the image width (pixel-centre convention)', () => {
    const s = synthesizeScene({ seed: 1, frames: 1, width: 320, height: 240, color: false });
    expect(s.frames[0].intrinsics).toEqual({ fx: 262.5, fy: 262.5, cx: 159.5, cy: 119.5, width: 320, height: 240 });
  });

  it('honours objects, pointSpacing, frames = 1 and id', () => {
    const empty = synthesizeScene({ seed: 2, frames: 1, width: 32, height: 24, objects: 0, pointSpacing: 0.1, id: 'empty' });
    expect(empty.id).toBe('empty');
    expect(empty.frames).toHaveLength(1);
    expect(empty.instances!.every((i) => i.structural)).toBe(true);
    // Bare room at 10 cm: floor + ceiling + walls, area / 0.01 points (each side rounded to cells).
    const [X, Y, Z] = empty.instances![1].box.max;
    const cells = (a: number, b: number) => Math.round(a / 0.1) * Math.round(b / 0.1);
    expect(empty.points!.length / 3).toBe(2 * cells(X, Y) + 2 * cells(Y, Z) + 2 * cells(X, Z));
    const fine = synthesizeScene({ seed: 2, frames: 1, width: 8, height: 6, objects: 0, pointSpacing: 0.05, color: false });
    expect(fine.points!.length / 3).toBe(2 * (Math.round(X / 0.05) * Math.round(Y / 0.05) + Math.round(Y / 0.05) * Math.round(Z / 0.05) + Math.round(X / 0.05) * Math.round(Z / 0.05)));
  });

  it.each([
    [{ frames: 0 }, 'ERR_SPATIAL_SHAPE', /opts\.frames must be an integer in \[1, 100000\] \(got 0\)/],
    [{ frames: 2.5 }, 'ERR_SPATIAL_SHAPE', /opts\.frames/],
    [{ width: '640' }, 'ERR_SPATIAL_TYPE', /Expected an integer for opts\.width but received the string "640"/],
    [{ pointSpacing: 0.001 }, 'ERR_SPATIAL_SHAPE', /opts\.pointSpacing must be in \[0\.005, 1\]/],
    [{ objects: 31 }, 'ERR_SPATIAL_SHAPE', /opts\.objects/],
    [{ seed: {} }, 'ERR_SPATIAL_TYPE', /opts\.seed/],
    [{ seed: NaN }, 'ERR_SPATIAL_SHAPE', /opts\.seed must be finite/],
    [{ color: 1 }, 'ERR_SPATIAL_TYPE', /Expected a boolean for opts\.color/],
  ] as const)('rejects %j', (opts, code, message) => {
    expect(() => synthesizeScene(opts as never)).toThrow(message);
    try {
      synthesizeScene(opts as never);
    } catch (e) {
      expect((e as { code: string }).code).toBe(code);
    }
  });

  it('builds poses from yaw, pitch and roll in a z-up world (OpenCV axes)', () => {
    // Yaw 0: looking along +x; camera x (right) = -y world, camera y (down) = -z world.
    expect(Array.from(poseFromYawPitchRoll([1, 2, 1.5], 0, 0, 0))).toEqual([0, 0, 1, 1, -1, 0, 0, 2, 0, -1, 0, 1.5, 0, 0, 0, 1]);
    // Yaw 90 degrees, pitch -30 degrees: looking along +y and down, optical axis (0, cos 30, -sin 30).
    const p = poseFromYawPitchRoll([0, 0, 0], Math.PI / 2, -Math.PI / 6, 0.05);
    expect([p[2], p[6], p[10]].map((v) => Number(v.toFixed(12)))).toEqual([0, Number(Math.cos(Math.PI / 6).toFixed(12)), -0.5]);
    expect(() => checkPose(p)).not.toThrow();
    expect(boxesIntersect({ min: [0, 0, 0], max: [1, 1, 1] }, { min: [1, 0, 0], max: [2, 1, 1] })).toBe(false);
    expect(boxesIntersect({ min: [0, 0, 0], max: [1, 1, 1] }, { min: [0.9, 0.5, 0.5], max: [2, 1, 1] })).toBe(true);
  });

  it('rejects a non-object options argument', () => {
    expect(() => synthesizeScene(5 as never)).toThrow(/Expected an options object for opts but received the number 5/);
  });
});
