// Real data: the 15 HoloLens frames of ../shared/data/hololens-scannet, back-projected into world
// point maps. Frame selection (native == reference), VGGT normalisation and pose encoding of the
// real trajectory, and Sim(3) alignment of a frame's camera-space points to its world points.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';
import type { DepthMap, Intrinsics, Pose } from '../../lib/types.js';

const ROOT = join(__dirname, '../../../shared/data/hololens-scannet');
const FRAMES = 15;

function readMatrix(path: string): number[] {
  return readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
}

/** Re-orthonormalises a 6-digit pose file (Gram-Schmidt on the rotation columns) so it passes the rigidity check exactly. */
function rigid(m: number[]): Pose {
  const col = (c: number) => [m[c], m[4 + c], m[8 + c]];
  const norm = (v: number[]) => { const l = Math.hypot(...v); return v.map((x) => x / l); };
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const x = norm(col(0));
  const y0 = col(1);
  const y = norm(y0.map((v, i) => v - dot(x, y0) * x[i]));
  const z = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
  return Float64Array.of(x[0], y[0], z[0], m[3], x[1], y[1], z[1], m[7], x[2], y[2], z[2], m[11], 0, 0, 0, 1);
}

let k: Intrinsics;
const poses: Pose[] = [];
const depths: DepthMap[] = [];
const maps: Float32Array[] = [];

beforeAll(async () => {
  const m = readMatrix(join(ROOT, 'intrinsic/intrinsic_depth.txt'));
  k = { fx: m[0], fy: m[5], cx: m[2], cy: m[6], width: 540, height: 360 };
  for (let f = 0; f < FRAMES; f++) {
    poses.push(rigid(readMatrix(join(ROOT, `pose/${f}.txt`))));
    const { data, info } = await sharp(join(ROOT, `depth/${f}.png`)).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const mm = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    depths.push({ width: info.width, height: info.height, data: Float32Array.from(mm, (v) => v / 1000) });
    maps.push(native.backprojectDepth(depths[f], { intrinsics: k, pose: poses[f] }, { stride: 2 }));
  }
});

describe('real data (hololens-scannet)', () => {
  it('selects frames identically on both backends, covering most of the scene', () => {
    const n = native.voxelCoverageSelectDetailed(maps, 5);
    const r = reference.voxelCoverageSelectDetailed(maps, 5);
    expect(n).toEqual(r);
    expect(n.frames).toHaveLength(5);
    expect(n.greedyPicks).toBe(5);
    // Greedy gains shrink (submodularity) and five of fifteen frames cover most voxels.
    const gains = n.coverage.map((c, i) => c - (i ? n.coverage[i - 1] : 0));
    for (let i = 1; i < gains.length; i++) expect(gains[i]).toBeLessThanOrEqual(gains[i - 1]);
    expect(n.coverage[4] / n.totalVoxels).toBeGreaterThan(0.6);
    // With a fixed voxel of 10 cm and 3 of 15 candidates.
    const coarse = native.voxelCoverageSelectDetailed(maps, 2, { voxelSize: 0.1, candidates: 3 });
    expect(coarse.candidates).toEqual([0, 7, 14]);
    expect(coarse).toEqual(reference.voxelCoverageSelectDetailed(maps, 2, { voxelSize: 0.1, candidates: 3 }));
  });

  it('normalises the real scene and encodes its trajectory', () => {
    const norm = native.normalizeScene({ poses, points: maps, depths });
    expect(norm.scale).toBeGreaterThan(1); // metres: the room is a few metres around the first camera
    expect(norm.scale).toBeLessThan(5);
    const back = native.denormalizeScene({ points: norm.points }, norm.scale, norm.worldFromFirst);
    for (let i = 0; i < maps[3].length; i += 997) expect(Math.abs(back.points![3][i] - maps[3][i])).toBeLessThan(1e-4); // float32 storage
    const enc = native.encodePoseAbsTQuatFov(norm.poses, k);
    const dec = native.decodePoseAbsTQuatFov(enc, { width: 540, height: 360, principalPoint: 'center' });
    for (let f = 0; f < FRAMES; f++)
      for (let i = 0; i < 16; i++) expect(Math.abs(dec.poses[f][i] - norm.poses[f][i])).toBeLessThan(1e-9);
  });

  it('recovers a frame pose by aligning its camera-space points to its world points', () => {
    const f = 6;
    const cam = native.backprojectDepth(depths[f], { intrinsics: k, pose: Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) }, { stride: 2 });
    for (const api of [native, reference]) {
      const a = api.alignSim3(cam, maps[f]);
      expect(Math.abs(a.scale - 1)).toBeLessThan(1e-5);
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(a.rotation[r * 3 + c] - poses[f][r * 4 + c])).toBeLessThan(1e-5);
        expect(Math.abs(a.translation[r] - poses[f][r * 4 + 3])).toBeLessThan(1e-4);
      }
      expect(a.rmse).toBeLessThan(1e-5); // float32 storage of both point sets
    }
  });
});
