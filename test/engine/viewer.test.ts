// The viewer (issue 17, item 3): `spatial-geom view OUT` writes OUT/viewer/ that works from file://
// in a real browser (Debian's chromium driven by playwright-core), its data in chunks, and a
// loopback server confined to OUT.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readViewerData, serveViewer, writeViewer } from '../../lib/engine/viewer.js';
import { runCli } from '../helpers/cli.js';
import { chromiumPath, chromiumTestsEnabled } from '../helpers/processes.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-viewer-');
/** Debian's chromium (.ci/run installs it); SPATIAL_GEOM_CHROMIUM names another build. */
const CHROMIUM = chromiumPath();

type Stats = { samples: Record<string, number>; train: number; eval: number };
const readStats = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Stats;

let out: string;
beforeAll(async () => {
  out = join(tmp(), 'demo');
  const r = await runCli(['demo', '--out', out]);
  expect(r.code, r.err).toBe(0);
  const v = await runCli(['view', out]);
  expect(v.code, v.err).toBe(0);
  expect(v.out).toContain(join(out, 'viewer', 'index.html'));
}, 120_000);

/** The little of the page's document that the waits read. */
type PageDocument = { getElementById(id: string): { getAttribute(name: string): string | null } | null; images: ArrayLike<{ complete: boolean }> };

/** Waits until the gallery has rendered and every image on the page has finished loading. */
async function settled(page: Page): Promise<void> {
  // Run in the page (whose CSP refuses string evaluation); typed by PageDocument, as the test's
  // own TypeScript has no DOM types.
  await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.getElementById('gallery')?.getAttribute('aria-busy') === 'false');
  await page.waitForFunction(() => Array.from((globalThis as unknown as { document: PageDocument }).document.images).every((i) => i.complete));
}

async function brokenImages(page: Page): Promise<string[]> {
  return page.$$eval('img', (imgs) => imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src') ?? ''));
}

describe.runIf(chromiumTestsEnabled())('viewer in headless chromium, from file://', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('no console errors; counts equal stats.json; the question-type and scene filters page through the right samples; every image loads', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => { if (!r.url().startsWith('file://')) problems.push(`network request: ${r.url()}`); });
    await page.goto(pathToFileURL(join(out, 'viewer', 'index.html')).href);
    await settled(page);

    // Counts: the table against the two stats.json files of the demo (static scene and clip).
    const stats = [readStats(join(out, 'stats.json')), readStats(join(out, 'dynamic', 'stats.json'))];
    const expected = new Map<string, number>();
    for (const s of stats) for (const [t, n] of Object.entries(s.samples)) expected.set(t, (expected.get(t) ?? 0) + n);
    const table = await page.$$eval('#counts tr[data-type]', (rows) => rows.map((r) => ({
      type: r.getAttribute('data-type')!,
      train: Number(r.querySelector('[data-split=train]')!.textContent), eval: Number(r.querySelector('[data-split=eval]')!.textContent),
      total: Number(r.querySelector('[data-split=total]')!.textContent),
    })));
    expect(new Map(table.map((r) => [r.type, r.total]))).toEqual(expected);
    for (const r of table) expect(r.train + r.eval).toBe(r.total);
    const total = await page.$eval('#counts tr[data-total]', (r) => ({ train: Number(r.querySelector('[data-split=train]')!.textContent), eval: Number(r.querySelector('[data-split=eval]')!.textContent) }));
    expect(total).toEqual({ train: stats[0].train + stats[1].train, eval: stats[0].eval + stats[1].eval });
    const all = total.train + total.eval;
    expect(Number(await page.getAttribute('#status', 'data-matching'))).toBe(all);
    expect(Number(await page.getAttribute('#gallery', 'data-rendered'))).toBe(24);

    // The summary: overlap charts and the heat map, an answer histogram per question type.
    expect(await page.$$eval('#overlap svg', (s) => s.length)).toBe(2);
    expect(await page.$$eval('#overlap img', (s) => s.length)).toBe(1);
    expect(await page.$$eval('#answers .chart', (s) => s.length)).toBe(expected.size);
    expect(await brokenImages(page)).toEqual([]);

    // Filter by question type: a two-image type; every card is of it, and its images load.
    const type = 'visual_correspondence_multiple_choice';
    await page.selectOption('#f-type', { label: type });
    await settled(page);
    expect(Number(await page.getAttribute('#status', 'data-matching'))).toBe(expected.get(type));
    const cards = await page.$$eval('#gallery .card', (cs) => cs.map((c) => ({ type: c.getAttribute('data-type'), images: c.querySelectorAll('img').length })));
    expect(cards.length).toBe(Math.min(24, expected.get(type)!));
    for (const c of cards) expect(c).toEqual({ type, images: 2 });
    expect(await brokenImages(page)).toEqual([]);

    // Filter by scene (the clip) and split, then page forward: the clip's samples, a second page.
    await page.selectOption('#f-type', { label: 'all' });
    await page.selectOption('#f-scene', { label: 'synthetic-clip-0' });
    await settled(page);
    expect(Number(await page.getAttribute('#status', 'data-matching'))).toBe(stats[1].train + stats[1].eval);
    await page.click('#next');
    await settled(page);
    expect(await page.textContent('#status')).toContain('page 2 of');
    expect(await brokenImages(page)).toEqual([]);
    await page.selectOption('#f-split', { label: 'eval' });
    await settled(page);
    expect(Number(await page.getAttribute('#status', 'data-matching'))).toBe(stats[1].eval);

    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('viewer data', () => {
  it('chunks of at most chunkSize samples, one question type and split each, holding every sample once; no network reference in the page', async () => {
    const copy = join(tmp(), 'chunks');
    const r = await runCli(['demo', '--out', copy, '--frames', '12']);
    expect(r.code, r.err).toBe(0);
    const report = await writeViewer(copy, { chunkSize: 7 });
    const index = (await readViewerData(join(copy, 'viewer', 'data', 'index.js'))) as { types: string[]; total: number; chunks: { type: number; split: number; n: number; scenes: number[] }[] };
    const files = readdirSync(join(copy, 'viewer', 'data')).filter((f) => f.startsWith('chunk-'));
    expect(files.length).toBe(index.chunks.length);
    expect(report.chunks).toBe(index.chunks.length);
    const ids: unknown[] = [];
    for (const [i, c] of index.chunks.entries()) {
      const rows = (await readViewerData(join(copy, 'viewer', 'data', `chunk-${String(i).padStart(5, '0')}.js`))) as { id: string }[];
      expect(rows.length).toBe(c.n);
      expect(c.n).toBeLessThanOrEqual(7);
      expect(c.scenes.length).toBe(c.n);
      for (const row of rows) expect(row.id.split(':')[1]).toBe(index.types[c.type]);
      ids.push(...rows.map((x) => x.id));
    }
    const expected = ['qa_train.jsonl', 'qa_eval.jsonl', 'dynamic/qa_train.jsonl', 'dynamic/qa_eval.jsonl']
      .flatMap((f) => readFileSync(join(copy, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).id));
    expect(ids.sort()).toEqual(expected.sort());
    expect(index.total).toBe(expected.length);
    const html = readFileSync(report.index, 'utf8');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual(['data/index.js']);
  }, 120_000);

  it('a merged dataset: every merged sample, one overlap entry per unit with its heat map', async () => {
    const ds = join(tmp(), 'ds');
    const r = await runCli(['dataset', '--scenes', 'synthetic:0..1', '--out', ds, '--synthetic-frames', '8', '--synthetic-size', '160x120', '--per-task', '2', '--overlap', '0.05,0.95']);
    expect(r.code, r.err).toBe(0);
    const report = await writeViewer(ds);
    const manifest = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')) as { splits: Record<string, { samples: number }>; samples: Record<string, number> };
    expect(report.samples).toBe(manifest.splits['qa_train.jsonl'].samples + manifest.splits['qa_eval.jsonl'].samples);
    const index = (await readViewerData(join(ds, 'viewer', 'data', 'index.js'))) as { counts: { type: string; train: number; eval: number }[]; sceneStats: { label: string; overlapPng?: string }[] };
    expect(Object.fromEntries(index.counts.map((c) => [c.type, c.train + c.eval]))).toEqual(manifest.samples);
    expect(index.sceneStats.map((s) => s.label)).toEqual(['synthetic-0', 'synthetic-1']);
    for (const s of index.sceneStats) expect(existsSync(join(ds, 'viewer', s.overlapPng!)), s.overlapPng).toBe(true);
    const rows = (await readViewerData(join(ds, 'viewer', 'data', 'chunk-00000.js'))) as { images: string[] }[];
    for (const row of rows) for (const src of row.images) expect(existsSync(join(ds, 'viewer', decodeURIComponent(src))), src).toBe(true);
  }, 120_000);

  it('refuses a folder with no output, and a dataset whose merge has not completed', async () => {
    const empty = tmp();
    const r = await runCli(['view', empty]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/holds no spatial-geom output.*ERR_SPATIAL_IO/);
    const ds = tmp();
    writeFileSync(join(ds, 'plan.json'), JSON.stringify({ version: 1, engine: 'x', units: [] }));
    const d = await runCli(['view', ds]);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/merge has not completed.*ERR_SPATIAL_FORMAT/);
    const none = await runCli(['view']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/missing required argument 'OUT'/);
    expect(existsSync(join(empty, 'viewer'))).toBe(false);
    const help = await runCli(['view', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--serve/);
    const flat = help.out.replace(/\s+/g, ' '); // the help wraps at 80 columns
    expect(flat).toContain('--port <N> port of --serve; 0 picks a free one (default: 8080)');
    expect(flat).toMatch(/--page-size <N> [^(]*\(default: 100\)/);
    expect((await runCli(['view', empty, '--port', '70000'])).code).toBe(2);
  });
});

describe('viewer server (--serve)', () => {
  /** A raw GET (the path sent as is, not normalised by a URL parser). */
  function get(port: number, path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; type?: string; body: string }> {
    return new Promise((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` } }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c) => (body += c));
        r.on('end', () => res({ status: r.statusCode!, type: r.headers['content-type'], body }));
      });
      req.on('error', rej);
      req.end();
    });
  }

  it('serves OUT on 127.0.0.1 only, GET/HEAD only, nothing outside OUT (.., encoded .., symbolic links), loopback Host only', async () => {
    const outside = tmp();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(out, 'links'), { recursive: true });
    symlinkSync(outside, join(out, 'links', 'out'));
    const server = await serveViewer(out, { port: 0 });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const page = await get(server.port, '/viewer/index.html');
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      expect(page.body).toContain('data/index.js');
      expect((await get(server.port, '/viewer/data/index.js')).body.startsWith('svIndex(')).toBe(true);
      expect((await get(server.port, '/overlap.png')).type).toBe('image/png');
      expect((await get(server.port, '/')).status).toBe(302);
      for (const path of ['/../../../../etc/passwd', '/viewer/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/links/out/secret.txt']) {
        const r = await get(server.port, path);
        expect([403, 404], path).toContain(r.status);
        expect(r.body, path).not.toContain('secret');
        expect(r.body, path).not.toContain('root:');
      }
      expect((await get(server.port, '/links/out/secret.txt')).status).toBe(403);
      expect((await get(server.port, '/viewer/index.html', { method: 'POST' })).status).toBe(405);
      expect((await get(server.port, '/viewer/index.html', { host: 'evil.example:80' })).status).toBe(403);
      expect((await get(server.port, '/no/such/file')).status).toBe(404);
    } finally {
      await server.close();
      rmSync(join(out, 'links'), { recursive: true, force: true });
    }
  });
});
