// Scene manifests: a valid manifest with defaults, and strict validation with file, line and path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrameDepth, loadManifest, writeDepthPng } from '../../lib/index.js';
import { IDENTITY, poseFromAxisAngle } from '../helpers/cameras.js';
import { flatDepth, put } from '../helpers/scene-files.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'spatial-manifest-'));
  await writeDepthPng(join(root, 'd0.png'), flatDepth(4, 3, 1.25), { scale: 1000 });
  await writeDepthPng(join(root, 'd1.png'), flatDepth(4, 3, 2.5), { scale: 5000 });
  await put(join(root, 'mesh.ply'), 'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n4 5 6\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const K = { fx: 10, fy: 10, cx: 1.5, cy: 1, width: 4, height: 3 };
const POSE = Array.from(poseFromAxisAngle([0, 1, 0], 0.4, [1, 2, 3]));

function valid(): Record<string, any> {
  return {
    version: 1,
    id: 'kitchen',
    up: 'z',
    depthScale: 1000,
    intrinsics: { ...K },
    points: 'mesh.ply',
    instances: [{ id: 1, label: 'chair', box: { min: [0, 0, 0], max: [1, 1, 1] } }, { id: 2, label: 'wall', box: { min: [0, 0, 0], max: [0, 5, 3] }, structural: true }],
    frames: [
      { id: 'a', depth: 'd0.png', pose: Array.from(IDENTITY), timestamp: 0.5 },
      { id: 'b', depth: join(root, 'd1.png'), depthScale: 5000, pose: POSE, color: 'd0.png', colorIntrinsics: { ...K, fx: 11 } },
    ],
  };
}

/** Writes a manifest (2-space JSON, so every key sits on its own line) and returns its path and text. */
async function write(doc: unknown, name = 'manifest.json'): Promise<{ file: string; text: string }> {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  const file = join(root, name);
  await writeFile(file, text);
  return { file, text };
}

/** 1-based line of the n-th (0-based) occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  return text.slice(0, at).split('\n').length;
}

describe('loadManifest', () => {
  it('loads frames with defaults, resolves relative paths, reads points and instances', async () => {
    const { file } = await write(valid());
    const scene = await loadManifest(file);
    expect(scene).toMatchObject({ id: 'kitchen', up: 'z', root, format: 'manifest' });
    expect(scene.frames.map((f) => f.id)).toEqual(['a', 'b']);
    expect(scene.frames[0]).toMatchObject({ intrinsics: K, depthScale: 1000, depthPath: join(root, 'd0.png'), timestamp: 0.5 });
    expect(scene.frames[1]).toMatchObject({ depthScale: 5000, colorPath: join(root, 'd0.png'), colorIntrinsics: { ...K, fx: 11 } });
    expect(Array.from(scene.frames[1].pose)).toEqual(POSE);
    expect(Array.from(scene.points!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(scene.instances).toEqual([
      { id: 1, label: 'chair', box: { min: [0, 0, 0], max: [1, 1, 1] } },
      { id: 2, label: 'wall', box: { min: [0, 0, 0], max: [0, 5, 3] }, structural: true },
    ]);
    expect((await loadFrameDepth(scene.frames[0])).data[0]).toBe(1.25);
    expect((await loadFrameDepth(scene.frames[1])).data[0]).toBe(2.5);
    // A directory means its manifest.json.
    expect((await loadManifest(root)).id).toBe('kitchen');
  });

  it.each<[string, (d: any) => void, string, string, string, number?]>([
    ['an unknown top-level key', (d: any) => { d.scale = 1; }, 'scale', '"scale"', 'unknown key (expected one of'],
    ['an unknown frame key', (d: any) => { d.frames[1].extra = true; }, 'frames[1].extra', '"extra"', 'unknown key'],
    ['a pose of 15 numbers', (d: any) => { d.frames[1].pose = POSE.slice(1); }, 'frames[1].pose', '"pose"', 'Expected 16 numbers (row-major camera-to-world 4x4) but received an Array of length 15', 1],
    ['a non-numeric pose entry', (d: any) => { d.frames[0].pose[5] = '1'; }, 'frames[0].pose[5]', '"1"', 'Expected a finite number but received the string "1"'],
    ['a non-rigid pose', (d: any) => { d.frames[0].pose[0] = 2; }, 'frames[0].pose', '"pose"', 'frames[0].pose must be rigid'],
    ['bad intrinsics', (d: any) => { d.intrinsics = { ...K, fx: -1 }; }, 'intrinsics', '"intrinsics"', 'intrinsics.fx and .fy must be > 0'],
    ['intrinsics without height', (d: any) => { delete d.intrinsics.height; }, 'intrinsics.height', '"intrinsics"', 'missing'],
    ['a duplicate frame id', (d: any) => { d.frames[1].id = 'a'; }, 'frames[1].id', '"id": "a"', 'duplicate frame id "a" (also frames[0])', 1],
    ['a missing depth file', (d: any) => { d.frames[0].depth = 'gone.png'; }, 'frames[0].depth', '"gone.png"', 'file <root>/gone.png does not exist'],
    ['no depth scale anywhere', (d: any) => { delete d.depthScale; }, 'frames[0].depthScale', '{\n      "id": "a"', 'missing (and no top-level depthScale)'],
    ['a wrong version', (d: any) => { d.version = 2; }, 'version', '"version"', 'Expected 1 but received the number 2'],
    ['an inverted instance box', (d: any) => { d.instances[0].box.min[2] = 2; }, 'instances[0].box', '"box"', 'min[2] = 2 exceeds max[2] = 1'],
    ['an instance id 0', (d: any) => { d.instances[0].id = 0; }, 'instances[0].id', '"id": 0', 'Expected an integer in [1, 65535] but received 0'],
    ['empty frames', (d: any) => { d.frames = []; }, 'frames', '"frames"', 'Expected a non-empty array of frames'],
  ])('rejects %s with ERR_SPATIAL_FORMAT naming file, line and path', async (_name, edit, path, needle, message, nth = 0) => {
    const doc = valid();
    edit(doc);
    const { file, text } = await write(doc, 'bad.json');
    const line = lineOf(text, needle, nth);
    await expect(loadManifest(file)).rejects.toMatchObject({
      code: 'ERR_SPATIAL_FORMAT',
      message: expect.stringContaining(`${file}:${line}: ${path}: ${message.replace('<root>', root)}`),
    });
  });

  it('reports invalid JSON with its line', async () => {
    const { file } = await write('{\n  "version": 1,\n  "id": "x",\n}\n', 'syntax.json');
    await expect(loadManifest(file)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(new RegExp(`^${file}:4: invalid JSON`)) });
  });

  it('a missing manifest is ERR_SPATIAL_IO', async () => {
    await expect(loadManifest(join(root, 'none.json'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: `Cannot read scene manifest ${join(root, 'none.json')}: no such file or directory` });
    await expect(loadManifest(42 as never)).rejects.toMatchObject({ code: 'ERR_SPATIAL_TYPE' });
  });
});
