/**
 * `spatial-geom view OUT`: a static page to look at generated QA before training on it,
 * `OUT/viewer/index.html`, that works from `file://` with no server and no network (inline CSS and
 * script, no CDN), and a localhost server for it ({@link serveViewer}).
 *
 * Layout (everything under `OUT/viewer/`, rewritten as a whole on each run):
 * ```
 * index.html              the page (inline CSS and script)
 * data/index.js           svIndex({...}): summary (counts per question type and split, overlap
 *                         histograms per scene, answer-value histograms per type) and the row index
 *                         of every sample (chunk, question type, split, scene)
 * data/chunk-00000.js     svChunk(0, [...]): up to `chunkSize` samples of one question type and split
 * ```
 * Samples are read once and written as JS chunks that the page loads on demand with `<script>` tags
 * (a page opened from `file://` may not `fetch()` its neighbours, but may run scripts beside it), so
 * a 100k-sample dataset costs the page its index (a few integers per sample) plus the chunks of
 * the page on screen. Chunks never mix question types or splits, so a filtered page needs few.
 * Image paths are rewritten relative to `OUT/viewer/` (absolute paths become `file://` URLs).
 * @module
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spatialError } from '../errors.js';
import { asIoError, exists, readBytes, readText } from '../io/files.js';
import { checkMergedSplit } from './dataset.js';
import { lockOutput } from './output.js';
import { VIEWER_HTML } from './viewer-page.js';

/** Defaults of {@link writeViewer} and {@link serveViewer} (the CLI's help prints these). */
export const VIEWER_DEFAULTS = { chunkSize: 100, port: 8080 } as const;

/** Options of {@link writeViewer}. */
export interface ViewerOptions {
  /** Samples per data chunk the page loads at a time [{@link VIEWER_DEFAULTS}.chunkSize]. */
  chunkSize?: number;
}

/** What {@link writeViewer} wrote. */
export interface ViewerReport {
  /** Absolute path of `viewer/index.html`. */
  index: string;
  samples: number;
  chunks: number;
}

/** Per-scene (or per-clip) statistics shown in the summary, from a `stats.json`. */
interface SceneSummary {
  label: string;
  frames?: number;
  train?: number;
  eval?: number;
  samples?: Record<string, number>;
  overlapHistogram?: { edges: number[]; counts: number[] };
  pairSelection?: { edges: number[]; before: number[]; after: number[]; outside: number; zero: number; selected: number };
  /** URL of its overlap figure, relative to the viewer folder. */
  overlapPng?: string;
}

type Histogram = { edges: number[]; counts: number[] };
type AnswerDistribution =
  | { kind: 'number'; n: number; hist: Histogram }
  | { kind: 'category'; n: number; labels: string[]; counts: number[] }
  | { kind: 'vector'; n: number; components: Histogram[] };

const SPLITS = ['train', 'eval'] as const;
const BINS = 20;

/** `bins` equal bins over [min, max] of `values` (one bin when they are all equal). */
function histogram(values: number[], bins = BINS): Histogram {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(lo <= hi)) return { edges: [], counts: [] };
  if (lo === hi) return { edges: [lo, hi], counts: [values.filter(Number.isFinite).length] };
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (const v of values) if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * w), counts };
}

/** Collects the `gt_value`s of one question type. */
class AnswerValues {
  numbers: number[] = [];
  words = new Map<string, number>();
  vectors: number[][] = [];
  add(v: unknown): void {
    if (typeof v === 'number') this.numbers.push(v);
    else if (typeof v === 'string') this.words.set(v, (this.words.get(v) ?? 0) + 1);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) this.vectors.push(v as number[]);
  }
  summary(): AnswerDistribution | undefined {
    if (this.numbers.length) return { kind: 'number', n: this.numbers.length, hist: histogram(this.numbers) };
    if (this.words.size) {
      const sorted = [...this.words].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { kind: 'category', n: sorted.reduce((s, [, c]) => s + c, 0), labels: sorted.map(([w]) => w), counts: sorted.map(([, c]) => c) };
    }
    if (this.vectors.length) {
      const dims = Math.min(3, Math.max(...this.vectors.map((v) => v.length)));
      return { kind: 'vector', n: this.vectors.length, components: Array.from({ length: dims }, (_, k) => histogram(this.vectors.map((v) => v[k]))) };
    }
    return undefined;
  }
}

/** A URL for `path` (relative to `fromDir`, or absolute) as seen from the viewer folder. */
function imageUrl(path: string, fromDir: string, viewerDir: string): string {
  const abs = isAbsolute(path) ? path : resolve(fromDir, path);
  const rel = relative(viewerDir, abs);
  if (isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

async function readJson<T>(file: string, what: string): Promise<T> {
  const text = await readText(file, what);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${what} ${file} is not valid JSON (${(e as Error).message})`);
  }
}

function sceneSummary(label: string, stats: Record<string, unknown>, overlapPng: string | undefined): SceneSummary {
  const pick = <K extends keyof SceneSummary>(k: K) => (stats[k] === undefined ? {} : { [k]: stats[k] });
  return { label, ...pick('frames'), ...pick('train'), ...pick('eval'), ...pick('samples'), ...pick('overlapHistogram'), ...pick('pairSelection'), ...(overlapPng ? { overlapPng } : {}) };
}

/**
 * Where an output's samples and statistics are: a merged dataset (`plan.json` + `manifest.json`:
 * the merged splits at the root, per-unit statistics in `shards/<key>/`) or a generate output
 * (`stats.json` and the splits at the root, plus sub-folders that are generate outputs themselves,
 * such as the demo's `dynamic/`).
 */
async function findSources(out: string, viewerDir: string): Promise<{ sampleDirs: string[]; scenes: SceneSummary[]; merged: boolean }> {
  const png = async (dir: string) => ((await exists(join(dir, 'overlap.png'))) ? imageUrl(join(dir, 'overlap.png'), out, viewerDir) : undefined);
  if (await exists(join(out, 'plan.json'))) {
    if (!(await exists(join(out, 'manifest.json'))))
      throw spatialError('ERR_SPATIAL_FORMAT', `view: ${out} is a dataset whose merge has not completed (no manifest.json): run 'spatial-geom merge --out ${out}' first`);
    const plan = await readJson<{ units: { key: string; scene: string; tasks: string[] }[] }>(join(out, 'plan.json'), 'plan');
    const scenes: SceneSummary[] = [];
    const split = new Set(plan.units.map((u) => u.scene)).size < plan.units.length;
    for (const u of plan.units) {
      const dir = join(out, 'shards', u.key);
      const stats = await readJson<Record<string, unknown>>(join(dir, 'stats.json'), 'shard statistics');
      scenes.push(sceneSummary(split ? `${u.scene} (${u.tasks.join('+')})` : u.scene, stats, await png(dir)));
    }
    return { sampleDirs: [out], scenes, merged: true };
  }
  if (!(await exists(join(out, 'stats.json'))))
    throw spatialError('ERR_SPATIAL_IO', `view: ${out} holds no spatial-geom output (no stats.json, no plan.json): give the --out of generate, demo or dataset`);
  const sampleDirs = [out];
  const scenes = [sceneSummary(await sceneLabel(out), await readJson(join(out, 'stats.json'), 'statistics'), await png(out))];
  for (const d of (await readdir(out, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const dir = join(out, d);
    if (d === 'viewer' || d === 'images' || d.startsWith('.') || !(await exists(join(dir, 'stats.json'))) || !(await exists(join(dir, 'qa_train.jsonl')))) continue;
    sampleDirs.push(dir);
    scenes.push(sceneSummary(await sceneLabel(dir), await readJson(join(dir, 'stats.json'), 'statistics'), await png(dir)));
  }
  return { sampleDirs, scenes, merged: false };
}

async function sceneLabel(dir: string): Promise<string> {
  const s = await readJson<{ scene?: string; clip?: string }>(join(dir, 'stats.json'), 'statistics');
  return s.scene ?? s.clip ?? dir;
}

/** One sample as the gallery shows it. */
interface ViewRow {
  id: unknown;
  images: string[];
  question: string;
  answer: string | null;
  gt_value: unknown;
  answer_values: unknown;
  frames: unknown;
  width_list: unknown;
  height_list: unknown;
  intrinsics_list?: unknown;
}

/**
 * Writes `OUT/viewer/` (see the module comment) for the output in `out`: a generate or demo output,
 * or a merged dataset. The folder is built beside and swapped in whole; OUT's lock is held meanwhile.
 * @throws ERR_SPATIAL_IO when `out` holds no output; ERR_SPATIAL_FORMAT for a line that is not JSON
 *   (naming file and line) or a dataset whose merge did not complete.
 */
export async function writeViewer(outArg: string, opts: ViewerOptions = {}): Promise<ViewerReport> {
  const out = resolve(outArg);
  const chunkSize = opts.chunkSize ?? VIEWER_DEFAULTS.chunkSize;
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) throw spatialError('ERR_SPATIAL_FORMAT', `chunkSize must be an integer >= 1 (got ${chunkSize})`);
  let kind;
  try {
    kind = await stat(out);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_IO', `view: cannot read ${out}: ${(asIoError(e) as Error).message}`);
  }
  if (!kind.isDirectory()) throw spatialError('ERR_SPATIAL_IO', `view: ${out} is not a directory (give the --out of generate, demo or dataset)`);
  const viewerDir = join(out, 'viewer');
  const lock = await lockOutput(out, 'view');
  try {
    const { sampleDirs, scenes, merged } = await findSources(out, viewerDir);
    const types: string[] = [], sceneNames: string[] = [];
    const typeIndex = new Map<string, number>(), sceneIndex = new Map<string, number>();
    const indexOf = (map: Map<string, number>, list: string[], name: string) => {
      let i = map.get(name);
      if (i === undefined) { map.set(name, (i = list.length)); list.push(name); }
      return i;
    };
    const groups = new Map<string, { type: number; split: number; rows: string[]; scenes: number[] }>();
    const counts = new Map<string, [number, number]>();
    const answers = new Map<string, AnswerValues>();
    let total = 0;
    for (const dir of sampleDirs)
      for (const [s, split] of SPLITS.entries()) {
        const file = join(dir, `qa_${split}.jsonl`);
        if (!(await exists(file))) continue;
        const bytes = await readBytes(file, 'split');
        if (merged) await checkMergedSplit(file, bytes);
        for (const [i, line] of bytes.toString('utf8').split('\n').entries()) {
          if (!line.trim()) continue;
          let sample: Record<string, unknown>;
          try {
            sample = JSON.parse(line);
          } catch (e) {
            throw spatialError('ERR_SPATIAL_FORMAT', `view: ${file}:${i + 1} is not valid JSON (${(e as Error).message})`);
          }
          const type = typeof sample.question_type === 'string' ? sample.question_type : '(none)';
          const scene = typeof sample.scene === 'string' ? sample.scene : '(none)';
          const t = indexOf(typeIndex, types, type), sc = indexOf(sceneIndex, sceneNames, scene);
          const c = counts.get(type) ?? [0, 0];
          c[s]++;
          counts.set(type, c);
          let a = answers.get(type);
          if (!a) answers.set(type, (a = new AnswerValues()));
          a.add(sample.gt_value);
          const images = (Array.isArray(sample.image) ? sample.image : sample.image === undefined ? [] : [sample.image]).filter((p): p is string => typeof p === 'string');
          const turns = Array.isArray(sample.conversations) ? (sample.conversations as { value?: unknown }[]) : [];
          const row: ViewRow = {
            id: sample.id, images: images.map((p) => imageUrl(p, dir, viewerDir)),
            question: String(turns[0]?.value ?? sample.text ?? ''), answer: turns[1]?.value === undefined ? null : String(turns[1].value),
            gt_value: sample.gt_value, answer_values: sample.answer_values, frames: sample.frames, width_list: sample.width_list, height_list: sample.height_list,
            ...(sample.intrinsics_list !== undefined ? { intrinsics_list: sample.intrinsics_list } : {}),
          };
          const key = `${type}\u0000${split}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { type: t, split: s, rows: [], scenes: [] }));
          g.rows.push(JSON.stringify(row));
          g.scenes.push(sc);
          total++;
        }
      }

    // Chunks: groups in question-type order (then train before eval), each cut into chunkSize rows.
    const ordered = [...groups.values()].sort((a, b) => (types[a.type] < types[b.type] ? -1 : types[a.type] > types[b.type] ? 1 : a.split - b.split));
    const chunks: { type: number; split: number; n: number; scenes: number[]; rows: string[] }[] = [];
    for (const g of ordered)
      for (let k = 0; k < g.rows.length; k += chunkSize)
        chunks.push({ type: g.type, split: g.split, n: Math.min(chunkSize, g.rows.length - k), scenes: g.scenes.slice(k, k + chunkSize), rows: g.rows.slice(k, k + chunkSize) });

    const sortedTypes = [...counts.keys()].sort();
    const index = {
      title: out.split(sep).pop(),
      total,
      types, scenes: sceneNames, splits: [...SPLITS],
      counts: sortedTypes.map((type) => ({ type, train: counts.get(type)![0], eval: counts.get(type)![1] })),
      sceneStats: scenes,
      answers: Object.fromEntries(sortedTypes.map((type) => [type, answers.get(type)!.summary() ?? null])),
      chunks: chunks.map(({ type, split, n, scenes: sc }) => ({ type, split, n, scenes: sc })),
    };

    const parent = out;
    for (const d of await readdir(parent)) if (d.startsWith('.viewer.tmp-')) await rm(join(parent, d), { recursive: true, force: true });
    const tmp = await mkdtemp(join(parent, '.viewer.tmp-'));
    try {
      await mkdir(join(tmp, 'data'));
      await writeFile(join(tmp, 'index.html'), VIEWER_HTML);
      await writeFile(join(tmp, 'data', 'index.js'), `svIndex(${JSON.stringify(index)});\n`);
      for (const [i, c] of chunks.entries()) await writeFile(join(tmp, 'data', chunkName(i)), `svChunk(${i},[\n${c.rows.join(',\n')}\n]);\n`);
      await rm(viewerDir, { recursive: true, force: true });
      await rename(tmp, viewerDir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw asIoError(e);
    }
    return { index: join(viewerDir, 'index.html'), samples: total, chunks: chunks.length };
  } finally {
    lock.release();
  }
}

/** File name of data chunk `i` (the page builds the same name). */
export function chunkName(i: number): string {
  return `chunk-${String(i).padStart(5, '0')}.js`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8', '.jsonl': 'text/plain; charset=utf-8',
};

/** Options of {@link serveViewer}. */
export interface ServeOptions {
  /** Port on 127.0.0.1 [{@link VIEWER_DEFAULTS}.port]; 0 picks a free one. */
  port?: number;
}

/**
 * Serves `out` read-only on `http://127.0.0.1:<port>/` (the viewer at `/viewer/index.html`, `/`
 * redirects there). Only GET and HEAD; only files inside `out` (after resolving `..`, `%2e%2e` and
 * symbolic links; anything else is 403); only requests whose Host is this loopback address (a page
 * elsewhere cannot reach it through DNS rebinding). Frames that samples reference outside `out`
 * (generated without `--copy-images`) are therefore not served: the `file://` page shows them.
 */
export async function serveViewer(outArg: string, opts: ServeOptions = {}): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const root = await realpath(resolve(outArg)).catch((e) => {
    throw asIoError(e);
  });
  let port = opts.port ?? VIEWER_DEFAULTS.port;
  const server: Server = createServer((req, res) => {
    const send = (code: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : text + '\n');
    };
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed', { allow: 'GET, HEAD' });
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(403, 'forbidden host');
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        return send(400, 'bad request');
      }
      if (path.includes('\0')) return send(400, 'bad request');
      if (path === '/') return send(302, 'see /viewer/index.html', { location: '/viewer/index.html' });
      const target = resolve(root, '.' + path);
      const inside = (p: string) => p === root || p.startsWith(root + sep);
      if (!inside(target)) return send(403, 'forbidden');
      let real: string;
      try {
        real = await realpath(target);
      } catch {
        return send(404, 'not found');
      }
      if (!inside(real)) return send(403, 'forbidden');
      const s = await stat(real).catch(() => undefined);
      if (!s?.isFile()) return send(404, 'not found');
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream', 'content-length': String(s.size), 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(real).on('error', () => res.destroy()).pipe(res);
    })().catch(() => {
      if (!res.headersSent) send(500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', (e: NodeJS.ErrnoException) => rej(spatialError('ERR_SPATIAL_IO', `--port ${port}: cannot listen on 127.0.0.1 (${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EACCES' ? 'permission denied' : e.message})`)));
    server.listen(port, '127.0.0.1', () => res());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

/** Reads a viewer data file back as the page sees it (for tests and tools): the argument of its svIndex/svChunk call. */
export async function readViewerData(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  const m = /^sv(?:Index|Chunk)\((?:\d+,)?([\s\S]*)\);\n$/.exec(text);
  if (!m) throw spatialError('ERR_SPATIAL_FORMAT', `${file} is not a viewer data file`);
  return JSON.parse(m[1]);
}
