// Hostile scene folders through the built CLI, each in a child process with a timeout (and a memory
// limit where the input could exhaust memory): every case ends in one coded line and exit 1, never a
// hang, a crash or a dataset built from bad data.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipNpzMembers, npy, npyBytes, npyOf, zeroBomb, zip, type ZipMember } from '../helpers/npz.js';
import { type CliRun, ensureBuilt, runBuiltCli } from '../helpers/processes.js';
import { sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-harden-cli-');
const holo = sample('hololens-scannet');

beforeAll(() => ensureBuilt(), 120_000);

/** A writable copy of the ScanNet sample (the shared folder is read-only and must stay untouched). */
const holoCopy = () => copyOf(holo.dir, 'holo');

/** A writable copy of a shared sample. */
function copyOf(src: string, name: string): string {
  const dir = join(tmp(), name);
  cpSync(src, dir, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', dir]);
  return dir;
}

describe.runIf(holo.present)('non-regular files in a scene folder', () => {
  for (const victim of ['pose/3.txt', 'depth/3.png', 'color/3.png'])
    it(`a FIFO in place of ${victim} is ERR_SPATIAL_IO naming it, not a hang`, async () => {
      const dir = holoCopy();
      rmSync(join(dir, victim));
      execFileSync('mkfifo', [join(dir, victim)]);
      const r = await runBuiltCli(['generate', '--scene', dir, '--format', 'scannet', '--out', join(dir, 'out'), '--tasks', 'camera'], { timeoutMs: 20_000 });
      expect(r.signal, `killed after ${r.ms} ms: ${r.stderr}`).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(join(dir, victim));
      expect(r.stderr).toMatch(/not a regular file.*ERR_SPATIAL_IO/);
    }, 30_000);
});

const clipMembers = clipNpzMembers;

const MEMORY_KIB = 3 * 1024 * 1024; // 3 GiB of address space: the good clip runs in 2

async function generateClipCli(file: string): Promise<CliRun> {
  return runBuiltCli(['generate', '--scene', file, '--format', 'tapvid3d', '--out', join(dirname(file), 'out'), '--no-prompts'], { timeoutMs: 30_000, memoryKiB: MEMORY_KIB });
}

describe('hostile .npz clips under a 3 GiB memory limit', () => {
  const write = async (members: ZipMember[], name = 'clip.npz') => {
    const file = join(tmp(), name);
    writeFileSync(file, zip(members));
    return file;
  };

  it('the valid clip generates (the limit leaves room for good input)', async () => {
    const r = await generateClipCli(await write(await clipMembers()));
    expect(r.code, r.stderr).toBe(0);
  }, 40_000);

  it('a track with a NaN is left out and counted in the log and stats.json', async () => {
    const members = await clipMembers(3, 12);
    const tracks = new Float32Array(3 * 12 * 3);
    for (let f = 0; f < 3; f++) for (let i = 0; i < 12; i++) tracks.set([0.05 * (i % 4) - 0.1, 0.05 * Math.floor(i / 4) - 0.05, 2], 3 * (f * 12 + i));
    tracks[3 * (1 * 12 + 5) + 2] = NaN;
    members[0] = { name: 'tracks_XYZ.npy', data: npyOf(tracks, [3, 12, 3], '<f4') };
    const file = await write(members);
    const r = await generateClipCli(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 frames, 12 tracks \(1 left out: NaN or infinite coordinates\)/);
    expect(JSON.parse(readFileSync(join(dirname(file), 'out', 'stats.json'), 'utf8')).nonFiniteTracks).toBe(1);
  }, 40_000);

  it('a |S0 member of shape (80000000,) is ERR_SPATIAL_FORMAT naming the member, not 4.6 GB of objects', async () => {
    const members = (await clipMembers()).filter((m) => !m.name.startsWith('images'));
    members.push({ name: 'images_jpeg_bytes.npy', data: npy('|S0', [80_000_000], new Uint8Array(0)) });
    const file = await write(members);
    const r = await generateClipCli(file);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}.*images_jpeg_bytes.*ERR_SPATIAL_FORMAT`));
  }, 40_000);

  it('a 3 GB deflated member nobody reads is never inflated', async () => {
    const members = await clipMembers();
    members.push({ name: 'junk.npy', rawDeflate: zeroBomb(3000), declaredSize: 3000 * 2 ** 20 });
    const r = await generateClipCli(await write(members));
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
  }, 40_000);

  it('a member whose zip entry declares 4 GiB but holds a few bytes is rejected before allocating', async () => {
    const members = await clipMembers();
    members[0] = { ...members[0], declaredSize: 2 ** 32 - 1 };
    const file = await write(members);
    const r = await generateClipCli(file);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}.*tracks_XYZ.*4294967295.*ERR_SPATIAL_FORMAT`));
  }, 40_000);

  it('a member that inflates to more or less than its zip entry declares is rejected', async () => {
    for (const lie of [-100, 100]) {
      const members = await clipMembers();
      members[0] = { ...members[0], declaredSize: members[0].data!.length + lie };
      const file = await write(members);
      const r = await generateClipCli(file);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${file}.*tracks_XYZ.*ERR_SPATIAL_FORMAT`));
    }
  }, 40_000);

  it('a tracks_XYZ member declaring shape (1000000, 1000000, 3) over 96 bytes is rejected', async () => {
    const members = await clipMembers();
    members[0] = { name: 'tracks_XYZ.npy', data: npy('<f4', [1e6, 1e6, 3], new Uint8Array(96)) };
    const file = await write(members);
    const r = await generateClipCli(file);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}.*tracks_XYZ.*ERR_SPATIAL_FORMAT`));
  }, 40_000);
});

const redwood = sample('redwood-tum');

describe.runIf(holo.present && redwood.present)('paths that leave the scene folder', () => {
  const generate = (dir: string, format: string, extra: string[] = []) =>
    runBuiltCli(['generate', '--scene', dir, '--format', format, '--out', join(dir, '..', 'out'), '--tasks', 'camera', '--per-task', '2', ...extra], { timeoutMs: 30_000 });

  it('a TUM rgb.txt entry ../../../../../etc/passwd is an error naming the entry and rgb.txt', async () => {
    const dir = copyOf(redwood.dir, 'tum');
    const list = readFileSync(join(dir, 'rgb.txt'), 'utf8').replace('rgb/1000.100000.jpg', '../../../../../etc/passwd');
    writeFileSync(join(dir, 'rgb.txt'), list);
    const r = await generate(dir, 'tum');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${join(dir, 'rgb.txt')}:4: .*"../../../../../etc/passwd".* outside the scene folder .*ERR_SPATIAL_FORMAT`));
  }, 40_000);

  it('a ScanNet colour frame symlinked outside the folder is refused, and allowed with --allow-outside-paths', async () => {
    const dir = copyOf(holo.dir, 'scannet');
    const outside = join(dir, '..', 'elsewhere.png');
    cpSync(join(dir, 'color', '3.png'), outside);
    rmSync(join(dir, 'color', '3.png'));
    symlinkSync(outside, join(dir, 'color', '3.png'));
    const r = await generate(dir, 'scannet');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${join(dir, 'color', '3.png')}.* outside the scene folder .*ERR_SPATIAL_FORMAT`));
    const ok = await generate(dir, 'scannet', ['--allow-outside-paths']);
    expect(ok.code, ok.stderr).toBe(0);
  }, 60_000);

  it('a manifest pointing at an absolute path outside its folder is refused unless allowed', async () => {
    const root = tmp();
    const store = copyOf(holo.dir, 'store'); // a shared image store beside the manifest's folder
    const dir = join(root, 'scene');
    const k = { fx: 495.568, fy: 495.482, cx: 269.503, cy: 169.194, width: 540, height: 360 };
    const frames = [0, 5, 10].map((n) => ({
      id: String(n), depth: join(store, 'depth', `${n}.png`), color: join(store, 'color', `${n}.png`),
      pose: readFileSync(join(store, 'pose', `${n}.txt`), 'utf8').trim().split(/\s+/).map(Number),
    }));
    cpSync(join(store, 'pose'), join(dir, 'pose'), { recursive: true }); // makes the folder
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, id: 'm', depthScale: 1000, intrinsics: k, frames }, null, 2));
    const r = await generate(join(dir, 'manifest.json'), 'manifest');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${join(dir, 'manifest.json')}:\\d+: frames\\[0\\]\\.depth: file .*outside the scene folder .*ERR_SPATIAL_FORMAT`));
    const ok = await generate(join(dir, 'manifest.json'), 'manifest', ['--allow-outside-paths']);
    expect(ok.code, ok.stderr).toBe(0);
  }, 60_000);
});

describe.runIf(holo.present)('colour frames are checked before they enter a dataset', () => {
  const bad: [string, (png: Buffer) => Promise<Buffer | string>, RegExp][] = [
    ['an HTML page', async () => '<html><body>404 Not Found</body></html>\n', /color\/3\.png.*not a PNG or JPEG.*ERR_SPATIAL_FORMAT/],
    ['a truncated PNG', async (png) => png.subarray(0, png.length >> 1), /color\/3\.png.*truncated.*ERR_SPATIAL_FORMAT/],
    ['a PNG of another size', async (png) => sharp(png).resize(270, 180).png().toBuffer(), /color\/3\.png is 270x180 but .*540x360.*ERR_SPATIAL_SHAPE/],
  ];
  for (const [what, make, msg] of bad)
    it(`${what} in place of colour frame 3 (--no-prompts) is an error, not a listed image`, async () => {
      const dir = holoCopy();
      const file = join(dir, 'color', '3.png');
      writeFileSync(file, await make(readFileSync(file)));
      const r = await runBuiltCli(['generate', '--scene', dir, '--format', 'scannet', '--out', join(dir, 'out'), '--tasks', 'depth', '--no-prompts'], { timeoutMs: 30_000 });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
    }, 40_000);
});

describe('TAPVid-3D frames are checked before they are copied', () => {
  const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['an HTML payload', async () => new Uint8Array(Buffer.from('<html>moved</html>')), /images_jpeg_bytes\[1\].*not a PNG or JPEG.*ERR_SPATIAL_FORMAT/],
    ['a JPEG cut after its header', async () => {
      const b = await sharp({ create: { width: 32, height: 24, channels: 3, background: 'red' } }).jpeg().toBuffer();
      return new Uint8Array(b.subarray(0, b.length - 10)); // the header (tables, SOF, SOS) is intact, the scan is cut
    }, /images_jpeg_bytes\[1\].*truncated.*ERR_SPATIAL_FORMAT/],
    ['a 64x48 frame in a 32x24 clip', async () => new Uint8Array(await sharp({ create: { width: 64, height: 48, channels: 3, background: 'red' } }).jpeg().toBuffer()), /images_jpeg_bytes\[1\] is 64x48 but .*32x24.*ERR_SPATIAL_SHAPE/],
  ];
  for (const [what, frame, msg] of cases)
    it(`${what} as frame 1 is an error (--no-prompts)`, async () => {
      const members = (await clipMembers()).filter((m) => !m.name.startsWith('images'));
      const good = await sharp({ create: { width: 32, height: 24, channels: 3, background: 'blue' } }).jpeg().toBuffer();
      members.push({ name: 'images_jpeg_bytes.npy', data: npyBytes([new Uint8Array(good), await frame(), new Uint8Array(good)]) });
      const file = join(tmp(), 'clip.npz');
      writeFileSync(file, zip(members));
      const r = await generateClipCli(file);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
    }, 40_000);

  it('a 64x48 frame in a 32x24 JSON clip is an error (its decoded size is checked too)', async () => {
    const dir = tmp();
    const img = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: 'blue' } }).jpeg().toBuffer();
    mkdirSync(join(dir, 'frames'));
    for (const [t, [w, h]] of [[32, 24], [64, 48], [32, 24]].entries()) writeFileSync(join(dir, 'frames', `${t}.jpg`), await img(w, h));
    const tracks = [0, 1, 2].map((f) => Array.from({ length: 8 }, (_, i) => [0.05 * (i % 4) - 0.1 + 0.01 * f, 0.05 * Math.floor(i / 4) - 0.05, 2]));
    const file = join(dir, 'clip.json');
    writeFileSync(file, JSON.stringify({ fx_fy_cx_cy: [30, 31, 15.5, 11.5], tracks_XYZ: tracks, visibility: tracks.map((f) => f.map(() => 1)), images: [0, 1, 2].map((t) => `frames/${t}.jpg`) }));
    const r = await generateClipCli(file);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/frame 1 of clip clip is 64x48 but clip clip's intrinsics is for 32x24.*ERR_SPATIAL_SHAPE/);
  }, 40_000);
});
