// `spatial-geom targets`: the .npz numpy loads has the documented names, dtypes and shapes, and
// its values are the API's (rayGrid, rayEmbedding, cameraTokens, encodePoseAbsTQuatFov of the
// normalised scene, depthPatchTargets, normalizeScene's scale) for the same frames in the same order.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENE_TARGET_ARRAYS } from '../../lib/engine/scene-targets.js';
import {
  backprojectDepth, cameraTokens, depthPatchTargets, encodePoseAbsTQuatFov, metricScaleFactor, normalizeScene, rayEmbedding, rayGrid, resizeView, type Pose,
} from '../../lib/index.js';
import { readNpz } from '../../lib/io/npy.js';
import { loadScene, loadFrameDepth } from '../../lib/scenes/load.js';
import { runCli } from '../helpers/cli.js';
import { numpyTestsEnabled } from '../helpers/processes.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-targets-');
let sceneDir: string;
beforeAll(async () => {
  sceneDir = join(tmp(), 'scene');
  await writeSyntheticManifest(sceneDir, { frames: 6, width: 160, height: 120 });
}, 60_000);

/** numpy's view of every member: dtype string, shape, and the values as nested lists. */
function numpyLoad(file: string): Record<string, { dtype: string; shape: number[]; values: unknown }> {
  const py = `import json, sys, numpy as np
z = np.load(sys.argv[1])
print(json.dumps({k: {'dtype': z[k].dtype.str, 'shape': list(z[k].shape), 'values': z[k].tolist()} for k in z.files}))`;
  return JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

describe('spatial-geom targets', () => {
  it.runIf(numpyTestsEnabled())('writes OUT/<scene>.npz that numpy loads with the documented names, dtypes and shapes, holding the API values', async () => {
    const out = tmp();
    const r = await runCli(['targets', '--scene', sceneDir, '--out', out, '--image-size', '112x84', '--patch', '14', '--frequencies', '3', '--frame-step', '2']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/--format manifest \(detected/);
    const scene = await loadScene(sceneDir, 'manifest');
    const file = join(out, `${scene.id}.npz`);
    expect(r.out).toContain(file);
    const z = numpyLoad(file);
    expect(Object.keys(z)).toEqual(SCENE_TARGET_ARRAYS.map((a) => a.name));
    const frames = scene.frames.filter((_, i) => i % 2 === 0);
    const T = frames.length, R = 6, C = 8, F = 3;
    const dims: Record<string, number> = { T, R, C, F };
    for (const a of SCENE_TARGET_ARRAYS) {
      // The documented shape, e.g. '(T, R, C, 4F)', evaluated.
      const shape = a.shape.replace(/[()]/g, '').split(',').map((s) => s.trim()).filter(Boolean)
        .map((s) => { const m = /^(\d*)([TRCF]?)$/.exec(s)!; return (m[1] ? Number(m[1]) : 1) * (m[2] ? dims[m[2]] : 1); });
      expect(z[a.name].shape, a.name).toEqual(shape);
      const dtype = { '<U': /^<U\d+$/, int32: /^<i4$/, float64: /^<f8$/, float32: /^<f4$/, uint8: /^\|u1$/, uint32: /^<u4$/ }[a.dtype]!;
      expect(z[a.name].dtype, a.name).toMatch(dtype);
    }
    expect(z.frame_ids.values).toEqual(frames.map((f) => f.id));
    expect(z.image_size.values).toEqual([112, 84]);
    expect(z.patch_size.values).toBe(14);
    expect(z.frequencies.values).toBe(3);

    // The same values from the API, frame by frame (float32 members compare exactly).
    const poses: Pose[] = [], points: Float32Array[] = [], ks = [];
    for (const [t, f] of frames.entries()) {
      const view = resizeView({ intrinsics: f.intrinsics, depth: await loadFrameDepth(f), pose: f.pose }, { width: 112, height: 84 });
      const k = view.intrinsics;
      ks.push(k);
      poses.push(f.pose);
      points.push(backprojectDepth(view.depth!, { intrinsics: k, pose: f.pose }, { stride: 4 }));
      const frame = (name: string) => (z[name].values as unknown[])[t];
      expect(frame('intrinsics')).toEqual([k.fx, k.fy, k.cx, k.cy]);
      expect(flat(frame('world_from_cam'))).toEqual([...f.pose]);
      expect(flat(frame('rays'))).toEqual([...rayGrid(k, { patchSize: 14 })]);
      expect(flat(frame('ray_embedding'))).toEqual([...rayEmbedding(k, { patchSize: 14, frequencies: 3 })]);
      expect(flat(frame('camera_tokens'))).toEqual([...cameraTokens(view, { patchSize: 14, frequencies: 3, includeFocal: true }).data]);
      const dp = depthPatchTargets(view.depth!, 14);
      expect(flat(frame('depth_patch_median'))).toEqual([...dp.median]);
      expect(flat(frame('depth_patch_valid'))).toEqual([...dp.valid]);
      expect(flat(frame('depth_patch_count'))).toEqual([...dp.counts]);
      expect(dp.valid.some((v) => v === 1)).toBe(true);
    }
    const norm = normalizeScene({ poses, points });
    expect(z.metric_scale.values).toBe(norm.scale);
    expect(flat(z.pose_encoding.values)).toEqual([...encodePoseAbsTQuatFov(norm.poses, ks)]);
    // Frame 0 is the identity; the others' translations x metric_scale are the metric ones.
    expect(flat(z.pose_encoding.values).slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    const metricEnc = encodePoseAbsTQuatFov(poses, ks);
    for (let t = 1; t < T; t++) for (let j = 0; j < 3; j++) expect(metricEnc[9 * t + j]).toBeCloseTo(flat(z.pose_encoding.values)[9 * t + j] * norm.scale, 9);
    // GeoVR's scale fit of metric depth against depth in VGGT units gives the same factor.
    const d0 = resizeView({ intrinsics: frames[0].intrinsics, depth: await loadFrameDepth(frames[0]) }, { width: 112, height: 84 }).depth!;
    expect(metricScaleFactor(d0.data, d0.data.map((v) => v / norm.scale)).scale).toBeCloseTo(norm.scale, 5);

    // Our own reader agrees with numpy on the members (float64 exactly).
    const mine = await readNpz(file, { keys: ['intrinsics'] });
    expect([...(mine.get('intrinsics')!.data as Float64Array)]).toEqual(flat(z.intrinsics.values));
  }, 120_000);

  it("the README's table lists every array with its dtype and shape", () => {
    const readme = readFileSync(join(new URL('.', import.meta.url).pathname, '..', '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(\w+)` \| `?([<\w]+)`? \| (\([^)]*\)) \|/gm)].map((m) => [m[1], m[2], m[3]]);
    const documented = rows.filter(([name]) => SCENE_TARGET_ARRAYS.some((a) => a.name === name));
    expect(documented).toEqual(SCENE_TARGET_ARRAYS.map((a) => [a.name, a.dtype, a.shape]));
  });

  it('rejects bad options with exit 2, mixed frame sizes without --image-size, and leaves no partial file', async () => {
    const out = tmp();
    const cases: [string[], number, RegExp][] = [
      [['targets', '--out', out], 2, /--scene DIR is required \(ERR_SPATIAL_USAGE\)/],
      [['targets', '--scene', sceneDir, '--out', out, '--frequencies', '33'], 2, /--frequencies must be an integer in 1\.\.32 \(got 33\)/],
      [['targets', '--scene', sceneDir, '--out', out, '--patch', '0'], 2, /--patch must be an integer >= 1 \(got 0\)/],
      [['targets', '--scene', sceneDir, '--out', out, '--patch', '500'], 1, /patch size must be an integer in \[1, 120\] for 160x120 images \(got 500\) \(ERR_SPATIAL_SHAPE\)/],
      [['targets', '--scene', sceneDir, '--out', out, '--image-size', '112'], 2, /--image-size must be WxH/],
    ];
    for (const [args, code, msg] of cases) {
      const res = await runCli(args);
      expect(res.code, args.join(' ')).toBe(code);
      expect(res.err.trim().split('\n').filter((l) => !l.includes('detected')), args.join(' ')).toHaveLength(1);
      expect(res.err, args.join(' ')).toMatch(msg);
    }
    // A frame of another size: named, with the way out.
    const mixed = join(tmp(), 'mixed');
    await writeSyntheticManifest(mixed, { frames: 3, width: 160, height: 120 });
    const manifest = JSON.parse(readFileSync(join(mixed, 'manifest.json'), 'utf8'));
    const f1 = manifest.frames[1];
    f1.intrinsics = { ...(f1.intrinsics ?? manifest.intrinsics), width: 80, height: 60 };
    writeFileSync(join(mixed, 'manifest.json'), JSON.stringify(manifest));
    const res = await runCli(['targets', '--scene', mixed, '--format', 'manifest', '--out', out]);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/frame frame-000001 is 80x60 but frame frame-000000 is 160x120: give an image size \(--image-size WxH\) \(ERR_SPATIAL_SHAPE\)/);
    expect(existsSync(join(out, `${manifest.id}.npz`))).toBe(false);
  }, 60_000);
});
