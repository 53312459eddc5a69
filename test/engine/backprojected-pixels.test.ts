// The pixels backprojectDepth keeps (backprojectedPixels, which attaches instance labels to fused
// scene points) against the native op itself: same count and same order on random depth maps with
// zeros, negatives, NaN and infinities, every stride; and scenePoints' fused labels against the
// per-pixel derivation the pipeline used before.
import { describe, expect, it } from 'vitest';
import { backprojectedPixels, scenePoints } from '../../lib/engine/pipeline.js';
import { backprojectDepth, voxelDownsample } from '../../lib/index.js';
import { createRng } from '../../lib/random.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import type { DepthMap } from '../../lib/types.js';
import { IDENTITY, camera, intrinsics } from '../helpers/cameras.js';

function randomDepth(seed: string, width: number, height: number): DepthMap {
  const rng = createRng(seed);
  const specials = [0, -1, NaN, Infinity, -Infinity, -0];
  const data = Float32Array.from({ length: width * height }, () => (rng.next() < 0.3 ? rng.pick(specials) : rng.uniform(0.1, 9)));
  return { width, height, data };
}

describe('backprojectedPixels', () => {
  it('is the native op\'s point order: point k is the back-projection of pixel pixels[k]', () => {
    const rng = createRng('sizes');
    for (let run = 0; run < 60; run++) {
      const [width, height, stride] = [rng.int(1, 37), rng.int(1, 29), rng.int(1, 6)];
      const depth = randomDepth(`depth/${run}`, width, height);
      // fx = fy = 1, cx = cy = 0, identity pose: pixel (j, i) with depth d lands at (j d, i d, d) exactly.
      const pts = backprojectDepth(depth, camera(intrinsics(1, 1, 0, 0, width, height), IDENTITY), { stride });
      const pixels = backprojectedPixels(depth, stride);
      expect(pts.length).toBe(3 * pixels.length);
      const expected = new Float32Array(3 * pixels.length);
      pixels.forEach((p, k) => {
        const [i, j, d] = [Math.floor(p / width), p % width, depth.data[p]];
        expect(i % stride === 0 && j % stride === 0 && d > 0 && Number.isFinite(d)).toBe(true);
        expected.set([j * d, i * d, d], 3 * k);
      });
      expect(pts).toEqual(expected);
    }
  });

  it('hand-computed: stride grid, row-major, invalid depths skipped', () => {
    const depth = { width: 3, height: 3, data: Float32Array.of(1, 2, 0, 4, 5, 6, NaN, 8, Infinity) };
    expect(Array.from(backprojectedPixels(depth, 1))).toEqual([0, 1, 3, 4, 5, 7]);
    expect(Array.from(backprojectedPixels(depth, 2))).toEqual([0]);
  });

  it('scenePoints fuses depth with the labels of the pixels the native op kept', async () => {
    const scene = synthesizeScene({ seed: 3, frames: 4, width: 96, height: 72, color: false });
    // Some invalid depth, so that the kept pixels are not the whole grid.
    const frames = scene.frames.map((f, n) => {
      const data = Float32Array.from(f.depth!.data, (d, p) => ((p + n) % 7 === 0 ? [0, NaN, Infinity][p % 3] : d));
      return { ...f, depth: { ...f.depth!, data } };
    });
    const fused = { ...scene, frames, points: undefined, pointInstances: undefined };
    const stride = 2, voxelSize = 0.05;
    const got = await scenePoints(fused, frames, { voxelSize, stride });
    expect(got.source).toBe('fused');
    // The derivation the pipeline used before: walk the stride grid row-major, keep valid depths.
    const chunks: number[] = [], labels: number[] = [];
    for (const f of frames) {
      chunks.push(...backprojectDepth(f.depth, { intrinsics: f.intrinsics, pose: f.pose }, { stride }));
      for (let r = 0; r < f.depth.height; r += stride)
        for (let c = 0; c < f.depth.width; c += stride) {
          const d = f.depth.data[r * f.depth.width + c];
          if (d > 0 && Number.isFinite(d)) labels.push(f.instanceIds![r * f.depth.width + c]);
        }
    }
    const want = voxelDownsample(Float32Array.from(chunks), voxelSize, Uint16Array.from(labels));
    expect(got.points).toEqual(want.points);
    expect(got.pointInstances).toEqual(want.labels);
    expect(new Set(got.pointInstances).size).toBeGreaterThan(3);
  });
});
