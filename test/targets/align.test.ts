// alignSim3 (native Umeyama/SVD vs reference Horn/Jacobi): recovery of known similarity
// transforms, noise, rigid mode, reflections, native == reference, and bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';
import { symmetricEigen4 } from '../../lib/ops/targets/reference.js';
import type { Points } from '../../lib/types.js';
import { poseFromAxisAngle } from '../helpers/cameras.js';
import { backends } from '../helpers/backends.js';

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
}

/** dst = s R src + t (+ noise), R from axis-angle. */
function transformed(src: Float64Array, s: number, R: ArrayLike<number>, t: number[], noise = 0, seed = 1): Float64Array {
  const rng = native.createRng(seed);
  const dst = new Float64Array(src.length);
  for (let i = 0; i < src.length; i += 3)
    for (let a = 0; a < 3; a++)
      dst[i + a] = s * (R[a * 3] * src[i] + R[a * 3 + 1] * src[i + 1] + R[a * 3 + 2] * src[i + 2]) + t[a] + noise * (rng.next() * 2 - 1);
  return dst;
}
function rotationOf(axis: [number, number, number], angle: number): number[] {
  const p = poseFromAxisAngle(axis, angle, [0, 0, 0]);
  return [p[0], p[1], p[2], p[4], p[5], p[6], p[8], p[9], p[10]];
}
function cloud(n: number, seed: number): Float64Array {
  const rng = native.createRng(seed);
  return Float64Array.from({ length: 3 * n }, () => rng.uniform(-2, 2));
}

describe.each(backends)('alignSim3 (%s)', (_name, api) => {
  it('recovers an exact similarity transform', () => {
    const src = cloud(50, 3);
    const R = rotationOf([1, -2, 0.5], 2.2);
    const dst = transformed(src, 3.5, R, [1, -2, 10]);
    const r = api.alignSim3(src, dst);
    expect(r.scale).toBeCloseTo(3.5, 12);
    expectClose(r.rotation, R, 1e-12);
    expectClose(r.translation, [1, -2, 10], 1e-11);
    expect(r.rmse).toBeLessThan(1e-11);
    expect(r.count).toBe(50);
  });

  it('fixes the scale to 1 in rigid mode and skips non-finite pairs', () => {
    const src = cloud(20, 5);
    const R = rotationOf([0, 0, 1], 0.3);
    const dst = transformed(src, 1, R, [0.5, 0, 0]);
    src[0] = NaN;
    dst[7] = Infinity;
    const r = api.alignSim3(new Float32Array(src), dst, { withScale: false });
    expect(r.scale).toBe(1);
    expect(r.count).toBe(18);
    expectClose(r.rotation, R, 1e-6); // Float32 src: ~1e-7 relative rounding of the inputs
  });

  it('returns a proper rotation for mirrored data', () => {
    const src = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0);
    const dst = src.map((v, i) => (i % 3 === 0 ? -v : v));
    const m = api.alignSim3(src, dst).rotation;
    const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    expect(det).toBeCloseTo(1, 12);
  });

  it.each([
    ['fewer than 3 finite pairs', () => api.alignSim3(Float64Array.of(0, 0, 0, 1, 0, 0, NaN, 0, 0), new Float64Array(9)), 'ERR_SPATIAL_SHAPE', 'alignSim3 needs at least 3 pairs of finite points in src and dst (got 2)'],
    ['identical src points', () => api.alignSim3(Float64Array.of(0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3), cloud(3, 1)), 'ERR_SPATIAL_SHAPE', 'alignSim3: every finite src point is the same point, so the rotation and scale are undefined'],
    ['lengths that differ', () => api.alignSim3(new Float64Array(9), new Float64Array(12)), 'ERR_SPATIAL_SHAPE', 'dst.length must equal src.length (9), got 12'],
    ['a plain array', () => api.alignSim3([1, 2, 3] as never, new Float64Array(3)), 'ERR_SPATIAL_TYPE', 'Expected a Float32Array or Float64Array for src but received an Array of length 3'],
    ['a non-boolean withScale', () => api.alignSim3(cloud(3, 1), cloud(3, 2), { withScale: 1 as never }), 'ERR_SPATIAL_TYPE', 'Expected a boolean for opts.withScale but received the number 1'],
  ])('rejects %s', (_case, call, code, message) => {
    expect(call).toThrow(expect.objectContaining({ code, message }));
  });
});

describe('alignSim3: native == reference, and noisy recovery', () => {
  const arb = fc.record({
    axis: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 1, noNaN: true })),
    angle: fc.double({ min: -3.1, max: 3.1, noNaN: true }),
    scale: fc.double({ min: 0.1, max: 10, noNaN: true }),
    t: fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })),
    n: fc.integer({ min: 10, max: 400 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
    float32: fc.boolean(),
  });

  it('agrees within 1e-6 and recovers the transform of a noisy copy', () => {
    // Native (SVD) and reference (Horn quaternion) solve the same well-conditioned problem
    // (random clouds in a 4 m cube, singular values ~1) by different algorithms: both are
    // backward-stable, so they agree to ~1e-12; 1e-6 (the brief's bound) leaves room for the
    // float32 inputs. Noise: uniform +-1 mm on dst; on >= 10 points spread over 4 m the
    // rotation error is < 1e-3 and the scale error < 1e-3 relative, so 5e-3 is a safe bound.
    fc.assert(
      fc.property(arb, ({ axis, angle, scale, t, n, seed, float32 }) => {
        const src64 = cloud(n, seed);
        const R = rotationOf(axis, angle);
        const dst = transformed(src64, scale, R, t, 1e-3, seed + 1);
        const src: Points = float32 ? new Float32Array(src64) : src64;
        const a = native.alignSim3(src, dst);
        const b = reference.alignSim3(src, dst);
        expect(Math.abs(a.scale - b.scale)).toBeLessThanOrEqual(1e-6 * Math.max(1, b.scale));
        expectClose(a.rotation, b.rotation, 1e-6);
        expectClose(a.translation, b.translation, 1e-6 * Math.max(1, Math.hypot(...t)));
        expect(Math.abs(a.rmse - b.rmse)).toBeLessThanOrEqual(1e-6);
        expect(a.count).toBe(b.count);
        expect(Math.abs(a.scale / scale - 1)).toBeLessThan(5e-3);
        expectClose(a.rotation, R, 5e-3);
        expect(a.rmse).toBeLessThan(2e-3); // residual of +-1 mm uniform noise per coordinate: ~1 mm
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('symmetricEigen4 (reference helper)', () => {
  it('diagonalises a symmetric matrix: A v = lambda v', () => {
    const A = [4, 1, -2, 0.5, 1, 3, 0, 1, -2, 0, 5, 2, 0.5, 1, 2, -1];
    const { values, vectors } = symmetricEigen4(A);
    for (let k = 0; k < 4; k++) {
      const v = [0, 1, 2, 3].map((r) => vectors[r * 4 + k]);
      const Av = [0, 1, 2, 3].map((r) => A[r * 4] * v[0] + A[r * 4 + 1] * v[1] + A[r * 4 + 2] * v[2] + A[r * 4 + 3] * v[3]);
      expectClose(Av, v.map((x) => values[k] * x), 1e-12);
    }
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(4 + 3 + 5 - 1, 12); // trace
  });
});
