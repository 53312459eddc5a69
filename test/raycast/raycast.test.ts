// The box ray caster: native == reference on random scenes and cameras (fast-check), hand-computed
// depths (z, not range), occlusion, instance ids, colour, output buffers, and bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import { native as binding } from '../../lib/native.js';
import * as reference from '../../lib/reference/index.js';
import type { RaycastBox, RaycastScene } from '../../lib/ops/raycast/native.js';
import { camera, intrinsics, lookAt, poseFromAxisAngle } from '../helpers/cameras.js';
import { backends } from '../helpers/backends.js';

// Room [0, 4] x [0, 3] x [0, 2.5] with the synthetic scene's face ids (-x, +x, -y, +y, floor, ceiling).
const ROOM = { min: [0, 0, 0], max: [4, 3, 2.5], faceIds: [3, 4, 5, 6, 1, 2] } as RaycastScene['room'];
const PALETTE = Uint8Array.from({ length: 3 * 16 }, (_, k) => (k * 53 + 20) % 256);

describe.each(backends)('%s raycastBoxes, hand-computed', (_name, b) => {
  // Camera at (1, 1.5, 1.25) looking along +x (z up): the +x wall is 3 m ahead. Odd image size:
  // the principal point (cx, cy) = (2, 2) is a pixel centre.
  const k = intrinsics(4, 4, 2, 2, 5, 5);
  const cam = camera(k, lookAt([1, 1.5, 1.25], [2, 1.5, 1.25]));

  it('sees the wall at its distance at the principal point', () => {
    const r = b.raycastBoxes({ boxes: [], room: ROOM }, cam);
    expect(r.depth.data[2 * 5 + 2]).toBe(3);
    expect(r.instanceIds[2 * 5 + 2]).toBe(4);
    expect(r.color).toBeUndefined();
  });

  it('stores depth as camera z, not range, off the axis', () => {
    const r = b.raycastBoxes({ boxes: [], room: ROOM }, cam);
    // Pixel (col 4, row 2): camera ray (0.5, 0, 1) meets the wall plane 3 m ahead at range
    // 3 * sqrt(1.25) = 3.354; its z is 3.
    expect(r.depth.data[2 * 5 + 4]).toBe(3);
    // Pixel (col 2, row 4): ray (0, 0.5, 1) falls 0.5 m per metre: floor (id 1) at z = 1.25 / 0.5.
    expect(r.depth.data[4 * 5 + 2]).toBe(2.5);
    expect(r.instanceIds[4 * 5 + 2]).toBe(1);
    // Pixel (col 2, row 0): the ceiling (id 2), 1.25 m above, at z = 2.5.
    expect(r.depth.data[0 * 5 + 2]).toBe(2.5);
    expect(r.instanceIds[0 * 5 + 2]).toBe(2);
  });

  it('lets a box hide the wall behind it', () => {
    const box: RaycastBox = { min: [2.2, 1, 0], max: [2.6, 2, 1.5], id: 9 };
    const r = b.raycastBoxes({ boxes: [box], room: ROOM }, cam);
    expect(r.depth.data[2 * 5 + 2]).toBeCloseTo(1.2, 6);
    expect(r.instanceIds[2 * 5 + 2]).toBe(9);
    // Row 0 rises 0.5 m per metre: 1.85 m high at the box front, above its top (1.5): ceiling.
    expect(r.instanceIds[0 * 5 + 2]).toBe(2);
  });

  it('returns depth 0, id 0 and black where nothing is hit', () => {
    const behind: RaycastBox = { min: [-3, 1, 1], max: [-2, 2, 2], id: 5 };
    const r = b.raycastBoxes({ boxes: [behind], palette: PALETTE }, cam);
    expect(r.depth.data.every((d) => d === 0)).toBe(true);
    expect(r.instanceIds.every((id) => id === 0)).toBe(true);
    expect(r.color!.data.every((c) => c === 0)).toBe(true);
  });

  it('renders colour by default with a palette, shaded per face, into caller buffers', () => {
    const out = { depth: new Float32Array(25), instanceIds: new Uint16Array(25), color: new Uint8Array(75) };
    const r = b.raycastBoxes({ boxes: [], room: ROOM, palette: PALETTE }, cam, { out });
    expect(r.depth.data).toBe(out.depth);
    expect(r.instanceIds).toBe(out.instanceIds);
    expect(r.color!.data).toBe(out.color);
    expect(r.color!.channels).toBe(3);
    // Wall pixel: palette[4] x Lambert of a face looking along -x (0.5 + 0.2 * 0.25 = 0.55) x texture
    // factors in [0.9, 1) x [0.94, 1): the shaded value lies in that band.
    const p = 2 * 5 + 2;
    for (let c = 0; c < 3; c++) {
      const base = PALETTE[3 * 4 + c];
      expect(out.color[3 * p + c]).toBeGreaterThanOrEqual(Math.floor(base * 0.55 * 0.9 * 0.94));
      expect(out.color[3 * p + c]).toBeLessThanOrEqual(Math.ceil(base * 0.55));
    }
    expect(b.raycastBoxes({ boxes: [], room: ROOM, palette: PALETTE }, cam, { color: false }).color).toBeUndefined();
  });
});

describe.each(backends)('%s raycastBoxes, bad input', (_name, b) => {
  const cam = camera(intrinsics(4, 4, 2, 2, 5, 5), lookAt([1, 1.5, 1.25], [2, 1.5, 1.25]));
  const cases: [string, () => unknown, string, RegExp][] = [
    ['scene not an object', () => b.raycastBoxes(null as never, cam), 'ERR_SPATIAL_TYPE', /Expected a RaycastScene/],
    ['boxes not an array', () => b.raycastBoxes({ boxes: 3 } as never, cam), 'ERR_SPATIAL_TYPE', /scene\.boxes/],
    ['min > max', () => b.raycastBoxes({ boxes: [{ min: [0, 0, 2], max: [1, 1, 1], id: 1 }] }, cam), 'ERR_SPATIAL_SHAPE', /scene\.boxes\[0\]\.min must be <= max.*axis 2/],
    ['non-finite box', () => b.raycastBoxes({ boxes: [{ min: [0, NaN, 0], max: [1, 1, 1], id: 1 }] }, cam), 'ERR_SPATIAL_SHAPE', /scene\.boxes\[0\]\.min must be finite/],
    ['id out of range', () => b.raycastBoxes({ boxes: [{ min: [0, 0, 0], max: [1, 1, 1], id: 70000 }] }, cam), 'ERR_SPATIAL_SHAPE', /id must be an integer in \[0, 65535\]/],
    ['flat room', () => b.raycastBoxes({ boxes: [], room: { ...ROOM!, max: [4, 3, 0] } }, cam), 'ERR_SPATIAL_SHAPE', /scene\.room\.min must be < max/],
    ['five face ids', () => b.raycastBoxes({ boxes: [], room: { ...ROOM!, faceIds: [1, 2, 3, 4, 5] as never } }, cam), 'ERR_SPATIAL_TYPE', /faceIds/],
    ['colour without palette', () => b.raycastBoxes({ boxes: [], room: ROOM }, cam, { color: true }), 'ERR_SPATIAL_SHAPE', /palette must hold an RGB colour for every instance id up to 6/],
    ['short palette', () => b.raycastBoxes({ boxes: [], room: ROOM, palette: new Uint8Array(9) }, cam), 'ERR_SPATIAL_SHAPE', /up to 6 \(21 bytes; got 9\)/],
    ['palette wrong type', () => b.raycastBoxes({ boxes: [], palette: [1, 2, 3] as never }, cam), 'ERR_SPATIAL_TYPE', /Uint8Array for scene\.palette/],
    ['out.depth wrong length', () => b.raycastBoxes({ boxes: [] }, cam, { out: { depth: new Float32Array(24) } }), 'ERR_SPATIAL_SHAPE', /opts\.out\.depth\.length must be 25/],
    ['out.instanceIds wrong type', () => b.raycastBoxes({ boxes: [] }, cam, { out: { instanceIds: new Uint32Array(25) as never } }), 'ERR_SPATIAL_TYPE', /Uint16Array for opts\.out\.instanceIds/],
    ['non-rigid pose', () => b.raycastBoxes({ boxes: [] }, { intrinsics: cam.intrinsics, pose: new Float64Array(16) }), 'ERR_SPATIAL_POSE', /camera\.pose/],
  ];
  it.each(cases)('%s', (_case, fn, code, message) => {
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (e) {
      expect((e as { code: string }).code).toBe(code);
    }
  });
});

describe('raw raycastBoxes binding', () => {
  it('validates its own arguments instead of crashing', () => {
    const cam = native.PACKED_CAMERA_LENGTH;
    const packed = new Float64Array(cam);
    packed.set([4, 4, 2, 2, 5, 5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const raw = binding();
    const call = (...args: unknown[]) => () => (raw.raycastBoxes as (...a: unknown[]) => void)(...args);
    const ok = [new Float64Array(6), new Uint16Array(1), new Float64Array(0), new Uint16Array(0), new Uint8Array(0), packed, new Float32Array(25), new Uint16Array(25)];
    expect(call(...ok)).not.toThrow();
    expect(call(new Float64Array(5), ...ok.slice(1))).toThrow(/boxes\.length must be a multiple of 6/);
    expect(call(ok[0], new Uint32Array(1), ...ok.slice(2))).toThrow(/Expected a Uint16Array for ids/);
    expect(call(...ok.slice(0, 6), new Float32Array(3), ok[7])).toThrow(/out\.depth\.length must be width\*height = 25/);
    expect(call(...ok, new Uint8Array(75))).toThrow(/palette must hold an RGB colour/);
    expect(call(...ok.slice(0, 2), new Float64Array(6), new Uint16Array(6), ...ok.slice(4))).toThrow(/room min must be < max/);
    expect(call(...ok.slice(0, 4))).toThrow(/raycastBoxes expects 8 arguments/);
  });
});

// Random scenes on a coarse grid (multiples of 0.25 m) so that rays often graze edges and hit faces
// at exactly equal parameters, and cameras that are sometimes axis-aligned (ray components exactly
// 0): the cases where an implementation that rounded differently would disagree.
const coord = fc.integer({ min: -12, max: 12 }).map((v) => v / 4);
const boxArb = fc.tuple(coord, coord, coord, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 15 }))
  .map(([x, y, z, w, d, h, id]): RaycastBox => ({ min: [x, y, z], max: [x + w / 4, y + d / 4, z + h / 4], id }));
// Twins share the min corner (so coplanar faces) with other extents and ids: rays hit both at
// exactly the same parameter, and the tie rule (the box listed first wins) decides the id.
const boxesArb = fc.array(fc.tuple(boxArb, fc.option(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 15 })), { nil: undefined })), { maxLength: 5 })
  .map((pairs) => pairs.flatMap(([box, twin]) => (twin ? [box, { min: box.min, max: [box.min[0] + twin[0] / 4, box.min[1] + twin[1] / 4, box.min[2] + twin[2] / 4], id: twin[3] } as RaycastBox] : [box])));
const roomArb = fc.option(
  fc.tuple(coord, coord, coord, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }))
    .map(([x, y, z, w, d, h]) => ({ min: [x - 2, y - 2, z - 2], max: [x + w / 2, y + d / 2, z + h / 2], faceIds: [1, 2, 3, 4, 5, 6] }) as NonNullable<RaycastScene['room']>),
  { nil: undefined },
);
const cameraArb = fc.record({
  eye: fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })),
  snapEye: fc.boolean(),
  axis: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 1, noNaN: true })),
  angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
  axisAligned: fc.integer({ min: 0, max: 5 }),
  alignedOnly: fc.boolean(),
  width: fc.integer({ min: 1, max: 20 }),
  height: fc.integer({ min: 1, max: 16 }),
  f: fc.double({ min: 2, max: 40, noNaN: true }),
  cx: fc.double({ min: -2, max: 20, noNaN: true }),
  cy: fc.double({ min: -2, max: 16, noNaN: true }),
});
// The six axis-aligned viewing directions (exact rotations: ray components are exactly 0).
const ALIGNED: [[number, number, number], number][] = [[[1, 0, 0], 0], [[0, 1, 0], Math.PI / 2], [[0, 1, 0], -Math.PI / 2], [[1, 0, 0], Math.PI / 2], [[1, 0, 0], -Math.PI / 2], [[0, 1, 0], Math.PI]];

describe('raycastBoxes native == reference', () => {
  it('agrees bit for bit on random scenes and cameras (fast-check)', () => {
    // Tolerance: none. Both evaluate the same IEEE double operations in the same order (the core is
    // built with -ffp-contract=off and no -ffast-math, min/max are the same ternaries), so depth,
    // ids and colour are identical, edges and exact ties included (the grid scenes force both).
    fc.assert(
      fc.property(boxesArb, roomArb, cameraArb, (boxes, room, c) => {
        let pose = poseFromAxisAngle(c.axis, c.angle, c.eye);
        if (c.alignedOnly) {
          const [axis, angle] = ALIGNED[c.axisAligned];
          pose = poseFromAxisAngle(axis, angle, c.snapEye ? [Math.round(c.eye[0] * 4) / 4, Math.round(c.eye[1] * 4) / 4, Math.round(c.eye[2] * 4) / 4] : c.eye);
          // Round the rotation to exact 0 / +-1 entries.
          for (const k of [0, 1, 2, 4, 5, 6, 8, 9, 10]) pose[k] = Math.round(pose[k]);
        }
        const cam = camera(intrinsics(c.f, c.f, c.cx, c.cy, c.width, c.height), pose);
        const scene: RaycastScene = { boxes, room, palette: PALETTE };
        const n = native.raycastBoxes(scene, cam);
        const r = reference.raycastBoxes(scene, cam);
        expect(Buffer.from(n.depth.data.buffer).equals(Buffer.from(r.depth.data.buffer))).toBe(true);
        expect(Array.from(n.instanceIds)).toEqual(Array.from(r.instanceIds));
        expect(Array.from(n.color!.data)).toEqual(Array.from(r.color!.data));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('agrees on a 64x48 view of a furnished room with multiple threads', () => {
    native.configure({ parallelThreshold: 0 });
    try {
      const boxes: RaycastBox[] = [
        { min: [0.5, 0.5, 0], max: [1.5, 1.2, 0.75], id: 7 },
        { min: [0.8, 0.6, 0.75], max: [1.1, 0.9, 1.1], id: 8 },
        { min: [3.4, 0, 0], max: [4, 1, 1.9], id: 9 },
      ];
      const cam = camera(intrinsics(52.5, 52.5, 31.5, 23.5, 64, 48), lookAt([2.5, 2.2, 1.5], [1, 0.8, 0.6]));
      const scene = { boxes, room: ROOM, palette: PALETTE };
      const n = native.raycastBoxes(scene, cam);
      const r = reference.raycastBoxes(scene, cam);
      expect(Buffer.from(n.depth.data.buffer).equals(Buffer.from(r.depth.data.buffer))).toBe(true);
      expect(Buffer.from(n.instanceIds.buffer).equals(Buffer.from(r.instanceIds.buffer))).toBe(true);
      expect(Buffer.from(n.color!.data.buffer).equals(Buffer.from(r.color!.data.buffer))).toBe(true);
      // Looking down towards the table (7) with the box (8) on it, over the floor (1).
      for (const id of [1, 7, 8]) expect(n.instanceIds.includes(id)).toBe(true);
      expect(n.instanceIds.includes(0)).toBe(false);
    } finally {
      native.configure({ parallelThreshold: 1 << 20 });
    }
  });
});
