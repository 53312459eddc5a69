// fast-check arbitraries for cameras, points, depth maps and visible sets, including the hard cases:
// points behind or exactly on the camera plane, on pixel borders and image edges, depth ties at the
// tolerance, invalid (0, NaN) depth pixels, empty sets, single points, non-square images.
import fc from 'fast-check';
import type { Camera, DepthMap, Intrinsics } from '../../lib/types.js';
import { poseFromAxisAngle } from '../helpers/cameras.js';

export const FLOAT32_EPS = 2 ** -24; // unit roundoff of float32

export const intrinsicsArb: fc.Arbitrary<Intrinsics> = fc
  .record({
    width: fc.integer({ min: 1, max: 48 }),
    height: fc.integer({ min: 1, max: 48 }),
    fx: fc.double({ min: 0.5, max: 400, noNaN: true }),
    fy: fc.double({ min: 0.5, max: 400, noNaN: true }),
    cxFrac: fc.double({ min: -0.2, max: 1.2, noNaN: true }),
    cyFrac: fc.double({ min: -0.2, max: 1.2, noNaN: true }),
  })
  .map(({ width, height, fx, fy, cxFrac, cyFrac }) => ({ fx, fy, cx: cxFrac * width - 0.5, cy: cyFrac * height - 0.5, width, height }));

const vec3 = (r: number) => fc.tuple(fc.double({ min: -r, max: r, noNaN: true }), fc.double({ min: -r, max: r, noNaN: true }), fc.double({ min: -r, max: r, noNaN: true }));

export const poseArb = fc
  .record({ axis: vec3(1), angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), t: vec3(4) })
  .map(({ axis, angle, t }) => poseFromAxisAngle(axis[0] === 0 && axis[1] === 0 && axis[2] === 0 ? [0, 0, 1] : axis, angle, t));

export const cameraArb: fc.Arbitrary<Camera> = fc.record({ intrinsics: intrinsicsArb, pose: poseArb });

/** A point given in the camera frame of `cam`, mapped to the world (Xw = R Xc + t). */
export function worldFromCamPoint(cam: Camera, xc: number, yc: number, zc: number): [number, number, number] {
  const p = cam.pose;
  return [
    p[0] * xc + p[1] * yc + p[2] * zc + p[3],
    p[4] * xc + p[5] * yc + p[6] * zc + p[7],
    p[8] * xc + p[9] * yc + p[10] * zc + p[11],
  ];
}

/**
 * Camera-frame specs of points relative to a camera: random points, points at chosen pixels
 * (centres, borders u = j + 0.5, image edges -0.5 / W - 0.5) and depths (incl. 0 and negative =
 * on or behind the camera plane), and non-finite points.
 */
export type PointSpec =
  | { kind: 'free'; p: [number, number, number] }
  | { kind: 'pixel'; u: number; v: number; z: number }
  | { kind: 'bad'; value: number };

export function pointSpecArb(k: Intrinsics): fc.Arbitrary<PointSpec> {
  const pixelCoord = (size: number) =>
    fc.oneof(
      fc.integer({ min: -1, max: size }).map((j) => j + 0.5), // borders between pixels, and the two image edges
      fc.integer({ min: 0, max: size - 1 }), // centres
      fc.double({ min: -2, max: size + 1, noNaN: true }),
    );
  return fc.oneof(
    { weight: 3, arbitrary: vec3(8).map((p) => ({ kind: 'free' as const, p })) },
    {
      weight: 4,
      arbitrary: fc
        .record({ u: pixelCoord(k.width), v: pixelCoord(k.height), z: fc.oneof(fc.double({ min: 0.05, max: 10, noNaN: true }), fc.constantFrom(0, -1, 1e-7, 0.5, 2)) })
        .map((s) => ({ kind: 'pixel' as const, ...s })),
    },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity).map((value) => ({ kind: 'bad' as const, value })) },
  );
}

/** World coordinates of a point spec in `cam` (pixel specs are back-projected in double). */
export function specToWorld(cam: Camera, s: PointSpec): [number, number, number] {
  if (s.kind === 'free') return s.p;
  if (s.kind === 'bad') return [s.value, 0, 1];
  const k = cam.intrinsics;
  const z = s.z;
  return worldFromCamPoint(cam, ((s.u - k.cx) / k.fx) * (z === 0 ? 1 : z), ((s.v - k.cy) / k.fy) * (z === 0 ? 1 : z), z);
}

/** A depth map with random valid depths, invalid pixels (0, NaN, Inf) and near-constant regions. */
export function depthMapArb(k: Intrinsics): fc.Arbitrary<DepthMap> {
  const n = k.width * k.height;
  return fc
    .array(fc.oneof({ weight: 6, arbitrary: fc.double({ min: 0.05, max: 12, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, NaN, Infinity, -1) }), { minLength: n, maxLength: n })
    .map((vals) => ({ width: k.width, height: k.height, data: Float32Array.from(vals) }));
}

/** A strictly ascending Uint32Array over [0, universe), of a random density (possibly empty). */
export function indexSetArb(universe: number): fc.Arbitrary<Uint32Array> {
  return fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
    .map(([density, seed]) => {
      const out: number[] = [];
      let s = seed >>> 0 || 1;
      const d = density ** 3; // many sparse sets, some dense
      for (let i = 0; i < universe; i++) {
        s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
        if (s / 2 ** 32 < d) out.push(i);
      }
      return Uint32Array.from(out);
    });
}
