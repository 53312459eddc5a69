// visibleSetsMultiSpa, the MultiSPA visibility rule (--compat multispa): hand-computed cases and
// native == reference (exact: both compute in double with the same order of operations).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import { IDENTITY, camera, intrinsics } from '../helpers/cameras.js';
import { cameraArb, depthMapArb } from '../geometry/arbitraries.js';
import { backends } from '../helpers/backends.js';
import { expectCode } from '../helpers/errors.js';

describe('visibleSetsMultiSpa (--compat multispa)', () => {
  it('hand-computed: continuous bounds, half-even depth pixel, strict z < D', () => {
    // Colour 4x2 image, depth 2x1 map: the colour u is scaled by 2/4.
    const k = intrinsics(1, 1, 0, 0, 4, 2);
    const depth = { width: 2, height: 1, data: Float32Array.of(2, 1) };
    const pts = Float32Array.of(
      0.5, 0, 1, //   u = 0.5 -> ud = round(0.25) = 0, D = 2, z = 1 < 2: visible
      1, 0, 1, //     u = 1 -> ud = round(0.5) = 0 (half to even), D = 2: visible
      3, 0, 1, //     u = 3 -> ud = round(1.5) = 2 -> clipped to 1, D = 1, z = 1 is not < 1: hidden
      -0.25, 0, 1, // u = -0.25 < 0: outside (continuous bounds, no half-pixel)
      3.9, 0, 1, //   u = 3.9 < 4: inside, ud = round(1.95) = 2 -> 1, D = 1: z < D fails
      1.5, 0, 0.5, // u = 3 -> ud 1 (clip), D = 1, z = 0.5 < 1: visible
    );
    for (const g of [native, ref]) expect(Array.from(g.visibleSetsMultiSpa(pts, [camera(k, IDENTITY)], [depth])[0])).toEqual([0, 1, 5]);
  });

  it('native == reference on random scenes (depth maps of another size than the colour image)', () => {
    fc.assert(
      fc.property(
        cameraArb.chain((cam) => fc.tuple(fc.constant(cam), depthMapArb({ ...cam.intrinsics, width: Math.max(1, cam.intrinsics.width >> 1), height: Math.max(1, cam.intrinsics.height >> 1) }))),
        fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { maxLength: 150 }),
        ([cam, depth], coords) => {
          const pts = Float32Array.from(coords.slice(0, coords.length - (coords.length % 3)));
          expect(native.visibleSetsMultiSpa(pts, [cam], [depth])).toEqual(ref.visibleSetsMultiSpa(pts, [cam], [depth]));
        },
      ),
      { seed: 9, numRuns: 200 },
    );
  });
});

describe.each(backends)('%s visibleSetsMultiSpa: bad input', (_name, g) => {
  const cam = camera(intrinsics(1, 1, 0, 0, 4, 2), IDENTITY);
  const depth = { width: 2, height: 1, data: Float32Array.of(2, 1) };
  const pts = Float32Array.of(0, 0, 1);

  it('float32 points only, one depth map (any size) per camera, each checked', () => {
    expectCode(() => g.visibleSetsMultiSpa(Float64Array.of(0, 0, 1) as unknown as Float32Array, [cam], [depth]), 'ERR_SPATIAL_TYPE', /Expected a Float32Array for points but received/);
    expectCode(() => g.visibleSetsMultiSpa(Float32Array.of(0, 0), [cam], [depth]), 'ERR_SPATIAL_SHAPE', /points.length must be a multiple of 3 \(got 2\)/);
    expectCode(() => g.visibleSetsMultiSpa(pts, cam as never, [depth]), 'ERR_SPATIAL_TYPE', /Expected an Array of Camera for colorCameras/);
    expectCode(() => g.visibleSetsMultiSpa(pts, [{ ...cam, intrinsics: { ...cam.intrinsics, fx: 0 } }], [depth]), 'ERR_SPATIAL_CAMERA', /colorCameras\[0\]\.intrinsics\.fx and \.fy must be > 0/);
    expectCode(() => g.visibleSetsMultiSpa(pts, [cam], []), 'ERR_SPATIAL_SHAPE', /depths must hold one depth map per camera \(1\)/);
    expectCode(() => g.visibleSetsMultiSpa(pts, [cam], [{ ...depth, data: new Float32Array(3) }]), 'ERR_SPATIAL_SHAPE', /depths\[0\]\.data\.length must be width\*height = 2 \(got 3\)/);
  });
});
