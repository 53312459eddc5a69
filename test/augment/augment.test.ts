// Camera augmentation of views: hand-computed intrinsics and pixels for each op, the naive-resize
// counterexample, inputs untouched, random augmentation + exact replay, native == reference on
// op sequences, and bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nat from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import type { AugmentOp } from '../../lib/ops/augment/native.js';
import type { View } from '../../lib/types.js';
import { IDENTITY, intrinsics, poseFromAxisAngle } from '../helpers/cameras.js';
import { backends } from '../helpers/backends.js';
import { expectCode } from '../helpers/errors.js';

/** A 2x2 view: grey image [0 100; 200 40], depth [1 NaN; 0 4], ids [1 2; 3 4], principal point at the centre. */
function tinyView(): View {
  return {
    intrinsics: intrinsics(2, 2, 0.5, 0.5, 2, 2),
    image: { width: 2, height: 2, channels: 1, data: Uint8Array.of(0, 100, 200, 40) },
    depth: { width: 2, height: 2, data: Float32Array.of(1, NaN, 0, 4) },
    instanceIds: { width: 2, height: 2, data: Uint16Array.of(1, 2, 3, 4) },
    pose: poseFromAxisAngle([0, 1, 0], 0.3, [1, 2, 3]),
  };
}

/** A W x H RGB view with a recognisable pattern, depth = 1 + col/100 + row, ids = row*W + col. */
function patternView(W: number, H: number, k = intrinsics(100, 90, (W - 1) / 2, (H - 1) / 2, W, H)): View {
  return {
    intrinsics: k,
    image: { width: W, height: H, channels: 3, data: Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 37 + 11) & 255) },
    depth: { width: W, height: H, data: Float32Array.from({ length: W * H }, (_, i) => 1 + (i % W) / 100 + Math.floor(i / W)) },
    instanceIds: { width: W, height: H, data: Uint16Array.from({ length: W * H }, (_, i) => i) },
    pose: IDENTITY,
  };
}

function snapshot(v: View) {
  return JSON.stringify({
    k: v.intrinsics, image: v.image && Array.from(v.image.data), depth: v.depth && Array.from(v.depth.data, String),
    ids: v.instanceIds && Array.from(v.instanceIds.data), pose: v.pose && Array.from(v.pose),
  });
}

function bytesOf(v: View): Buffer {
  return Buffer.concat([
    Buffer.from(JSON.stringify(v.intrinsics)),
    Buffer.from(v.image!.data.buffer, v.image!.data.byteOffset, v.image!.data.byteLength),
    Buffer.from(v.depth!.data.buffer, v.depth!.data.byteOffset, v.depth!.data.byteLength),
    Buffer.from(v.instanceIds!.data.buffer, v.instanceIds!.data.byteOffset, v.instanceIds!.data.byteLength),
  ]);
}

describe.each(backends)('%s view ops: hand-computed', (_name, lib) => {
  it('resizes a 2x2 view 2x: cx 0.5 -> 1.5, fx x2, colour bilinear, depth and ids nearest', () => {
    const out = lib.resizeView(tinyView(), { scale: 2 });
    expect(out.intrinsics).toEqual({ fx: 4, fy: 4, cx: 1.5, cy: 1.5, width: 4, height: 4 });
    expect(Array.from(out.image!.data)).toEqual([0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40]);
    expect(Array.from(out.depth!.data)).toEqual([1, 1, NaN, NaN, 1, 1, NaN, NaN, 0, 0, 4, 4, 0, 0, 4, 4]);
    expect(Array.from(out.instanceIds!.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    expect(Array.from(out.pose!)).toEqual(Array.from(tinyView().pose!));
  });

  it('the naive cx\' = s*cx is wrong: the image centre must stay the image centre', () => {
    // The 2x2 image's centre is u = 0.5 (between the pixel centres 0 and 1). The resize pixel map
    // u' = 2*(u + 0.5) - 0.5 sends it to 1.5, the centre of the 4x4 image. A ray through the old
    // principal point must land there: cx' = 1.5. The naive rule gives 2*0.5 = 1.0, off by (s-1)/2 = 0.5 px.
    const out = lib.resizeView(tinyView(), { width: 4, height: 4 });
    const mappedCentre = 2 * (0.5 + 0.5) - 0.5;
    expect(out.intrinsics.cx).toBe(mappedCentre);
    const naiveCx = 2 * tinyView().intrinsics.cx;
    expect(Math.abs(naiveCx - mappedCentre)).toBe(0.5);
    expect(out.intrinsics.cx).not.toBe(naiveCx);
  });

  it('{ scale } rounds the size and uses the exact ratio W\'/W for the intrinsics', () => {
    const v = patternView(5, 3, intrinsics(10, 10, 2, 1, 5, 3));
    const out = lib.resizeView(v, { scale: 0.5 });
    // round(2.5) = 3, round(1.5) = 2 -> sx = 3/5, sy = 2/3.
    expect([out.intrinsics.width, out.intrinsics.height]).toEqual([3, 2]);
    expect(out.intrinsics.fx).toBeCloseTo(6, 12);
    expect(out.intrinsics.fy).toBeCloseTo(20 / 3, 12);
    expect(out.intrinsics.cx).toBeCloseTo(0.6 * 2.5 - 0.5, 12);
    expect(out.intrinsics.cy).toBeCloseTo((2 / 3) * 1.5 - 0.5, 12);
  });

  it('crops with cx\' = cx - x and pads a box that reaches past the image', () => {
    const v = patternView(4, 3);
    const out = lib.cropView(v, { x: 1, y: -1, width: 2, height: 3, fill: [7, 8, 9] });
    expect(out.intrinsics).toEqual({ ...v.intrinsics, cx: v.intrinsics.cx - 1, cy: v.intrinsics.cy + 1, width: 2, height: 3 });
    // Row 0 of the box is row -1 of the image: fill / depth 0 / id 0. Rows 1-2 are image rows 0-1, columns 1-2.
    expect(Array.from(out.image!.data.subarray(0, 6))).toEqual([7, 8, 9, 7, 8, 9]);
    expect(Array.from(out.image!.data.subarray(6, 12))).toEqual(Array.from(v.image!.data.subarray(3, 9)));
    expect(Array.from(out.image!.data.subarray(12, 18))).toEqual(Array.from(v.image!.data.subarray(15, 21)));
    expect(Array.from(out.depth!.data)).toEqual([0, 0, v.depth!.data[1], v.depth!.data[2], v.depth!.data[5], v.depth!.data[6]]);
    expect(Array.from(out.instanceIds!.data)).toEqual([0, 0, 1, 2, 5, 6]);
  });

  it('pads with cx\' = cx + left, fill colour, depth 0 and id 0', () => {
    const v = patternView(2, 2);
    const out = lib.padView(v, { left: 1, bottom: 1, fill: 200 });
    expect(out.intrinsics).toEqual({ ...v.intrinsics, cx: v.intrinsics.cx + 1, width: 3, height: 3 });
    expect(Array.from(out.depth!.data)).toEqual([0, v.depth!.data[0], v.depth!.data[1], 0, v.depth!.data[2], v.depth!.data[3], 0, 0, 0]);
    expect(Array.from(out.image!.data.subarray(0, 3))).toEqual([200, 200, 200]);
    expect(Array.from(out.image!.data.subarray(3, 6))).toEqual(Array.from(v.image!.data.subarray(0, 3)));
    expect(Array.from(out.instanceIds!.data)).toEqual([0, 0, 1, 0, 2, 3, 0, 0, 0]);
  });

  it('shifts the principal point by whole pixels exactly', () => {
    const v = patternView(4, 3);
    const out = lib.shiftPrincipalPoint(v, 2, -1);
    expect(out.intrinsics).toEqual({ ...v.intrinsics, cx: v.intrinsics.cx + 2, cy: v.intrinsics.cy - 1 });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) {
        const si = i + 1, sj = j - 2; // source of (i, j)
        const inside = si < 3 && sj >= 0;
        expect(out.depth!.data[i * 4 + j]).toBe(inside ? v.depth!.data[si * 4 + sj] : 0);
        expect(out.instanceIds!.data[i * 4 + j]).toBe(inside ? v.instanceIds!.data[si * 4 + sj] : 0);
        for (let c = 0; c < 3; c++) expect(out.image!.data[(i * 4 + j) * 3 + c]).toBe(inside ? v.image!.data[(si * 4 + sj) * 3 + c] : 0);
      }
  });

  it('shifts by a fraction: colour blends neighbours, depth takes the nearest source pixel', () => {
    const v: View = {
      intrinsics: intrinsics(10, 10, 1, 0, 3, 1),
      image: { width: 3, height: 1, channels: 1, data: Uint8Array.of(10, 20, 30) },
      depth: { width: 3, height: 1, data: Float32Array.of(1, 2, 3) },
    };
    const out = lib.shiftPrincipalPoint(v, 0.25, 0);
    expect(out.intrinsics.cx).toBe(1.25);
    // Source u = j - 0.25: -0.25 (clamped to pixel 0), 0.75, 1.75 -> 10, 17.5 -> 18, 27.5 -> 28.
    expect(Array.from(out.image!.data)).toEqual([10, 18, 28]);
    // Nearest floor(u + 0.5): 0, 1, 2 -> depth unchanged at this shift.
    expect(Array.from(out.depth!.data)).toEqual([1, 2, 3]);
    const more = lib.shiftPrincipalPoint(v, 0.75, 0);
    // Source u = j - 0.75: -0.75 is off the image (fill 0), 0.25 -> nearest 0, 1.25 -> nearest 1.
    expect(Array.from(more.depth!.data)).toEqual([0, 1, 2]);
    expect(Array.from(more.image!.data)).toEqual([0, 13, 23]);
  });

  it('returns a new view with fresh arrays and leaves the input untouched', () => {
    const v = tinyView();
    const before = snapshot(v);
    for (const out of [
      lib.resizeView(v, { scale: 1 }), lib.cropView(v, { x: 0, y: 0, width: 2, height: 2 }), lib.padView(v, {}),
      lib.shiftPrincipalPoint(v, 0, 0), lib.applyAugmentOps(v, []), lib.randomCameraAugment(v, nat.createRng(1)).view,
    ]) {
      expect(out).not.toBe(v);
      expect(out.image!.data).not.toBe(v.image!.data);
      expect(out.image!.data.buffer).not.toBe(v.image!.data.buffer);
      expect(out.depth!.data.buffer).not.toBe(v.depth!.data.buffer);
      expect(out.instanceIds!.data.buffer).not.toBe(v.instanceIds!.data.buffer);
      expect(out.pose).not.toBe(v.pose);
      expect(out.intrinsics).not.toBe(v.intrinsics);
    }
    // Identity ops copy the content exactly.
    expect(snapshot(lib.applyAugmentOps(v, []))).toBe(before);
    expect(snapshot(lib.shiftPrincipalPoint(v, 0, 0))).toBe(before);
    expect(snapshot(v)).toBe(before);
  });

  it('transforms views with only some layers, and intrinsics-only views', () => {
    const k = intrinsics(50, 50, 10, 8, 20, 16);
    const only = lib.padView({ intrinsics: k }, { left: 3 });
    expect(only).toEqual({ intrinsics: { ...k, cx: 13, width: 23 } });
    const depthOnly = lib.resizeView({ intrinsics: k, depth: { width: 20, height: 16, data: new Float32Array(320).fill(2) } }, { width: 10, height: 8 });
    expect(depthOnly.image).toBeUndefined();
    expect(depthOnly.depth!.data.every((d) => d === 2)).toBe(true);
  });

  it('augmentIntrinsics and opPixelMap agree with the ops applied to a view', () => {
    const v = patternView(9, 7);
    const ops: AugmentOp[] = [
      { op: 'resize', width: 13, height: 5 }, { op: 'crop', x: -2, y: 1, width: 10, height: 4 },
      { op: 'pad', left: 1, top: 0, right: 2, bottom: 3 }, { op: 'shift', dx: 0.5, dy: -1.25 },
    ];
    const out = lib.applyAugmentOps(v, ops);
    expect(lib.augmentIntrinsics(v.intrinsics, ops)).toEqual(out.intrinsics);
    // The pixel map sends the old principal point to the new one (a ray is a ray).
    let u = v.intrinsics.cx, w = v.intrinsics.width, h = v.intrinsics.height;
    for (const op of ops) {
      const m = lib.opPixelMap(op, w, h);
      u = m.x.scale * u + m.x.offset;
      [w, h] = [m.width, m.height];
    }
    expect(u).toBeCloseTo(out.intrinsics.cx, 12);
    expect([w, h]).toEqual([out.intrinsics.width, out.intrinsics.height]);
  });
});

describe.each(backends)('%s randomCameraAugment', (_name, lib) => {
  const v = patternView(40, 30);

  it('is deterministic for a seed and replays exactly, also through JSON', () => {
    for (let seed = 0; seed < 20; seed++) {
      const a = lib.randomCameraAugment(v, nat.createRng(seed), { scale: [0.5, 1.5], shift: [-0.2, 0.2], integerShift: seed % 2 === 0 });
      const b = lib.randomCameraAugment(v, nat.createRng(seed), { scale: [0.5, 1.5], shift: [-0.2, 0.2], integerShift: seed % 2 === 0 });
      expect(b.ops).toEqual(a.ops);
      expect(bytesOf(b.view).equals(bytesOf(a.view))).toBe(true);
      const replayed = lib.applyAugmentOps(v, a.ops);
      expect(bytesOf(replayed).equals(bytesOf(a.view))).toBe(true);
      const fromJson = lib.applyAugmentOps(v, JSON.parse(JSON.stringify(a.ops)));
      expect(bytesOf(fromJson).equals(bytesOf(a.view))).toBe(true);
    }
  });

  it('draws scale then dx then dy from the rng, in the documented units', () => {
    const draws = nat.createRng(5);
    const s = draws.uniform(0.8, 1.2), dx = draws.uniform(-0.05, 0.05), dy = draws.uniform(-0.05, 0.05);
    const { ops } = lib.randomCameraAugment(v, nat.createRng(5));
    const W = Math.round(40 * s), H = Math.round(30 * s);
    const expected: AugmentOp[] = [];
    if (W !== 40 || H !== 30) expected.push({ op: 'resize', width: W, height: H });
    const sx = Math.round(dx * W) + 0, sy = Math.round(dy * H) + 0;
    if (sx !== 0 || sy !== 0) expected.push({ op: 'shift', dx: sx, dy: sy });
    expect(ops).toEqual(expected);
    // Pixels as the shift unit, no rounding.
    const px = lib.randomCameraAugment(v, nat.createRng(9), { scale: [1, 1], shift: [2.5, 2.5], shiftUnit: 'pixels', integerShift: false });
    expect(px.ops).toEqual([{ op: 'shift', dx: 2.5, dy: 2.5 }]);
    expect(px.view.intrinsics.cx).toBe(v.intrinsics.cx + 2.5);
  });

  it('keepSize crops or pads back to the input size about the centre (a zoom)', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { view, ops } = lib.randomCameraAugment(v, nat.createRng(seed), { scale: [0.6, 1.6], shift: [0, 0], keepSize: true, fill: [1, 2, 3] });
      expect([view.intrinsics.width, view.intrinsics.height]).toEqual([40, 30]);
      if (ops.length) {
        expect(ops.map((o) => o.op)).toEqual(['resize', 'crop']);
        const r = ops[0] as { width: number; height: number };
        expect(ops[1]).toEqual({ op: 'crop', x: Math.floor((r.width - 40) / 2), y: Math.floor((r.height - 30) / 2), width: 40, height: 30, fill: [1, 2, 3] });
      }
    }
  });

  it('rejects bad ranges', () => {
    expectCode(() => lib.randomCameraAugment(v, nat.createRng(1), { scale: [0, 1] }), 'ERR_SPATIAL_SHAPE', /ranges.scale must be > 0 \(got \[0, 1\]\)/);
    expectCode(() => lib.randomCameraAugment(v, nat.createRng(1), { scale: [1.2, 0.8] }), 'ERR_SPATIAL_SHAPE', /ranges.scale must have lo <= hi/);
    expectCode(() => lib.randomCameraAugment(v, nat.createRng(1), { shift: [0] as never }), 'ERR_SPATIAL_TYPE', /Expected a \[lo, hi\] pair for ranges.shift/);
    expectCode(() => lib.randomCameraAugment(v, nat.createRng(1), { shiftUnit: 'px' as never }), 'ERR_SPATIAL_SHAPE', /ranges.shiftUnit must be 'fraction' or 'pixels'/);
    expectCode(() => lib.randomCameraAugment(v, {} as never), 'ERR_SPATIAL_TYPE', /Expected an Rng \(createRng\(seed\)\) for rng/);
    expectCode(() => lib.randomCameraAugment(v, nat.createRng(1), { fill: 300 }), 'ERR_SPATIAL_SHAPE', /ranges.fill must be an integer in \[0, 255\]/);
  });
});

const opArb: fc.Arbitrary<AugmentOp> = fc.oneof(
  fc.record({ op: fc.constant('resize' as const), width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('crop' as const), x: fc.integer({ min: -6, max: 12 }), y: fc.integer({ min: -6, max: 12 }), width: fc.integer({ min: 1, max: 24 }), height: fc.integer({ min: 1, max: 24 }), fill: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('pad' as const), left: fc.nat(4), top: fc.nat(4), right: fc.nat(4), bottom: fc.nat(4) }),
  fc.record({ op: fc.constant('shift' as const), dx: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -5, max: 5, noNaN: true })), dy: fc.double({ min: -5, max: 5, noNaN: true }) }),
);

describe('native == reference on view op sequences (fast-check)', () => {
  // Tolerance: none (same maps, same kernels semantics bit for bit; see resample.test.ts).
  it('gives identical intrinsics, colour, depth and ids', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 4 }), (W, H, ops) => {
        const v = patternView(W, H);
        const a = nat.applyAugmentOps(v, ops), b = ref.applyAugmentOps(v, ops);
        expect(a.intrinsics).toEqual(b.intrinsics);
        expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe.each(backends)('%s view ops: bad inputs', (_name, lib) => {
  const v = tinyView();
  it.each([
    ['a missing view', () => lib.resizeView(undefined as never, { scale: 2 }), 'ERR_SPATIAL_TYPE', /Expected an Intrinsics object for view.intrinsics but received undefined/],
    ['fx <= 0', () => lib.padView({ ...v, intrinsics: { ...v.intrinsics, fx: 0 } }, { left: 1 }), 'ERR_SPATIAL_CAMERA', /view.intrinsics.fx and .fy must be > 0/],
    ['an image of another size', () => lib.padView({ ...v, image: { width: 3, height: 2, channels: 1, data: new Uint8Array(6) } }, { left: 1 }), 'ERR_SPATIAL_SHAPE', /view.image is 3x2 but view.intrinsics expects 2x2/],
    ['a depth map of another size', () => lib.cropView({ ...v, depth: { width: 2, height: 1, data: new Float32Array(2) } }, { x: 0, y: 0, width: 1, height: 1 }), 'ERR_SPATIAL_SHAPE', /view.depth is 2x1 but view.intrinsics expects 2x2/],
    ['ids of another size', () => lib.shiftPrincipalPoint({ ...v, instanceIds: { width: 1, height: 1, data: new Uint16Array(1) } }, 1, 1), 'ERR_SPATIAL_SHAPE', /view.instanceIds is 1x1 but view.intrinsics expects 2x2/],
    ['a pose of 12 numbers', () => lib.shiftPrincipalPoint({ ...v, pose: new Float64Array(12) }, 1, 1), 'ERR_SPATIAL_SHAPE', /view.pose.length must be 16/],
    ['a zero target size', () => lib.resizeView(v, { width: 0, height: 4 }), 'ERR_SPATIAL_SHAPE', /size.width must be an integer in \[1, 1048576\] \(got 0\)/],
    ['a scale that empties the image', () => lib.resizeView(v, { scale: 0.1 }), 'ERR_SPATIAL_SHAPE', /size.scale 0.1 turns 2x2 into 0x0/],
    ['a negative scale', () => lib.resizeView(v, { scale: -1 }), 'ERR_SPATIAL_SHAPE', /size.scale must be > 0 \(got -1\)/],
    ['a size object of neither kind', () => lib.resizeView(v, 3 as never), 'ERR_SPATIAL_TYPE', /Expected \{ width, height \} or \{ scale \} for size/],
    ['a fractional crop', () => lib.cropView(v, { x: 0.5, y: 0, width: 1, height: 1 }), 'ERR_SPATIAL_SHAPE', /box.x must be an integer/],
    ['a negative pad', () => lib.padView(v, { left: -1 }), 'ERR_SPATIAL_SHAPE', /padding.left must be an integer in \[0, /],
    ['a pad past 2^20', () => lib.padView(v, { right: 1 << 20 }), 'ERR_SPATIAL_SHAPE', /padding turns 2x2 into 1048578x2/],
    ['a NaN shift', () => lib.shiftPrincipalPoint(v, NaN, 0), 'ERR_SPATIAL_SHAPE', /shift.dx must be finite \(got NaN\)/],
    ['a fill of the wrong length', () => lib.padView(v, { left: 1, fill: [1, 2, 3] }), 'ERR_SPATIAL_SHAPE', /fill.length must equal the image's channels = 1 \(got 3\)/],
    ['an unknown op', () => lib.applyAugmentOps(v, [{ op: 'rotate' } as never]), 'ERR_SPATIAL_FORMAT', /ops\[0\].op must be 'resize', 'crop', 'pad' or 'shift' \(got the string "rotate"\)/],
    ['ops that are not an array', () => lib.applyAugmentOps(v, {} as never), 'ERR_SPATIAL_TYPE', /Expected an Array of AugmentOp for ops/],
  ])('rejects %s', (_case, fn, code, message) => expectCode(fn, code, message));
});
