// Geometric consistency of the augmentations (fast-check, seeded): for random cameras, random 3-D
// points in front of them and random op sequences,
//  1. projectPoints with the new intrinsics == the ops' pixel maps applied to the old projection;
//  2. a point's depth written into the old depth map is read back from the new depth map at the
//     point's new nearest pixel, under exactly stated conditions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAugmentOps, augmentIntrinsics, opPixelMap, projectPoints, type AugmentOp } from '../../lib/index.js';
import type { Intrinsics, Pose, View } from '../../lib/types.js';
import { poseFromAxisAngle } from '../helpers/cameras.js';

interface Scene {
  k: Intrinsics;
  pose: Pose;
  /** World points, and the continuous pixel (u, v) and depth each was generated from. */
  points: Float64Array;
  pixels: { u: number; v: number; z: number }[];
}

/** Points generated from pixels: Xc = ((u - cx)/fx z, (v - cy)/fy z, z), Xw = R Xc + t. */
function scene(k: Intrinsics, pose: Pose, pixels: { u: number; v: number; z: number }[]): Scene {
  const points = new Float64Array(3 * pixels.length);
  pixels.forEach(({ u, v, z }, i) => {
    const xc = ((u - k.cx) / k.fx) * z, yc = ((v - k.cy) / k.fy) * z;
    for (let r = 0; r < 3; r++) points[3 * i + r] = pose[4 * r] * xc + pose[4 * r + 1] * yc + pose[4 * r + 2] * z + pose[4 * r + 3];
  });
  return { k, pose, points, pixels };
}

const sceneArb = (minSide: number, maxSide: number, margin: number) =>
  fc
    .record({
      W: fc.integer({ min: minSide, max: maxSide }), H: fc.integer({ min: minSide, max: maxSide }),
      fx: fc.double({ min: 20, max: 400, noNaN: true }), fy: fc.double({ min: 20, max: 400, noNaN: true }),
      cxf: fc.double({ min: 0, max: 1, noNaN: true }), cyf: fc.double({ min: 0, max: 1, noNaN: true }),
      axis: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 1, noNaN: true })),
      angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
      t: fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })),
      // Pixel positions from a seeded LCG: fast-check's doubles cluster at range ends (0, 1), which
      // would pile every point onto the image corners.
      seed: fc.integer(), count: fc.integer({ min: 1, max: 24 }),
    })
    .map((r) => {
      let state = r.seed >>> 0;
      const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
      const px = Array.from({ length: r.count }, () => [rand(), rand(), 0.3 + 19.7 * rand()] as const);
      const k: Intrinsics = { fx: r.fx, fy: r.fy, cx: r.cxf * (r.W - 1), cy: r.cyf * (r.H - 1), width: r.W, height: r.H };
      // Pixels at least `margin` px inside the image: u in [margin, W - 1 - margin].
      const pixels = px.map(([a, b, z]) => ({ u: margin + a * (r.W - 1 - 2 * margin), v: margin + b * (r.H - 1 - 2 * margin), z }));
      return scene(k, poseFromAxisAngle(r.axis, r.angle, r.t), pixels);
    });

// General ops: fractional up/down resizes (0.4x..2.5x per axis), integer crops and pads, fractional shifts.
const generalOpArb = (W: number, H: number): fc.Arbitrary<AugmentOp> =>
  fc.oneof(
    fc.record({ op: fc.constant('resize' as const), sx: fc.double({ min: 0.4, max: 2.5, noNaN: true }), sy: fc.double({ min: 0.4, max: 2.5, noNaN: true }) }).map((o) => ({
      op: 'resize' as const, width: Math.max(1, Math.round(W * o.sx)), height: Math.max(1, Math.round(H * o.sy)),
    })),
    fc.record({ op: fc.constant('crop' as const), x: fc.integer({ min: -8, max: 8 }), y: fc.integer({ min: -8, max: 8 }), dw: fc.integer({ min: -16, max: 8 }), dh: fc.integer({ min: -16, max: 8 }) }).map((o) => ({
      op: 'crop' as const, x: o.x, y: o.y, width: Math.max(1, W + o.dw), height: Math.max(1, H + o.dh),
    })),
    fc.record({ op: fc.constant('pad' as const), left: fc.nat(6), top: fc.nat(6), right: fc.nat(6), bottom: fc.nat(6) }),
    fc.record({ op: fc.constant('shift' as const), dx: fc.double({ min: -6, max: 6, noNaN: true }), dy: fc.double({ min: -6, max: 6, noNaN: true }) }),
  );

// Integer ops: crops, pads, integer shifts, and resizes by an integer factor 1..3 per axis.
const integerOpArb = (W: number, H: number): fc.Arbitrary<AugmentOp> =>
  fc.oneof(
    fc.record({ kx: fc.integer({ min: 1, max: 3 }), ky: fc.integer({ min: 1, max: 3 }) }).map((o) => ({ op: 'resize' as const, width: W * o.kx, height: H * o.ky })),
    fc.record({ op: fc.constant('crop' as const), x: fc.integer({ min: -8, max: 8 }), y: fc.integer({ min: -8, max: 8 }), dw: fc.integer({ min: -16, max: 8 }), dh: fc.integer({ min: -16, max: 8 }) }).map((o) => ({
      op: 'crop' as const, x: o.x, y: o.y, width: Math.max(1, W + o.dw), height: Math.max(1, H + o.dh),
    })),
    fc.record({ op: fc.constant('pad' as const), left: fc.nat(6), top: fc.nat(6), right: fc.nat(6), bottom: fc.nat(6) }),
    fc.record({ op: fc.constant('shift' as const), dx: fc.integer({ min: -6, max: 6 }), dy: fc.integer({ min: -6, max: 6 }) }),
  );

/** A chain of up to `n` ops, each drawn for the size the previous ones produced (sides capped at 400). */
function opsArb(k: Intrinsics, n: number, opArb: (W: number, H: number) => fc.Arbitrary<AugmentOp>): fc.Arbitrary<AugmentOp[]> {
  const step = (W: number, H: number, left: number): fc.Arbitrary<AugmentOp[]> => {
    if (left === 0) return fc.constant([]);
    return opArb(W, H).chain((op) => {
      const m = opPixelMap(op, W, H);
      if (m.width > 400 || m.height > 400) return step(W, H, left - 1);
      return step(m.width, m.height, left - 1).map((rest) => [op, ...rest]);
    });
  };
  return fc.integer({ min: 1, max: n }).chain((len) => step(k.width, k.height, len));
}

const caseArb = (minSide: number, maxSide: number, margin: number, opArb: (W: number, H: number) => fc.Arbitrary<AugmentOp>) =>
  sceneArb(minSide, maxSide, margin).chain((s) => opsArb(s.k, 4, opArb).map((ops) => ({ s, ops })));

/** Applies the ops' forward pixel maps to (u, v), returning each intermediate (u, v, size, scale). */
function track(k: Intrinsics, ops: AugmentOp[], u: number, v: number) {
  const steps = [];
  let W = k.width, H = k.height;
  for (const op of ops) {
    const m = opPixelMap(op, W, H);
    u = m.x.scale * u + m.x.offset;
    v = m.y.scale * v + m.y.offset;
    W = m.width;
    H = m.height;
    steps.push({ op, u, v, W, H, sx: m.x.scale, sy: m.y.scale });
  }
  return steps;
}

describe('projection with the new intrinsics == pixel map of the old projection', () => {
  // Tolerance: projectPoints returns float32, so each projection carries a relative rounding error
  // <= 2^-24; the old one is then scaled by the product S of the resize factors. With exact maps
  // the difference is <= 2^-24 (|u'| + S |u|) plus double-precision noise; we allow 4x that plus
  // 1e-9 px. The naive cx' = s*cx misses by (s-1)/2 px per resize, far above this bound.
  it('holds for random cameras, points and op sequences', () => {
    fc.assert(
      fc.property(caseArb(4, 64, 0, generalOpArb), ({ s, ops }) => {
        const newK = augmentIntrinsics(s.k, ops);
        const before = projectPoints(s.points, { intrinsics: s.k, pose: s.pose });
        const after = projectPoints(s.points, { intrinsics: newK, pose: s.pose });
        const S = track(s.k, ops, 0, 0).reduce((a, st) => a * Math.max(st.sx, st.sy), 1); // product of the scales
        for (let i = 0; i < s.pixels.length; i++) {
          const steps = track(s.k, ops, before.uv[2 * i], before.uv[2 * i + 1]);
          const last = steps[steps.length - 1];
          const tolU = 4 * 2 ** -24 * (Math.abs(last.u) + S * Math.abs(before.uv[2 * i])) + 1e-9;
          const tolV = 4 * 2 ** -24 * (Math.abs(last.v) + S * Math.abs(before.uv[2 * i + 1])) + 1e-9;
          expect(Math.abs(after.uv[2 * i] - last.u)).toBeLessThanOrEqual(tolU);
          expect(Math.abs(after.uv[2 * i + 1] - last.v)).toBeLessThanOrEqual(tolV);
          expect(after.depth[i]).toBe(before.depth[i]); // the pose and the 3-D point are unchanged
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('the naive cx\' = s*cx fails the same check (negative control)', () => {
    fc.assert(
      fc.property(sceneArb(8, 64, 0), fc.double({ min: 0.4, max: 2.5, noNaN: true }), (s, scale) => {
        const W2 = Math.round(s.k.width * scale);
        fc.pre(W2 >= 1 && Math.abs(W2 / s.k.width - 1) > 0.05);
        const op: AugmentOp = { op: 'resize', width: W2, height: s.k.height };
        const sx = W2 / s.k.width;
        const naive = { ...s.k, fx: sx * s.k.fx, cx: sx * s.k.cx, width: W2 };
        const before = projectPoints(s.points, { intrinsics: s.k, pose: s.pose });
        const wrong = projectPoints(s.points, { intrinsics: naive, pose: s.pose });
        const right = projectPoints(s.points, { intrinsics: augmentIntrinsics(s.k, [op]), pose: s.pose });
        const mapped = sx * (before.uv[0] + 0.5) - 0.5;
        expect(Math.abs(right.uv[0] - mapped)).toBeLessThan(1e-3);
        // The naive intrinsics miss by exactly (1 - sx)/2 px: s*cx - (s*(cx + 0.5) - 0.5).
        expect(Math.abs(wrong.uv[0] - mapped - (1 - sx) / 2)).toBeLessThan(1e-3);
        expect(Math.abs(wrong.uv[0] - mapped)).toBeGreaterThan(0.02);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

/** The nearest pixel index of a coordinate (DESIGN.md): floor(u + 0.5). */
const nearest = (u: number) => Math.floor(u + 0.5);
/** Distance of u + 0.5 to the nearest integer: how close u is to a pixel border. */
const borderDistance = (u: number) => Math.abs(u + 0.5 - Math.round(u + 0.5));

describe('depth written at a point reads back at its new nearest pixel', () => {
  // (A) Exact condition for single pixels: ops that are integer crops, pads, integer shifts and
  // resizes by integer factors k >= 1. A point whose nearest pixel is (j, i) reads back the same
  // depth at its new nearest pixel whenever that pixel is on every intermediate image. Proof sketch:
  // translations move pixel centres onto pixel centres; a k-fold upscale sends pixel j to pixels
  // kj..kj+k-1, and each of those samples source floor((j' + 0.5)/k) = j. Points within 1e-3 px of
  // a source pixel border are skipped: the float32 projection may round them across it.
  it('(A) integer ops: exact for every point whose pixel survives every step', () => {
    let checked = 0, kept = 0, total = 0;
    fc.assert(
      fc.property(caseArb(16, 64, 0, integerOpArb), ({ s, ops }) => {
        const k = s.k;
        const before = projectPoints(s.points, { intrinsics: k, pose: s.pose });
        const depth = new Float32Array(k.width * k.height);
        const keep: number[] = [];
        for (let i = 0; i < s.pixels.length; i++) {
          const u = before.uv[2 * i], v = before.uv[2 * i + 1];
          const j = nearest(u), r = nearest(v);
          if (borderDistance(u) < 1e-3 || borderDistance(v) < 1e-3) continue;
          if (j < 0 || j >= k.width || r < 0 || r >= k.height || depth[r * k.width + j] !== 0) continue; // one point per pixel
          depth[r * k.width + j] = before.depth[i];
          keep.push(i);
        }
        kept += keep.length; total += s.pixels.length;
        const view: View = { intrinsics: k, depth: { width: k.width, height: k.height, data: depth } };
        const out = applyAugmentOps(view, ops);
        const after = projectPoints(s.points, { intrinsics: out.intrinsics, pose: s.pose });
        for (const i of keep) {
          const steps = track(k, ops, before.uv[2 * i], before.uv[2 * i + 1]);
          if (!steps.every((st) => nearest(st.u) >= 0 && nearest(st.u) < st.W && nearest(st.v) >= 0 && nearest(st.v) < st.H)) continue;
          const j = nearest(after.uv[2 * i]), r = nearest(after.uv[2 * i + 1]);
          expect(out.depth!.data[r * out.intrinsics.width + j]).toBe(before.depth[i]);
          checked++;
        }
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(kept / 4); // the property is not vacuous
  });

  // (B) Any op sequence (fractional resizes down to 0.4x, fractional shifts): nearest-neighbour
  // sampling may pick a neighbouring source pixel, so write the depth as a (2R+1)^2 block around
  // the point's pixel and track a radius rho: every pixel whose centre lies within rho (per axis) of
  // the point's position holds the depth. Initially rho = R - 0.5. An integer crop/pad/shift keeps
  // rho (it samples pixel centres exactly). A resampling op with scales (sx, sy) samples the source
  // within 0.5 px of the mapped centre, so rho' = min(sx, sy) * (rho - 0.5). The point's new nearest
  // pixel lies within 0.5 px of it, so the read-back is exact when rho >= 0.5 at the end, and
  // every intermediate block (point +- rho) lies on its image. We require rho >= 0.51 (float32 slack).
  it('(B) any ops: exact while the tracked constant-depth radius stays >= 0.51 px', () => {
    const R = 6;
    let checked = 0, cases = 0;
    fc.assert(
      fc.property(caseArb(16, 64, R, generalOpArb), ({ s, ops }) => {
        const k = s.k;
        const before = projectPoints(s.points, { intrinsics: k, pose: s.pose });
        // One point per case: its block must not overlap another's.
        const i = 0;
        const u = before.uv[0], v = before.uv[1];
        const j0 = nearest(u), r0 = nearest(v);
        fc.pre(j0 - R >= 0 && j0 + R < k.width && r0 - R >= 0 && r0 + R < k.height);
        const depth = new Float32Array(k.width * k.height);
        for (let r = r0 - R; r <= r0 + R; r++) for (let j = j0 - R; j <= j0 + R; j++) depth[r * k.width + j] = before.depth[i];
        const out = applyAugmentOps({ intrinsics: k, depth: { width: k.width, height: k.height, data: depth } }, ops);
        cases++;
        let rho = R - 0.5;
        for (const st of track(k, ops, u, v)) {
          const integerMove = st.op.op !== 'resize' && (st.op.op !== 'shift' || (Number.isInteger(st.op.dx) && Number.isInteger(st.op.dy)));
          if (!integerMove) rho = Math.min(st.sx, st.sy) * (rho - 0.5);
          const onImage = st.u - rho >= 0 && st.u + rho <= st.W - 1 && st.v - rho >= 0 && st.v + rho <= st.H - 1;
          if (!onImage || rho < 0.51) return; // outside the condition: nothing is claimed
        }
        const after = projectPoints(s.points, { intrinsics: out.intrinsics, pose: s.pose });
        const j = nearest(after.uv[0]), r = nearest(after.uv[1]);
        expect(out.depth!.data[r * out.intrinsics.width + j]).toBe(before.depth[i]);
        checked++;
      }),
      { seed: 42, numRuns: 600 },
    );
    // Downscales shrink rho quickly; still, a good share of the cases must meet the condition.
    expect(checked).toBeGreaterThan(cases / 4);
  });
});
