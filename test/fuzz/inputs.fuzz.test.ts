// Seeded fuzzing of every input the data engine reads: .npz and JSON clips, PLY meshes, PNG/JPEG
// frames (in this process, through the loaders), and TUM / ScanNet / manifest folders and clips
// (through the built CLI, each run a child process under a memory limit and a timeout). Mutations:
// truncation, byte flips, wrong magic, huge declared counts, shapes and sizes, wrong dtypes, hostile
// paths. Every case must end in a correct result or one coded error (`err.code` ERR_SPATIAL_*);
// anything else (an uncoded error, a crash, a hang, a signal) fails the test. One summary line per
// class goes to stdout: cases, outcomes by code.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFrameBytes, decodeImage } from '../../lib/io/image.js';
import { readPlyPoints } from '../../lib/io/ply.js';
import { createRng, type Rng } from '../../lib/random.js';
import { loadClipJson, loadTapVid3dNpz } from '../../lib/scenes/clip.js';
import { clipNpzMembers, npy, zip, type ZipMember } from '../helpers/npz.js';
import { ensureBuilt, runBuiltCli } from '../helpers/processes.js';
import { repoRoot, sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-fuzz-');
const SEED = Number(process.env.FUZZ_SEED ?? 14);
const FIXTURES = join(repoRoot, 'test', 'fixtures', 'tapvid3d');
/** Address space of a CLI child: V8 and libvips reserve much more than they touch; good input runs in 2 GiB. */
const MEMORY_KIB = 3 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Outcomes

type Outcome = 'ok' | `ERR_SPATIAL_${string}` | `BAD: ${string}`;

class Tally {
  readonly counts = new Map<string, number>();
  readonly bad: string[] = [];
  constructor(readonly name: string) {}
  add(label: string, outcome: Outcome): void {
    this.counts.set(outcome.startsWith('BAD') ? 'BAD' : outcome, (this.counts.get(outcome.startsWith('BAD') ? 'BAD' : outcome) ?? 0) + 1);
    if (outcome.startsWith('BAD')) this.bad.push(`${label}: ${outcome}`);
  }
  /** Prints the one-line summary and fails on any case that did not end well. */
  report(): void {
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k.replace('ERR_SPATIAL_', '')} ${v}`);
    console.log(`fuzz ${this.name}: ${total} cases: ${parts.join(', ')}`);
    expect(this.bad, this.bad.slice(0, 5).join('\n')).toEqual([]);
  }
}

/** Runs one in-process case: a result the check accepts, or an error with an ERR_SPATIAL_ code. */
async function outcomeOf(run: () => Promise<void>): Promise<Outcome> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_SPATIAL_')) return code as Outcome;
    return `BAD: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? e}`.slice(0, 300) as Outcome;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutators

const HUGE = ['4294967295', '4294967296', '9007199254740991', '9007199254740993', '1e300', '-1', '0', '99999999999999999999'];

// Copies go through new Uint8Array(): Buffer.prototype.slice would return a view and mutate the seed.
function truncate(b: Uint8Array, rng: Rng): Uint8Array {
  return new Uint8Array(b.subarray(0, rng.int(0, Math.max(0, b.length - 1))));
}
function flip(b: Uint8Array, rng: Rng): Uint8Array {
  const out = new Uint8Array(b);
  for (let k = rng.int(1, 8); k > 0 && out.length; k--) out[rng.int(0, out.length - 1)] ^= rng.int(1, 255);
  return out;
}
function wrongMagic(b: Uint8Array, rng: Rng): Uint8Array {
  const out = new Uint8Array(b);
  for (let i = 0, n = rng.int(1, 8); i < n && i < out.length; i++) out[i] = rng.int(0, 255);
  return out;
}
/** Replaces one decimal number of a text (a count, a shape entry, a matrix element) by a huge or odd one. */
function hugeNumber(text: string, rng: Rng): string {
  const nums = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi)];
  if (!nums.length) return text;
  const m = rng.pick(nums);
  return text.slice(0, m.index) + rng.pick([...HUGE, 'NaN', 'inf', '"x"', '[]']) + text.slice(m.index! + m[0].length);
}
function mutateBytes(b: Uint8Array, rng: Rng): [string, Uint8Array] {
  const k = rng.int(0, 2);
  return k === 0 ? ['truncate', truncate(b, rng)] : k === 1 ? ['flip', flip(b, rng)] : ['magic', wrongMagic(b, rng)];
}
function mutateText(t: string, rng: Rng): [string, string] {
  const k = rng.int(0, 3);
  if (k === 0) return ['huge', hugeNumber(t, rng)];
  if (k === 1) return ['truncate', t.slice(0, rng.int(0, Math.max(0, t.length - 1)))];
  if (k === 2) return ['flip', Buffer.from(flip(Buffer.from(t, 'latin1'), rng)).toString('latin1')];
  return ['huge2', hugeNumber(hugeNumber(t, rng), rng)];
}

// ---------------------------------------------------------------------------------------------
// Seeds: small inputs written here, the repository's fixtures, the shared real samples.

const jpeg = (w: number, h: number, r: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 80, b: 160 } } }).jpeg().toBuffer();
const png = (w: number, h: number, r: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 80, b: 160 } } }).png().toBuffer();

const clipMembers = () => clipNpzMembers(3, 8, { extrinsics: true });

/** A member-level mutation of a clip: header shape or dtype, declared zip size, data bytes, or a missing member. */
function mutateMembers(members: ZipMember[], rng: Rng): [string, ZipMember[]] {
  const out = members.map((m) => ({ ...m }));
  const i = rng.int(0, out.length - 1);
  const m = out[i];
  const header = Buffer.from(m.data!.subarray(0, 128)).toString('latin1');
  switch (rng.int(0, 6)) {
    case 0: { // huge or odd shape
      const shape = rng.pick(['(4294967295, 4294967295, 3)', '(80000000,)', '(0, 8, 3)', '(3, 0)', '(9007199254740993,)', '(-1, 8, 3)', '()']);
      const text = header.replace(/'shape': \([^)]*\)/, `'shape': ${shape}`);
      const data = new Uint8Array(m.data!);
      data.set(Buffer.from(text.slice(0, 128), 'latin1').subarray(0, Math.min(128, data.length)));
      out[i] = { ...m, data };
      return [`shape ${m.name} ${shape}`, out];
    }
    case 1: { // another dtype of the same width or not
      const dtype = rng.pick(['<i4', '<i8', '|S0', '|S1', '<U5', '|O', '>f8', '<f2', '|b1', '<c8']);
      const text = header.replace(/'descr': '[^']*'/, `'descr': '${dtype}'`.padEnd(`'descr': '${/'descr': '([^']*)'/.exec(header)?.[1]}'`.length));
      const data = new Uint8Array(m.data!);
      data.set(Buffer.from(text.slice(0, 128), 'latin1').subarray(0, Math.min(128, data.length)));
      out[i] = { ...m, data };
      return [`dtype ${m.name} ${dtype}`, out];
    }
    case 2: { // the zip entry lies about the size
      const size = rng.pick([0, 1, m.data!.length - 1, m.data!.length + 1, 2 ** 31, 2 ** 32 - 1]);
      out[i] = { ...m, declaredSize: size };
      return [`declared ${m.name} ${size}`, out];
    }
    case 3:
      out[i] = { ...m, data: flip(m.data!, rng) };
      return [`flip ${m.name}`, out];
    case 4:
      out[i] = { ...m, data: truncate(m.data!, rng) };
      return [`truncate ${m.name}`, out];
    case 5:
      out.splice(i, 1);
      return [`drop ${m.name}`, out];
    default: { // a bomb member the reader should never inflate, or a huge stored one
      out.push({ name: rng.pick(['junk.npy', 'queries_xyt.npy', 'images_jpeg_bytes.npy']), data: npy('<f4', [1 << 28], new Uint8Array(0)), declaredSize: rng.pick([2 ** 31, 2 ** 32 - 1, 0]) });
      return ['extra member', out];
    }
  }
}

/** What a loaded clip must satisfy to count as a correct result. */
async function checkClip(clip: Awaited<ReturnType<typeof loadTapVid3dNpz>>): Promise<void> {
  expect(clip.tracksXYZ.length).toBe(clip.frames * clip.tracks * 3);
  expect(clip.visibility.length).toBe(clip.frames * clip.tracks);
  expect(clip.tracks).toBeGreaterThan(0);
  const k = clip.intrinsics;
  expect(k.fx > 0 && k.fx < 1e6 && k.fy > 0 && k.fy < 1e6).toBe(true);
  // Frames are checked as the engine does before copying them.
  for (let t = 0; t < clip.frames && clip.images?.encoded; t++) {
    const e = clip.images.encoded(t);
    await checkFrameBytes(e.bytes, e.source, { width: k.width, height: k.height, what: 'the clip' });
  }
}

// ---------------------------------------------------------------------------------------------
// In-process classes

describe('fuzz: readers in this process', () => {
  it('.npz clips: whole-file and member-level mutations of a written clip and the TAPVid-3D fixtures', async () => {
    const rng = createRng(`${SEED}/npz`);
    const tally = new Tally('npz clips');
    const dir = tmp();
    const base = await clipMembers();
    const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.npz')).map((f) => readFileSync(join(FIXTURES, f)));
    for (let c = 0; c < 160; c++) {
      let label: string, bytes: Uint8Array;
      if (c < 100) {
        const [what, members] = mutateMembers(base, rng);
        [label, bytes] = [what, zip(members)];
      } else {
        const [what, b] = mutateBytes(rng.pick([zip(base), ...fixtures]), rng);
        [label, bytes] = [`file ${what}`, b];
      }
      const p = join(dir, `c${c}.npz`);
      writeFileSync(p, bytes);
      tally.add(`${c} ${label}`, await outcomeOf(async () => checkClip(await loadTapVid3dNpz(p, { imageSize: [32, 24] }))));
    }
    tally.report();
  });

  it('JSON clips: mutated text, numbers, nesting and image paths', async () => {
    const rng = createRng(`${SEED}/json`);
    const tally = new Tally('JSON clips');
    const dir = tmp();
    mkdirSync(join(dir, 'frames'));
    for (let t = 0; t < 3; t++) writeFileSync(join(dir, 'frames', `${t}.jpg`), await jpeg(32, 24, 60 * t));
    const tracks = [0, 1, 2].map((f) => Array.from({ length: 6 }, (_, i) => [0.02 * i - 0.05, 0.01 * f, 2]));
    const doc = { id: 'j', fx_fy_cx_cy: [30, 31, 15.5, 11.5], tracks_XYZ: tracks, visibility: tracks.map((f) => f.map((_, i) => i % 2 === 0)), images: [0, 1, 2].map((t) => `frames/${t}.jpg`) };
    const text = JSON.stringify(doc);
    for (let c = 0; c < 120; c++) {
      let label: string, body: string;
      const k = rng.int(0, 4);
      if (k === 0) {
        const path = rng.pick(['../../../../etc/passwd', '/etc/passwd', 'frames/missing.jpg', 'frames', '', 'frames/0.jpg/..', '/dev/zero']);
        [label, body] = [`image path ${path}`, JSON.stringify({ ...doc, images: ['frames/0.jpg', path, 'frames/2.jpg'] })];
      } else if (k === 1) {
        const n = rng.pick([10, 300, 100_000]);
        [label, body] = [`nesting ${n}`, text.replace('"visibility":', `"visibility":${'['.repeat(n)}${']'.repeat(n)},"x":`)];
      } else [label, body] = mutateText(text, rng);
      const p = join(dir, `c${c}.json`);
      writeFileSync(p, body);
      tally.add(`${c} ${label}`, await outcomeOf(async () => checkClip(await loadClipJson(p))));
    }
    tally.report();
  });

  it('PLY meshes: ASCII and binary, truncated, flipped, huge counts, wrong magic', async () => {
    const rng = createRng(`${SEED}/ply`);
    const tally = new Tally('PLY');
    const dir = tmp();
    const n = 40;
    const head = (format: string) => `ply\nformat ${format} 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nelement face 5\nproperty list uchar int vertex_indices\nend_header\n`;
    const ascii = head('ascii') + Array.from({ length: n }, (_, i) => `${i * 0.1} ${i * 0.2} ${i * 0.3} ${i}`).join('\n') + '\n' + Array.from({ length: 5 }, (_, i) => `3 ${i} ${i + 1} ${i + 2}`).join('\n') + '\n';
    const body = Buffer.alloc(n * 13 + 5 * 13);
    for (let i = 0; i < n; i++) [0.1, 0.2, 0.3].forEach((s, k) => body.writeFloatLE(i * s, 13 * i + 4 * k));
    for (let f = 0; f < 5; f++) {
      body.writeUInt8(3, 13 * n + 13 * f);
      for (let k = 0; k < 3; k++) body.writeInt32LE(f + k, 13 * n + 13 * f + 1 + 4 * k);
    }
    const binary = Buffer.concat([Buffer.from(head('binary_little_endian')), body]);
    for (let c = 0; c < 160; c++) {
      const bin = rng.next() < 0.5;
      let label: string, bytes: Uint8Array;
      if (rng.next() < 0.4) {
        const src = bin ? head('binary_little_endian') : ascii;
        const [what, t] = mutateText(src, rng);
        [label, bytes] = [`${bin ? 'binary' : 'ascii'} header ${what}`, bin ? Buffer.concat([Buffer.from(t, 'latin1'), body]) : Buffer.from(t, 'latin1')];
      } else {
        const [what, b] = mutateBytes(bin ? binary : Buffer.from(ascii), rng);
        [label, bytes] = [`${bin ? 'binary' : 'ascii'} ${what}`, b];
      }
      const p = join(dir, `c${c}.ply`);
      writeFileSync(p, bytes);
      tally.add(`${c} ${label}`, await outcomeOf(async () => {
        const pts = await readPlyPoints(p);
        expect(pts.length % 3).toBe(0);
        expect(pts.length).toBeLessThanOrEqual(bytes.length * 3);
      }));
    }
    tally.report();
  });

  it('PNG and JPEG frames: written ones and the real samples, truncated, flipped, wrong magic, huge sizes', async () => {
    const rng = createRng(`${SEED}/image`);
    const tally = new Tally('PNG/JPEG frames');
    const seeds: [string, Uint8Array][] = [['png', await png(40, 30, 10)], ['jpeg', await jpeg(40, 30, 200)]];
    const holo = sample('hololens-scannet'), redwood = sample('redwood-tum');
    if (holo.present) seeds.push(['holo png', readFileSync(join(holo.dir, 'color', '0.png'))]);
    if (redwood.present) seeds.push(['redwood jpeg', readFileSync(join(redwood.dir, 'rgb', readdirSync(join(redwood.dir, 'rgb'))[0]))]);
    for (let c = 0; c < 120; c++) {
      const [kind, src] = rng.pick(seeds);
      const meta = await sharp(src).metadata();
      let [what, bytes] = mutateBytes(src, rng);
      if (rng.next() < 0.25) {
        // Huge dimensions: PNG IHDR width/height (bytes 16-23), or a JPEG SOF's (after FFC0 + 5).
        bytes = new Uint8Array(src);
        const sof = kind.includes('png') ? 16 : Buffer.from(src).indexOf(Buffer.from([0xff, 0xc0])) + 5;
        const dv = new DataView(bytes.buffer);
        if (kind.includes('png')) { dv.setUint32(sof, 0x7fffffff); dv.setUint32(sof + 4, 0x7fffffff); } else { dv.setUint16(sof, 0xffff); dv.setUint16(sof + 2, 0xffff); }
        what = 'huge size';
      }
      tally.add(`${c} ${kind} ${what}`, await outcomeOf(async () => {
        await checkFrameBytes(bytes, `${kind} case ${c}`, { width: meta.width!, height: meta.height!, what: 'the seed' });
        const img = await decodeImage(bytes, `${kind} case ${c}`);
        expect([img.width, img.height]).toEqual([meta.width, meta.height]);
      }));
    }
    tally.report();
  });
});

// ---------------------------------------------------------------------------------------------
// CLI classes: scene folders built from mutated copies of the real samples, and clips

/** The CLI's verdict: exit 0 with well-formed outputs, or exit 1 with one coded error line. */
async function cliOutcome(args: string[], out: string): Promise<Outcome> {
  const r = await runBuiltCli([...args, '--out', out], { timeoutMs: 30_000, memoryKiB: MEMORY_KIB });
  if (r.signal || r.code === null) return `BAD: killed by ${r.signal} after ${r.ms} ms: ${r.stderr.slice(-300)}`;
  const errors = r.stderr.split('\n').filter((l) => l && !l.includes(': warning: '));
  if (r.code === 0) {
    if (errors.length) return `BAD: exit 0 but stderr ${errors.join(' | ').slice(0, 300)}`;
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl']) readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean).forEach((l) => JSON.parse(l));
    return 'ok';
  }
  const m = /^spatial-geom: error: .* \((ERR_SPATIAL_[A-Z]+)\)$/.exec(errors[0] ?? '');
  if (r.code !== 1 || errors.length !== 1 || !m) return `BAD: exit ${r.code}: ${r.stderr.slice(-400)}`;
  return m[1] as Outcome;
}

/** Runs `jobs` two at a time (the CI machine has two cores). */
async function pairwise<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}

const holo = sample('hololens-scannet');
const redwood = sample('redwood-tum');

describe('fuzz: the CLI on mutated scene folders and clips (child processes, 3 GiB, 30 s)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  /** A writable copy of a sample with one file mutated; returns the label. */
  function mutatedCopy(src: string, dst: string, targets: string[], rng: Rng): string {
    cpSync(src, dst, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', dst]);
    const target = rng.pick(targets);
    const file = join(dst, target);
    const bytes = readFileSync(file);
    if (/\.(txt|json)$/.test(target)) {
      const [what, t] = mutateText(bytes.toString('latin1'), rng);
      writeFileSync(file, Buffer.from(t, 'latin1'));
      return `${target} ${what}`;
    }
    const [what, b] = mutateBytes(bytes, rng);
    writeFileSync(file, b);
    return `${target} ${what}`;
  }

  it.runIf(holo.present && redwood.present)('TUM, ScanNet and manifest folders', async () => {
    const rng = createRng(`${SEED}/scenes`);
    const tally = new Tally('scene folders (CLI)');
    const root = tmp();
    // The manifest scene: the ScanNet sample's files described by a manifest.json inside the folder.
    const holoFrames = readdirSync(join(holo.dir, 'pose')).map((f) => f.replace('.txt', '')).sort((a, b) => Number(a) - Number(b));
    const manifestBase = join(root, 'manifest-base');
    cpSync(holo.dir, manifestBase, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', manifestBase]);
    const k = { fx: 495.568, fy: 495.482, cx: 269.503, cy: 169.194, width: 540, height: 360 };
    writeFileSync(join(manifestBase, 'manifest.json'), JSON.stringify({
      version: 1, id: 'm', depthScale: 1000, intrinsics: k,
      frames: holoFrames.map((n) => ({ id: n, depth: `depth/${n}.png`, color: `color/${n}.png`, pose: readFileSync(join(holo.dir, 'pose', `${n}.txt`), 'utf8').trim().split(/\s+/).map(Number) })),
    }, null, 1));
    const tumTargets = ['rgb.txt', 'depth.txt', 'groundtruth.txt', ...readdirSync(join(redwood.dir, 'depth')).map((f) => `depth/${f}`), ...readdirSync(join(redwood.dir, 'rgb')).map((f) => `rgb/${f}`)];
    const holoTargets = ['intrinsic/intrinsic_depth.txt', 'intrinsic/intrinsic_color.txt', ...holoFrames.flatMap((n) => [`pose/${n}.txt`, `depth/${n}.png`, `color/${n}.png`])];
    const specs: { format: string; src: string; targets: string[] }[] = [
      { format: 'tum', src: redwood.dir, targets: tumTargets },
      { format: 'scannet', src: holo.dir, targets: holoTargets },
      { format: 'manifest', src: manifestBase, targets: ['manifest.json', 'manifest.json', ...holoTargets.filter((t) => !t.startsWith('intrinsic') && !t.startsWith('pose'))] },
    ];
    const jobs = Array.from({ length: 24 }, (_, c) => {
      const spec = specs[c % 3];
      const dir = join(root, `c${c}`);
      const label = `${c} ${spec.format} ${mutatedCopy(spec.src, dir, spec.targets, rng)}`;
      return async () => [label, await cliOutcome(['generate', '--scene', dir, '--format', spec.format, '--per-task', '2'], join(root, `out${c}`))] as const;
    });
    for (const [label, outcome] of await pairwise(jobs)) tally.add(label, outcome);
    tally.report();
  }, 120_000);

  it('TAPVid-3D clips', async () => {
    const rng = createRng(`${SEED}/clip-cli`);
    const tally = new Tally('npz clips (CLI)');
    const root = tmp();
    const base = await clipMembers();
    const jobs = Array.from({ length: 10 }, (_, c) => {
      const [label, members] = c === 0 ? ['unmutated', base] : mutateMembers(base, rng);
      const file = join(root, `c${c}.npz`);
      writeFileSync(file, zip(members));
      return async () => [`${c} ${label}`, await cliOutcome(['generate', '--scene', file, '--format', 'tapvid3d', '--per-task', '2'], join(root, `out${c}`))] as const;
    });
    for (const [label, outcome] of await pairwise(jobs)) tally.add(label, outcome);
    tally.report();
  }, 120_000);
});
