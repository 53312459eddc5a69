// Real data: a HoloLens frame exported in ScanNet layout (../shared/data/hololens-scannet, 540x360,
// depth in mm). Points back-projected from the frame's own depth must, after an augmentation, land
// on pixels of the augmented depth (and colour) that carry their original values.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyAugmentOps, backprojectDepth, createRng, opPixelMap, projectPoints, randomCameraAugment, visibleSets, type AugmentOp,
} from '../../lib/index.js';
import type { View } from '../../lib/types.js';

const dir = resolve(import.meta.dirname, '../../../shared/data/hololens-scannet');

async function loadFrame(index: number): Promise<View> {
  const colour = await sharp(`${dir}/color/${index}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const depthPng = await sharp(`${dir}/depth/${index}.png`).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  const mm = new Uint16Array(depthPng.data.buffer, depthPng.data.byteOffset, depthPng.data.length / 2);
  const pose = Float64Array.from(readFileSync(`${dir}/pose/${index}.txt`, 'utf8').trim().split(/\s+/).map(Number));
  const { width, height } = colour.info;
  return {
    // Intrinsics from the dataset's README (colour and depth share the camera here).
    intrinsics: { fx: 495.568, fy: 495.482, cx: 269.503, cy: 169.194, width, height },
    image: { width, height, channels: 3, data: new Uint8Array(colour.data) },
    depth: { width, height, data: Float32Array.from(mm, (d) => d / 1000) },
    pose,
  };
}

const nearest = (u: number) => Math.floor(u + 0.5);

describe.runIf(existsSync(dir))('augmentation on a real HoloLens frame', () => {
  let view: View;
  let points: Float32Array;
  beforeAll(async () => {
    view = await loadFrame(0);
    points = backprojectDepth(view.depth!, { intrinsics: view.intrinsics, pose: view.pose! }, { stride: 2 });
  });

  /** Whether the point at (u, v) stays on the image after every op (a crop then a pad cuts it off for good). */
  function survives(ops: AugmentOp[], u: number, v: number): boolean {
    let W = view.intrinsics.width, H = view.intrinsics.height;
    for (const op of ops) {
      const m = opPixelMap(op, W, H);
      [u, v, W, H] = [m.x.scale * u + m.x.offset, m.y.scale * v + m.y.offset, m.width, m.height];
      if (nearest(u) < 0 || nearest(u) >= W || nearest(v) < 0 || nearest(v) >= H) return false;
    }
    return true;
  }

  function readBack(ops: AugmentOp[], withColour: boolean) {
    const out = applyAugmentOps(view, ops);
    const a = projectPoints(points, { intrinsics: view.intrinsics, pose: view.pose! });
    const b = projectPoints(points, { intrinsics: out.intrinsics, pose: out.pose! });
    let checked = 0, depthMismatch = 0, colourMismatch = 0;
    const W = view.intrinsics.width, W2 = out.intrinsics.width, H2 = out.intrinsics.height;
    for (let i = 0; i < points.length / 3; i++) {
      const j = nearest(a.uv[2 * i]), r = nearest(a.uv[2 * i + 1]);
      const j2 = nearest(b.uv[2 * i]), r2 = nearest(b.uv[2 * i + 1]);
      if (j2 < 0 || j2 >= W2 || r2 < 0 || r2 >= H2 || !survives(ops, a.uv[2 * i], a.uv[2 * i + 1])) continue;
      checked++;
      if (out.depth!.data[r2 * W2 + j2] !== view.depth!.data[r * W + j]) depthMismatch++;
      if (withColour)
        for (let c = 0; c < 3; c++) if (out.image!.data[(r2 * W2 + j2) * 3 + c] !== view.image!.data[(r * W + j) * 3 + c]) colourMismatch++;
    }
    return { out, checked, depthMismatch, colourMismatch };
  }

  it('integer crop, pad and shift carry every point\'s depth and colour exactly', () => {
    const ops: AugmentOp[] = [
      { op: 'crop', x: 61, y: -20, width: 400, height: 320 }, { op: 'shift', dx: 7, dy: -3 }, { op: 'pad', left: 4, top: 2, right: 0, bottom: 6 },
    ];
    const { out, checked, depthMismatch, colourMismatch } = readBack(ops, true);
    expect(out.intrinsics.cx).toBeCloseTo(269.503 - 61 + 7 + 4, 9);
    expect(checked).toBeGreaterThan(20000);
    expect(depthMismatch).toBe(0);
    expect(colourMismatch).toBe(0);
  });

  it('a 2x resize then crop and shift carries every point\'s depth exactly', () => {
    const ops: AugmentOp[] = [{ op: 'resize', width: 1080, height: 720 }, { op: 'crop', x: 131, y: 47, width: 700, height: 500 }, { op: 'shift', dx: 5, dy: -3 }];
    const { checked, depthMismatch } = readBack(ops, false);
    expect(checked).toBeGreaterThan(15000);
    expect(depthMismatch).toBe(0);
  });

  it('after random fractional augmentations, back-projected points stay visible against the new depth', () => {
    // Fractional scales and shifts: nearest-neighbour depth may come from the neighbouring pixel,
    // which at depth edges differs by more than the 5 cm tolerance. Measured on this frame: at
    // most 0.022 % of the points that land on valid depth fail (8 of 36427, seeds 0-7); we allow 0.5 %.
    for (let seed = 0; seed < 8; seed++) {
      const { view: aug } = randomCameraAugment(view, createRng(seed), { scale: [0.7, 1.4], shift: [-0.1, 0.1], integerShift: false, keepSize: seed % 2 === 0 });
      const cam = { intrinsics: aug.intrinsics, pose: aug.pose! };
      const [visible] = visibleSets(points, [cam], [aug.depth!], { tolerance: 0.05 });
      const proj = projectPoints(points, cam);
      let inside = 0;
      for (let i = 0; i < points.length / 3; i++) {
        const j = nearest(proj.uv[2 * i]), r = nearest(proj.uv[2 * i + 1]);
        if (j >= 0 && j < aug.intrinsics.width && r >= 0 && r < aug.intrinsics.height && aug.depth!.data[r * aug.intrinsics.width + j] > 0) inside++;
      }
      expect(inside).toBeGreaterThan(10000);
      expect(visible.length / inside).toBeGreaterThan(0.995);
    }
  });
});
