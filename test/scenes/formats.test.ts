// The scene-format registry (lib/scenes/formats.ts): every format has a sample here that its
// detector accepts (not the folder holding it), that loadScene loads, and whose name
// in a dataset follows the format's rule.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSceneList } from '../../lib/engine/dataset.js';
import { writeDepthPng } from '../../lib/index.js';
import { SCENE_FORMAT_REGISTRY, SCENE_FORMATS, type SceneFormat, formatNameList, sceneFormat } from '../../lib/scenes/formats.js';
import { loadScene } from '../../lib/scenes/load.js';
import { IDENTITY } from '../helpers/cameras.js';
import { flatDepth, put, writeScanNet, writeTum } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-formats-');
const K = { fx: 10, fy: 10, cx: 1.5, cy: 1, width: 4, height: 3 };

/** A minimal scene of each format: writes it under `dir` and returns the path its loader takes. */
const SAMPLES: Record<SceneFormat, (dir: string) => Promise<string>> = {
  scannet: async (dir) => {
    await writeScanNet(join(dir, 'scene0001_00'), [{ n: '0', pose: IDENTITY }]);
    return join(dir, 'scene0001_00');
  },
  tum: async (dir) => {
    await writeTum(join(dir, 'rgbd_seq'), { rgb: ['1.0'], depth: ['1.0'], groundtruth: ['1.0 0 0 0 0 0 0 1'] });
    return join(dir, 'rgbd_seq');
  },
  manifest: async (dir) => {
    await put(join(dir, 'room', 'manifest.json'), JSON.stringify({ version: 1, id: 'room', frames: [{ id: '0', depth: 'd.png', depthScale: 1000, intrinsics: K, pose: Array.from(IDENTITY) }] }));
    await writeDepthPng(join(dir, 'room', 'd.png'), flatDepth(4, 3, 1), { scale: 1000 });
    return join(dir, 'room');
  },
};

const samples = new Map<SceneFormat, string>();
let root: string;
beforeAll(async () => {
  root = tmp();
  for (const f of SCENE_FORMATS) samples.set(f, await SAMPLES[f](join(root, f)));
});

describe('scene-format registry', () => {
  it('lists each format once, in the order the help texts name them', () => {
    expect(SCENE_FORMATS.slice(0, 3)).toEqual(['scannet', 'tum', 'manifest']);
    expect(new Set(SCENE_FORMATS).size).toBe(SCENE_FORMATS.length);
    expect(Object.keys(SAMPLES).sort()).toEqual([...SCENE_FORMATS].sort());
    expect(formatNameList((n) => `'${n}'`)).toMatch(/^'scannet', 'tum'(?:, '\w+')* or '\w+'$/);
    expect(sceneFormat('colmap')).toBeUndefined();
  });

  it.each(SCENE_FORMAT_REGISTRY.map((f) => f.name))('%s: its sample is detected, loads, and is named by its rule', async (name) => {
    const path = samples.get(name)!;
    // Detectors need not exclude each other (a TUM folder has a depth/ folder, as ScanNet's has):
    // the format is always named by the user, the detector only finds scenes in a folder.
    expect(await sceneFormat(name)!.detect(path)).toBe(true);
    expect(await sceneFormat(name)!.detect(join(root, name))).toBe(false);
    const scene = await loadScene(path, name);
    expect(scene.frames.length).toBeGreaterThan(0);
    expect(scene.format).toBe(name);
    const listed = await parseSceneList(`${name}:${join(root, name)}`);
    expect(listed).toEqual([{ name: sceneFormat(name)!.sceneName(path), source: { kind: 'path', path, format: name } }]);
  });

  it('manifest files are named after their file, manifest.json after its folder', () => {
    const m = sceneFormat('manifest')!;
    expect(m.sceneName('/data/a/manifest.json')).toBe('a');
    expect(m.sceneName('/data/b.JSON')).toBe('b');
    expect(m.sceneName('/data/c')).toBe('c');
    expect(sceneFormat('scannet')!.sceneName('/data/scene0000_00')).toBe('scene0000_00');
  });
});
