// The CLI: the demo produces every output; bad input gives one clear line and a non-zero exit and
// leaves no output that looks complete; stats summarises a JSONL.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-cli-');
const repoRootDir = join(new URL('.', import.meta.url).pathname, '..', '..');

const run = runCli;

describe('spatial-geom CLI', () => {
  it('demo writes QA JSONL, prompt images, the overlap heat map and stats', async () => {
    const out = tmp();
    const r = await run(['demo', '--out', out, '--frames', '24']);
    expect(r.code, r.err).toBe(0);
    for (const f of ['qa_train.jsonl', 'qa_eval.jsonl', 'overlap.png', 'stats.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    expect(stats.frames).toBe(24);
    expect(Object.keys(stats.samples).length).toBeGreaterThanOrEqual(15);
    expect(r.out).toMatch(/time per stage/);
    const first = JSON.parse(readFileSync(join(out, 'qa_train.jsonl'), 'utf8').split('\n')[0]);
    for (const img of first.image) expect(existsSync(join(out, img)), img).toBe(true);
    // The dynamic half: object-movement (coord and dot) and camera questions from the moving-box clip.
    const dyn = JSON.parse(readFileSync(join(out, 'dynamic', 'stats.json'), 'utf8'));
    expect(dyn.groups.filter((g: { moving: boolean }) => g.moving).length).toBe(3);
    for (const t of ['tapvid3d_total_distance_coord', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_coord', 'tapvid3d_displacement_vector_dot', 'total_distance'])
      expect(dyn.samples[t], t).toBe(10);
    expect(r.out).toMatch(/clip synthetic-clip-0: 40 frames/);
    const dynFirst = JSON.parse(readFileSync(join(out, 'dynamic', 'qa_train.jsonl'), 'utf8').split('\n')[0]);
    for (const img of dynFirst.image) expect(existsSync(join(out, 'dynamic', img)), img).toBe(true);
    // eval: perfect predictions score 100 %, letters shifted to a wrong option score 0 on those.
    const evalLines = readFileSync(join(out, 'qa_train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const gtFile = join(out, 'gt.jsonl'), predFile = join(out, 'pred.jsonl');
    writeFileSync(gtFile, evalLines.map((l) => JSON.stringify({ ...l, conversations: undefined, text: l.conversations[0].value })).join('\n'));
    writeFileSync(predFile, evalLines.map((l) => JSON.stringify({ id: l.id, prediction: l.conversations[1].value })).join('\n'));
    const e = await run(['eval', '--gt', gtFile, '--pred', predFile, '--json']);
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out).overall).toBe(1);
    // stats on the produced file
    const s = await run(['stats', join(out, 'qa_train.jsonl')]);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/total\s+\d+/);
  }, 120_000);

  it('sample-frames picks k frames by voxel coverage on a scene (JSON output)', async () => {
    const holo = join(repoRootDir, '..', 'shared', 'data', 'hololens-scannet');
    if (!existsSync(holo)) return console.warn('hololens-scannet absent: sample-frames checked on bad input only');
    const r = await run(['sample-frames', '--scene', holo, '--format', 'scannet', '-k', '5', '--json']);
    expect(r.code, r.err).toBe(0);
    const sel = JSON.parse(r.out);
    expect(sel.frames.length).toBe(5);
    expect([...sel.frames].sort((a: number, b: number) => a - b)).toEqual(sel.frames);
    for (let i = 1; i < sel.coverage.length; i++) expect(sel.coverage[i]).toBeGreaterThanOrEqual(sel.coverage[i - 1]);
    expect((await run(['sample-frames', '--scene', holo, '--format', 'scannet', '-k', '0'])).err).toMatch(/-k must be an integer >= 1/);
  }, 60_000);

  it('bad input: one line on stderr, exit 1 for bad data and 2 for a bad command line, no finished-looking output', async () => {
    const out = tmp();
    const cases: [string[], number, RegExp][] = [
      [['generate', '--out', out], 2, /--scene DIR is required \(ERR_SPATIAL_USAGE\)/],
      [['generate', '--scene', join(out, 'missing'), '--format', 'scannet', '--out', out], 1, /missing/],
      [['generate', '--scene', out, '--format', 'nope', '--out', out], 2, /--format must be scannet, tum, manifest or tapvid3d/],
      [['generate', '--scene', out, '--format', 'tum', '--out', out, '--overlap', '0.5,0.1'], 2, /--overlap must be LO,HI/],
      [['generate', '--scene', out, '--format', 'tum', '--out', out, '--tasks', 'depth,poetry'], 2, /unknown task 'poetry'/],
      [['generate', '--scene', out, '--out', out], 1, /cannot tell the format of --scene .*scannet \(a folder with depth\/ \(and no depth\.txt or manifest\.json\)\).*give --format \(ERR_SPATIAL_FORMAT\)/],
      [['stats', join(out, 'nothing.jsonl')], 1, /cannot read .*nothing\.jsonl/i],
      [['stats', 'a.jsonl', 'b.jsonl'], 2, /too many arguments for 'stats'.*\(ERR_SPATIAL_USAGE\)/],
      [['stats'], 2, /missing required argument 'file'/],
      [['demo', '--seed', '-1'], 2, /^spatial-geom: error: --seed must be an integer >= 0 \(got -1\) \(ERR_SPATIAL_USAGE\)\n$/],
      [['generate', '--per-tsk', '3'], 2, /unknown option '--per-tsk' \(Did you mean --per-task\?\); see spatial-geom generate --help \(ERR_SPATIAL_USAGE\)/],
      [['genrate'], 2, /unknown command 'genrate' \(Did you mean generate\?\)/],
      [['frobnicate'], 2, /unknown command 'frobnicate'/],
      [['queue', 'purge'], 2, /unknown command 'purge'; see spatial-geom queue --help/],
      [['generate', '--scene', out, '--format', 'tum', '--out', out, '--image-format', 'webp'], 2, /--image-format must be jpg or png \(got webp\)/],
      [['generate', '--scene', out, '--format', 'tum', '--out', out, '--jpeg-quality', '101'], 2, /--jpeg-quality must be an integer in \[1, 100\] \(got 101\)/],
      [['generate', '--scene', out, '--format', 'tum', '--out', out, '--png-compression', '-1'], 2, /--png-compression must be an integer >= 0/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err, args.join(' ')).toMatch(msg);
      expect(r.err.trim().split('\n').length, args.join(' ')).toBe(1);
    }
    expect(existsSync(join(out, 'qa_train.jsonl'))).toBe(false);
    const bad = join(out, 'bad.jsonl');
    writeFileSync(bad, '{"question_type":"x"}\nnot json\n');
    const r = await run(['stats', bad]);
    expect(r.err).toMatch(/bad.jsonl:2: not valid JSON/);
  });

  it('help, version and per-command help list every option with its default from the pipeline', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRootDir, 'package.json'), 'utf8'));
    for (const args of [['--version'], ['-V']]) {
      const v = await run(args);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toBe(pkg.version);
    }
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['demo', 'generate', 'overlap', 'stats', 'eval', 'sample-frames', 'dataset', 'merge', 'queue', 'worker', 'help']) expect(top.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(top.out).toMatch(/Exit codes: 0 success, 1 failure.*2 usage error/);
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/Usage: spatial-geom/);
    const { GENERATE_DEFAULTS } = await import('../../lib/engine/pipeline.js');
    for (const args of [['generate', '--help'], ['help', 'generate']]) {
      const h = await run(args);
      expect(h.code, args.join(' ')).toBe(0);
      // commander wraps long descriptions: compare with whitespace collapsed.
      const text = h.out.replace(/\s+/g, ' ');
      for (const opt of ['--scene', '--format', '--out', '--tasks', '--per-task', '--seed', '--overlap', '--frame-step', '--voxel-size', '--tolerance', '--compat', '--no-prompts', '--image-size', '--points-per-group', '--pairs-per-bin', '--allow-outside-paths', '--image-format', '--jpeg-quality', '--png-compression'])
        expect(text, opt).toContain(opt);
      expect(text).toContain(`jpg or png (default: ${GENERATE_DEFAULTS.imageFormat})`);
      expect(text).toContain(`JPEG quality 1..100 (default: ${GENERATE_DEFAULTS.jpegQuality})`);
      expect(text).toContain(`samples per question type (default: ${GENERATE_DEFAULTS.perTask})`);
      expect(text).toContain(`(default: ${GENERATE_DEFAULTS.overlapBand.join(',')})`);
      expect(text).toContain(`(default: ${GENERATE_DEFAULTS.voxelSize})`);
    }
    const stats = await run(['stats', '--help']);
    expect(stats.code).toBe(0);
    expect(stats.out).toMatch(/Usage: spatial-geom stats \[options\] <file>/);
    const submit = await run(['queue', 'submit', '--help']);
    expect(submit.out.replace(/\s+/g, ' ')).toContain('tries per unit (default: 3)');
  });

  it('--format is detected from the folder layout and named on stderr; stats --json', async () => {
    const out = tmp();
    const r = await run(['demo', '--out', out, '--frames', '6']);
    expect(r.code, r.err).toBe(0);
    const s = await run(['stats', join(out, 'qa_train.jsonl'), '--json']);
    expect(s.code, s.err).toBe(0);
    const parsed = JSON.parse(s.out);
    const lines = readFileSync(join(out, 'qa_train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(parsed.total).toBe(lines.length);
    const depthType = Object.keys(parsed.types)[0];
    expect(parsed.types[depthType].count).toBe(lines.filter((l) => l.question_type === depthType).length);
    const holo = join(repoRootDir, '..', 'shared', 'data', 'hololens-scannet');
    if (!existsSync(holo)) return console.warn('hololens-scannet absent: format detection checked on bad input only');
    const d = await run(['sample-frames', '--scene', holo, '-k', '3', '--json']);
    expect(d.code, d.err).toBe(0);
    expect(d.err).toMatch(/^spatial-geom: --format scannet \(detected: .* is a folder with depth\/ \(and no depth\.txt or manifest\.json\)\)$/m);
    expect(JSON.parse(d.out).frames.length).toBe(3);
  }, 60_000);

  it('--image-format png writes PNG images and the same questions as the default JPEG', async () => {
    const scene = await writeSyntheticManifest(join(tmp(), 'scene'), { seed: 4, frames: 16, width: 160, height: 120 });
    const images = (dir: string) => readFileSync(join(dir, 'qa_train.jsonl'), 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).image as string[]);
    const [jpg, png] = [tmp(), tmp()];
    for (const [out, extra] of [[jpg, []], [png, ['--image-format', 'png', '--png-compression', '1']]] as const) {
      const r = await run(['generate', '--scene', scene, '--format', 'manifest', '--out', out, '--per-task', '2', '--tasks', 'depth', ...extra]);
      expect(r.code, r.err).toBe(0);
    }
    const prompts = (dir: string) => images(dir).filter((p) => p.startsWith('images/prompts/'));
    expect(prompts(jpg).length).toBeGreaterThan(0);
    expect(prompts(jpg).every((p) => p.endsWith('.jpg') && existsSync(join(jpg, p)))).toBe(true);
    expect(prompts(png).every((p) => p.endsWith('.png') && existsSync(join(png, p)))).toBe(true);
    expect(images(png).map((p) => p.replace(/\.png$/, ''))).toEqual(images(jpg).map((p) => p.replace(/\.(jpg|png)$/, '')));
  });

  it('overlap --json: frame ids, histogram of all pairs and the matrix, with the PNG written', async () => {
    const dir = tmp();
    const scene = join(dir, 'scene');
    await writeSyntheticManifest(scene, { frames: 6, width: 160, height: 120 });
    const png = join(dir, 'overlap.png');
    const r = await run(['overlap', '--scene', scene, '--png', png, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/--format manifest \(detected/);
    const j = JSON.parse(r.out);
    expect(j.frames).toHaveLength(6);
    expect(j.overlap).toHaveLength(6);
    expect(j.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(15);
    for (let i = 0; i < 6; i++) for (let k = 0; k < 6; k++) expect(j.overlap[i][k]).toBe(j.overlap[k][i]);
    expect(existsSync(png)).toBe(true);
  }, 60_000);
});
