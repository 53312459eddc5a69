// cameraTokens: shape, native == reference, and the embedding of augmented views (intrinsics built
// by hand with DESIGN.md's resize and crop formulas) against the original view's embedding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';
import type { Intrinsics, View } from '../../lib/types.js';
import { backends } from '../helpers/backends.js';

const K: Intrinsics = { fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3, width: 640, height: 480 };

/** Crop at (x0, y0) to w x h: cx' = cx - x0 (DESIGN.md section 2). */
function cropK(k: Intrinsics, x0: number, y0: number, w: number, h: number): Intrinsics {
  return { ...k, cx: k.cx - x0, cy: k.cy - y0, width: w, height: h };
}
/** Resize to W' x H': fx' = sx fx, cx' = sx (cx + 0.5) - 0.5 (DESIGN.md section 2). */
function resizeK(k: Intrinsics, w: number, h: number): Intrinsics {
  const sx = w / k.width, sy = h / k.height;
  return { fx: sx * k.fx, fy: sy * k.fy, cx: sx * (k.cx + 0.5) - 0.5, cy: sy * (k.cy + 0.5) - 0.5, width: w, height: h };
}
/** Token (r, c) of a token grid. */
const token = (t: native.CameraTokens, r: number, c: number) => Array.from(t.data.subarray((r * t.cols + c) * t.dim, (r * t.cols + c + 1) * t.dim));

describe.each(backends)('cameraTokens (%s)', (_name, api) => {
  it('shapes the ray embedding of the view intrinsics as tokens', () => {
    const t = api.cameraTokens({ intrinsics: K }, { patchSize: 28, frequencies: 4, includeFocal: true });
    expect(t).toMatchObject({ rows: 17, cols: 22, dim: 32 }); // Q = 4 components x 2F = 8
    expect(t.data).toEqual(api.rayEmbedding(K, { patchSize: 28, frequencies: 4, includeFocal: true }));
    expect(api.cameraTokens({ intrinsics: K }, { patchSize: 14, frequencies: 3 }).dim).toBe(12);
  });

  it('gives a patch-aligned crop exactly the sub-grid of the original tokens', () => {
    // Crop at (3P, 2P): the crop's patch (r, c) is the original's (r + 2, c + 3), same pixels, same rays.
    const P = 28;
    const view: View = { intrinsics: K };
    const cropped: View = { intrinsics: cropK(K, 3 * P, 2 * P, 10 * P, 8 * P) };
    const a = api.cameraTokens(view, { patchSize: P, frequencies: 6 });
    const b = api.cameraTokens(cropped, { patchSize: P, frequencies: 6 });
    expect(b).toMatchObject({ rows: 8, cols: 10 });
    for (let r = 0; r < b.rows; r++) for (let c = 0; c < b.cols; c++) expect(token(b, r, c)).toEqual(token(a, r + 2, c + 3));
    // With the focal components, the rays still match; fx / W and fy / H follow the new size.
    const af = api.cameraTokens(view, { patchSize: P, frequencies: 6, includeFocal: true });
    const bf = api.cameraTokens(cropped, { patchSize: P, frequencies: 6, includeFocal: true });
    const focal = api.cameraTokens({ intrinsics: { ...cropped.intrinsics, cx: 0, cy: 0 } }, { patchSize: P, frequencies: 6, includeFocal: true });
    expect(token(bf, 1, 1).slice(0, 24)).toEqual(token(af, 3, 4).slice(0, 24));
    expect(token(bf, 1, 1).slice(24)).toEqual(token(focal, 0, 0).slice(24));
    expect(token(bf, 1, 1).slice(24)).not.toEqual(token(af, 3, 4).slice(24));
  });

  it('gives a 2x resize with patch 2P exactly the original tokens with patch P', () => {
    // u' = 2 (u + 0.5) - 0.5 maps patch centres onto patch centres and (u' - cx') / fx' = (u - cx) / fx
    // exactly (a power-of-two scaling of exact operands).
    const a = api.cameraTokens({ intrinsics: K }, { patchSize: 16, frequencies: 5, includeFocal: true });
    const b = api.cameraTokens({ intrinsics: resizeK(K, 1280, 960) }, { patchSize: 32, frequencies: 5, includeFocal: true });
    expect(b.data).toEqual(a.data);
  });

  it('tracks a general resize up to float rounding of the rays', () => {
    // 1.5x with patch 21 vs patch 14: same patch centres, rays equal up to double rounding (~1e-16),
    // amplified by 2^(F-1) pi in the sinusoid and rounded to float32: 1e-6 is ample.
    const a = api.cameraTokens({ intrinsics: K }, { patchSize: 14, frequencies: 4 });
    const b = api.cameraTokens({ intrinsics: resizeK(K, 960, 720) }, { patchSize: 21, frequencies: 4 });
    expect(b.data.length).toBe(a.data.length);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('rejects bad views and options', () => {
    expect(() => api.cameraTokens(null as never, { patchSize: 14, frequencies: 2 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE', message: expect.stringMatching(/Expected a View/) }));
    const depth = { width: 10, height: 10, data: new Float32Array(100) };
    expect(() => api.cameraTokens({ intrinsics: K, depth }, { patchSize: 14, frequencies: 2 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: 'view.depth is 10x10 but view.intrinsics expects 640x480' }));
    expect(() => api.cameraTokens({ intrinsics: { ...K, fx: -1 } }, { patchSize: 14, frequencies: 2 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_CAMERA' }));
    expect(() => api.cameraTokens({ intrinsics: K }, { patchSize: 1000, frequencies: 2 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts\.patchSize/) }));
    expect(() => api.cameraTokens({ intrinsics: K }, { patchSize: 14, frequencies: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: expect.stringMatching(/opts\.frequencies/) }));
  });
});

describe('cameraTokens: native == reference', () => {
  it('agrees within 1e-6 on random intrinsics', () => {
    // Both evaluate sin/cos of the same double argument (same operation order); the libm and V8
    // results may differ by an ulp before the float32 rounding: <= 1 float ulp of a value in [-1, 1].
    const arb = fc.record({
      fx: fc.double({ min: 100, max: 2000, noNaN: true }), fy: fc.double({ min: 100, max: 2000, noNaN: true }),
      cx: fc.double({ min: -50, max: 700, noNaN: true }), cy: fc.double({ min: -50, max: 500, noNaN: true }),
      width: fc.integer({ min: 28, max: 700 }), height: fc.integer({ min: 28, max: 500 }),
      patchSize: fc.integer({ min: 4, max: 28 }), frequencies: fc.integer({ min: 1, max: 8 }), includeFocal: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ patchSize, frequencies, includeFocal, ...k }) => {
        const a = native.cameraTokens({ intrinsics: k }, { patchSize, frequencies, includeFocal });
        const b = reference.cameraTokens({ intrinsics: k }, { patchSize, frequencies, includeFocal });
        expect([a.rows, a.cols, a.dim]).toEqual([b.rows, b.cols, b.dim]);
        let worst = 0;
        for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
        expect(worst).toBeLessThanOrEqual(1e-6);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
