/**
 * The static-scene data engine: scene -> scene points -> visible sets -> overlap matrix ->
 * overlap-balanced pairs -> task generators -> QA samples (JSONL), deterministic for a seed.
 * Every stage is usable on its own; {@link generateScene} runs them all and reports what it did.
 * @module
 */
import { link, mkdir, rm } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import sharp from 'sharp';
import { visibleSetsMultiSpa } from '../ops/compat/native.js';
import { spatialError } from '../errors.js';
import { checkFrameFile } from '../io/image.js';
import { backprojectDepth, overlapMatrixAsync, visibleSetsAsync } from '../ops/geometry/native.js';
import { visibleSetsStoredAsync } from '../ops/geometry/native.js';
import { voxelDownsample } from '../ops/pointcloud/native.js';
import { createRng, type Rng } from '../random.js';
import { asIoError, readBytes, writeFileAtomic } from '../io/files.js';
import { loadFrameColor, loadFrameDepth, loadFrameDepthStored } from '../scenes/load.js';
import type { Frame, Scene } from '../scenes/types.js';
import type { Camera, DepthMap, Image, StoredDepthMap } from '../types.js';
import { BY_TYPE_DIR, TypedSplits, typedRow, writeDatasetCard } from './card.js';
import type { EngineFrame, QASample, TaskContext } from './context.js';
import { type CameraAugmentOptions, cameraAugmentation } from './camera-augment.js';
import { blit, drawText, type Rgb, textWidth } from './draw.js';
import { type CompatMode, numberRules } from './format.js';
import { DecodedImageCache, IMAGE_FORMAT_DEFAULTS, type ImageFormatOptions, ImageWriter, imageExtension, imageFormatSpec } from './images.js';
import { overlapRange, PAIR_SELECTION_DEFAULTS, type PairSelection, selectPairs } from './pairs.js';
import { sceneUp } from './relations.js';
import { ALL_TASKS, TASK_GENERATORS, type TaskName } from './tasks/index.js';

export { TASK_GENERATORS };

/**
 * The defaults of {@link GenerateOptions}, in one place: {@link generateScene} applies them and the
 * CLI's `--help` prints them.
 */
export const GENERATE_DEFAULTS = {
  seed: 0,
  perTask: 20,
  overlapBand: PAIR_SELECTION_DEFAULTS.band,
  binWidth: PAIR_SELECTION_DEFAULTS.binWidth,
  frameStep: 1,
  voxelSize: 0.02,
  backprojectStride: 2,
  tolerance: 0.05,
  compat: 'ours',
  prompts: true,
  evalFraction: 0.1,
  batchSize: 32,
  ...IMAGE_FORMAT_DEFAULTS,
  colorCacheBytes: 256 * 2 ** 20,
} as const satisfies Partial<Record<keyof GenerateOptions, unknown>>;

/** Pairs drawn from the overlap band when {@link GenerateOptions.maxPairs} is not given: max(2 * perTask, 58). */
export function defaultMaxPairs(perTask: number): number {
  return Math.max(2 * perTask, 58);
}

/** Options of {@link generateScene} (defaults in brackets, from {@link GENERATE_DEFAULTS}). */
export interface GenerateOptions extends ImageFormatOptions {
  /** Output directory: qa_train.jsonl, qa_eval.jsonl, images/, overlap.png, stats.json. */
  outDir: string;
  /** Run seed [0]; the scene's generator is seeded from (seed, scene id). */
  seed?: number;
  /** Task families [all]. */
  tasks?: TaskName[];
  /** Samples per subtask (question type) [20]. */
  perTask?: number;
  /** Overlap band of selected pairs, fractions [0.06, 0.35]. */
  overlapBand?: [number, number];
  /** Overlap bin width, fraction [0.01]. */
  binWidth?: number;
  /** Pairs drawn from the band [max(2 * perTask, 58)]. */
  maxPairs?: number;
  /** Keep every k-th frame [1] (MultiSPA used 5 on ScanNet). */
  frameStep?: number;
  /** Voxel size (m) of scene points fused from depth when the scene has none [0.02]. */
  voxelSize?: number;
  /** Pixel stride of the back-projection that feeds the fusion [2]. */
  backprojectStride?: number;
  /** Visibility tolerance (m) [0.05]. */
  tolerance?: number;
  /** 'ours' (this package's rules, README: Our rules) or 'multispa' (the reference engine's rules) ['ours']. */
  compat?: CompatMode;
  /** Draw visual prompts (dot questions) [true]. */
  prompts?: boolean;
  /** Fraction of samples in the eval split [0.1] (the within-scene split; ignored with `sceneSplit`). */
  evalFraction?: number;
  /**
   * Every sample of the scene goes to this split (a dataset split by room puts whole scenes on one
   * side); absent: a seeded `evalFraction` of the samples goes to eval.
   */
  sceneSplit?: 'train' | 'eval';
  /**
   * Camera augmentation of every image of every sample (`--camera-augment`, `--camera-scale`; see
   * camera-augment.ts) [none: images as stored].
   */
  cameraAugment?: CameraAugmentOptions;
  /** Frames per visibility batch (bounds memory: depth maps of one batch are held) [32]. */
  batchSize?: number;
  /** Decoded colour frames held for prompts, bytes [256 MiB: ~70 frames of 1296x968]. */
  colorCacheBytes?: number;
  /**
   * How samples reference frames stored on disk ['reference']: `reference` = a path relative to the
   * output directory pointing at the scene's own file; `copy` = the file copied to
   * `images/<scene>/<frame id><ext>` in the output; `link` = hard-linked there (copied when the two
   * folders are on different file systems or links are refused). With `copy` or `link` the output
   * is self-contained: it can be moved or copied off the machine.
   */
  imageMode?: ImageMode;
  /**
   * In `qa_train.jsonl` / `qa_eval.jsonl`, a one-image sample's `image` is the path itself instead
   * of a one-element list (LLaVA-1.5's trainer reads a string) [false]. The per-type files keep lists.
   */
  singleImageAsString?: boolean;
  /** Progress callback: stage name, units done, units total. */
  progress?: (stage: string, done: number, total: number) => void;
}

/** How samples reference frames stored on disk (see {@link GenerateOptions.imageMode}). */
export type ImageMode = 'reference' | 'copy' | 'link';

/** The image modes, for argument checks. */
export const IMAGE_MODES: readonly ImageMode[] = ['reference', 'copy', 'link'];

/**
 * Puts the frame file `src` at `dest` (inside an output being built): a hard link for `link` when
 * the file system allows it, else a copy (read, then written atomically).
 */
export async function placeFrameFile(src: string, dest: string, mode: 'copy' | 'link'): Promise<void> {
  if (mode === 'link') {
    try {
      await mkdir(dirname(dest), { recursive: true });
      await link(src, dest);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Different file systems, or links refused (some network and FUSE file systems): copy instead.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EOPNOTSUPP') throw asIoError(e);
    }
  }
  await writeFileAtomic(dest, await readBytes(src, 'frame image'), 'image', { mkdir: true });
}

/** A note for the dataset card: what image paths are relative to, for an output written with `mode`. */
export function imagePathNote(mode: ImageMode | 'merged'): string {
  const common = 'Every `image` path in every JSONL file here (including those under `' + BY_TYPE_DIR + '/`) is relative to this folder (the one holding this README), never to the JSONL file\'s own folder. Prompt images (frames with drawn dots and labels) are under `images/prompts/<scene>/`; frames held in memory (synthetic scenes, clip frames) are written to `images/<scene>/`.';
  if (mode === 'merged')
    return common + ' In a merged dataset, paths point into `shards/<unit key>/`; frames that a unit referenced in place (generated without `--copy-images`) point outside this folder, so the folder is self-contained only when every unit was generated with `--copy-images` or `--link-images`.';
  if (mode === 'reference')
    return common + ' Frames read from a scene folder are referenced where they lie (a relative path that may climb out of this folder with `../`): moving this folder breaks them; generate with `--copy-images` or `--link-images` for a self-contained folder.';
  return common + ` Frames read from a scene folder are ${mode === 'copy' ? 'copied' : 'hard-linked (copied across file systems)'} to \`images/<scene>/<frame id><ext>\`: this folder is self-contained.`;
}

/** What {@link generateScene} did: sizes, histograms, counts and time per stage. */
export interface GenerateReport {
  scene: string;
  frames: number;
  points: number;
  pointsSource: 'scene' | 'fused';
  visible: { min: number; mean: number; max: number };
  overlapHistogram: { edges: number[]; counts: number[] };
  /** Smallest and largest non-zero pair overlap and how many pairs overlap (null: none). */
  overlapRange: { min: number; max: number; pairs: number } | null;
  /** The overlap band pairs were selected from. */
  overlapBand: [number, number];
  pairSelection: Omit<PairSelection, 'pairs'> & { selected: number };
  samples: Record<string, number>;
  train: number;
  eval: number;
  timingsMs: Record<string, number>;
  files: string[];
}

function colorCameraOf(f: Frame): Camera {
  return { intrinsics: f.colorIntrinsics ?? f.intrinsics, pose: f.pose };
}

/** PNG encoding of an 8-bit image (sharp), atomically written. */
export async function writePng(path: string, img: Image): Promise<void> {
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  await writeFileAtomic(path, png, 'image', { mkdir: true });
}

/**
 * The `writePrompt` of a task context: queues a prompt image on `writer` as
 * `images/prompts/<sceneId>/<name>.<jpg|png>` under `outDir` (characters other than word
 * characters, `.` and `-` in `name` become `_`) and returns that path relative to `outDir` once
 * queued; the file exists after `writer.drain()`. The image must not be changed afterwards.
 */
export function promptWriter(outDir: string, sceneId: string, writer: ImageWriter): TaskContext['writePrompt'] {
  return async (name, img) => {
    const rel = join('images', 'prompts', sceneId, `${name.replace(/[^\w.-]/g, '_')}${imageExtension(writer.spec)}`);
    await writer.write(join(outDir, rel), img);
    return rel;
  };
}

/**
 * The pixels {@link backprojectDepth} keeps, as indices `i * width + j` in the order of its output
 * points (the order its TSDoc in geometry.ts states): rows i = 0, stride, 2 * stride, ...; within a
 * row, columns j = 0, stride, ...; a pixel is kept iff its depth is > 0 and finite. Point k of
 * `backprojectDepth(depth, camera, { stride })` is the back-projection of pixel `pixels[k]`, so
 * per-pixel data (instance labels) follow the points by this one definition;
 * test/engine/backprojected-pixels.test.ts checks the order against the native op.
 */
export function backprojectedPixels(depth: DepthMap, stride: number): Uint32Array {
  const { width, height, data } = depth;
  let count = 0;
  for (let i = 0; i < height; i += stride)
    for (let j = 0; j < width; j += stride) {
      const d = data[i * width + j];
      if (d > 0 && Number.isFinite(d)) count++;
    }
  const pixels = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < height; i += stride)
    for (let j = 0; j < width; j += stride) {
      const d = data[i * width + j];
      if (d > 0 && Number.isFinite(d)) pixels[k++] = i * width + j;
    }
  return pixels;
}

/** Scene points: the scene's own (mesh vertices), else depth of all frames fused and voxel-downsampled. */
export async function scenePoints(
  scene: Scene, frames: Frame[], opts: { voxelSize: number; stride: number; progress?: GenerateOptions['progress'] },
): Promise<{ points: Float32Array; pointInstances?: Uint16Array; source: 'scene' | 'fused' }> {
  if (scene.points && scene.points.length) return { points: scene.points, pointInstances: scene.pointInstances, source: 'scene' };
  const chunks: Float32Array[] = [];
  const labelChunks: Uint16Array[] = [];
  let withLabels = frames.every((f) => f.instanceIds);
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const depth = await loadFrameDepth(f);
    const pts = backprojectDepth(depth, { intrinsics: f.intrinsics, pose: f.pose }, { stride: opts.stride });
    chunks.push(pts);
    if (withLabels && f.instanceIds) {
      const pixels = backprojectedPixels(depth, opts.stride);
      if (pixels.length * 3 !== pts.length)
        throw new Error(`internal: backprojectDepth gave ${pts.length / 3} points for ${pixels.length} kept pixels of frame ${f.id}`);
      const ids = f.instanceIds;
      labelChunks.push(Uint16Array.from(pixels, (p) => ids[p]));
    } else withLabels = false;
    opts.progress?.('fuse', i + 1, frames.length);
  }
  const all = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) { all.set(c, o); o += c.length; }
  let labels: Uint16Array | undefined;
  if (withLabels) {
    labels = new Uint16Array(all.length / 3);
    let l = 0;
    for (const c of labelChunks) { labels.set(c, l); l += c.length; }
  }
  const down = voxelDownsample(all, opts.voxelSize, labels);
  return { points: down.points, pointInstances: down.labels, source: 'fused' };
}

/**
 * Visible sets of all frames, computed in batches (the depth maps of at most two batches in
 * memory). Frames whose depth is a 16-bit PNG go to the kernel as stored (uint16 + scale,
 * `visibleSetsStoredAsync`): libvips decodes them on its threads, the conversion to metres runs
 * on the worker that runs the kernel, and the next batch is decoded while this one's visibility
 * runs. Frames with in-memory depth, mixed scales and the 'multispa' rule take the metric path.
 */
export async function sceneVisibility(
  points: Float32Array, frames: Frame[], opts: { tolerance: number; compat: CompatMode; batchSize: number; progress?: GenerateOptions['progress'] },
): Promise<Uint32Array[]> {
  const sets: Uint32Array[] = [];
  const stored = opts.compat !== 'multispa' && frames.every((f) => !f.depth && f.depthPath && f.depthScale === frames[0].depthScale);
  const batches: Frame[][] = [];
  for (let b = 0; b < frames.length; b += opts.batchSize) batches.push(frames.slice(b, b + opts.batchSize));
  const decode = (batch: Frame[]) => Promise.all(batch.map((f) => loadFrameDepthStored(f) as Promise<StoredDepthMap>));
  // The next batch decodes while this one's visibility runs; a failure surfaces when it is awaited.
  let next = stored && batches.length ? decode(batches[0]) : undefined;
  next?.catch(() => undefined);
  let done = 0;
  for (const [k, batch] of batches.entries()) {
    const cameras = batch.map((f) => ({ intrinsics: f.intrinsics, pose: f.pose }));
    if (next) {
      const depths = await next;
      next = k + 1 < batches.length ? decode(batches[k + 1]) : undefined;
      next?.catch(() => undefined);
      sets.push(...(await visibleSetsStoredAsync(points, cameras, depths, { tolerance: opts.tolerance })));
    } else {
      const depths: DepthMap[] = await Promise.all(batch.map((f) => loadFrameDepth(f)));
      // Under compat the depth compared is the stored integer times 1 / scale (the reference's
      // `stored * 0.001`), for frames whose depth comes from a file.
      if (opts.compat === 'multispa') sets.push(...visibleSetsMultiSpa(points, batch.map(colorCameraOf), depths, { depthScales: batch.map((f) => (f.depth ? undefined : f.depthScale)) }));
      else sets.push(...(await visibleSetsAsync(points, cameras, depths, { tolerance: opts.tolerance })));
    }
    done += batch.length;
    opts.progress?.('visibility', done, frames.length);
  }
  return sets;
}

/** Histogram of the upper triangle of an overlap matrix in `bins` equal bins over [0, 1]. */
export function overlapHistogram(overlap: Float32Array, m: number, bins = 20): { edges: number[]; counts: number[] } {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) counts[Math.min(bins - 1, Math.floor(overlap[i * m + j] * bins))]++;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => k / bins), counts };
}

/** The heat-map colour of a value in [0, 1]: black -> red -> yellow -> white (RGB, rounded). */
export function heatColor(t: number): [number, number, number] {
  return [Math.min(255, 3 * 255 * t), Math.min(255, Math.max(0, 3 * 255 * t - 255)), Math.min(255, Math.max(0, 3 * 255 * t - 510))].map(Math.round) as [number, number, number];
}

/**
 * An overlap matrix as a heat-map image (black -> red -> yellow -> white), each cell `cell` px.
 * The colour is computed once per cell and each cell row is built once, then copied: no per-pixel
 * work in JS beyond the copies.
 */
export function overlapHeatmap(overlap: Float32Array, m: number, cell = Math.max(1, Math.ceil(512 / Math.max(1, m)))): Image {
  const size = m * cell;
  const data = new Uint8Array(size * size * 3);
  const rowBytes = size * 3;
  for (let i = 0; i < m; i++) {
    const row = data.subarray(i * cell * rowBytes, (i * cell + 1) * rowBytes);
    for (let j = 0; j < m; j++) {
      const [r, g, b] = heatColor(overlap[i * m + j]);
      for (let x = j * cell * 3, end = (j + 1) * cell * 3; x < end; x += 3) { row[x] = r; row[x + 1] = g; row[x + 2] = b; }
    }
    for (let y = 1; y < cell; y++) data.copyWithin((i * cell + y) * rowBytes, i * cell * rowBytes, (i * cell + 1) * rowBytes);
  }
  return { width: size, height: size, channels: 3, data };
}

/**
 * The overlap heat map of {@link overlapHeatmap} as a figure: frame ids on both axes (every k-th
 * frame, k chosen so labels do not overlap), a colour bar from 0 to 1 (IoU of the visible sets)
 * and axis captions, drawn with the built-in pixel font (the same bytes on every machine).
 */
export function overlapFigure(overlap: Float32Array, m: number, frameIds: string[]): Image {
  const heat = overlapHeatmap(overlap, m);
  const size = heat.width, cell = m > 0 ? size / m : 1;
  const step = Math.max(1, Math.ceil(10 / cell));
  const labelled = Array.from({ length: m }, (_, i) => i).filter((i) => i % step === 0);
  const longest = Math.max(textWidth('frame'), ...labelled.map((i) => textWidth(frameIds[i] ?? String(i))));
  const ink: Rgb = [40, 40, 40];
  const X = 12 + longest + 7, Y = 14;
  const barX = X + size + 12, barW = 14;
  const width = barX + barW + 4 + textWidth('0.5') + 8, height = Y + size + 5 + longest + 4 + 7 + 6;
  const fig: Image = { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(255) };
  blit(fig, heat, X, Y);
  const line = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) fig.data.set(ink, (y * width + x) * 3);
  };
  for (const i of labelled) {
    const id = frameIds[i] ?? String(i), w = textWidth(id);
    const c = Math.floor(i * cell + cell / 2);
    line(X - 3, Y + c, X - 1, Y + c); // y tick and label (rows are the first frame of a pair)
    drawText(fig, X - 5 - w, Y + c - 3, id, ink);
    line(X + c, Y + size, X + c, Y + size + 2); // x tick and label, read bottom to top
    drawText(fig, X + c - 3, Y + size + 5 + w, id, ink, { vertical: true });
  }
  drawText(fig, X + Math.floor((size - textWidth('frame')) / 2), height - 9, 'frame', ink);
  drawText(fig, 2, Y + Math.floor((size + textWidth('frame')) / 2), 'frame', ink, { vertical: true });
  for (let r = 0; r < size; r++) {
    const c = heatColor(1 - r / Math.max(1, size - 1));
    for (let x = 0; x < barW; x++) fig.data.set(c, ((Y + r) * width + barX + x) * 3);
  }
  line(barX - 1, Y - 1, barX + barW, Y - 1);
  line(barX - 1, Y + size, barX + barW, Y + size);
  drawText(fig, barX + barW + 4, Y, '1', ink);
  drawText(fig, barX + barW + 4, Y + Math.floor(size / 2) - 3, '0.5', ink);
  drawText(fig, barX + barW + 4, Y + size - 7, '0', ink);
  drawText(fig, barX, Y - 11, 'iou', ink);
  return fig;
}

/** Runs the whole engine on one scene and writes its outputs into `opts.outDir`. */
export async function generateScene(scene: Scene, opts: GenerateOptions): Promise<GenerateReport> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (stage: string, since: number) => (timings[stage] = Math.round(performance.now() - since));
  const step = opts.frameStep ?? GENERATE_DEFAULTS.frameStep;
  const frames = scene.frames.filter((_, i) => i % step === 0);
  if (frames.length < 1) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${scene.id} has no frames`);
  const compat = opts.compat ?? GENERATE_DEFAULTS.compat;
  const perTask = opts.perTask ?? GENERATE_DEFAULTS.perTask;
  const outDir = opts.outDir;
  const rng = createRng(`${opts.seed ?? GENERATE_DEFAULTS.seed}/${scene.id}`);
  const images = new ImageWriter(imageFormatSpec(opts));
  const colors = new DecodedImageCache(opts.colorCacheBytes ?? GENERATE_DEFAULTS.colorCacheBytes);

  let t = performance.now();
  const { points, pointInstances, source } = await scenePoints(scene, frames, { voxelSize: opts.voxelSize ?? GENERATE_DEFAULTS.voxelSize, stride: opts.backprojectStride ?? GENERATE_DEFAULTS.backprojectStride, progress: opts.progress });
  lap('points', t);
  if (points.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `scene ${scene.id} has no valid points (no mesh and no valid depth)`);

  t = performance.now();
  const visible = await sceneVisibility(points, frames, { tolerance: opts.tolerance ?? GENERATE_DEFAULTS.tolerance, compat, batchSize: opts.batchSize ?? GENERATE_DEFAULTS.batchSize, progress: opts.progress });
  lap('visibility', t);

  t = performance.now();
  const m = frames.length;
  const overlap = await overlapMatrixAsync(visible);
  lap('overlap', t);

  t = performance.now();
  const selection = selectPairs(overlap, m, rng.fork('pairs'), { band: opts.overlapBand, binWidth: opts.binWidth, count: opts.maxPairs ?? defaultMaxPairs(perTask) });
  lap('pairs', t);

  const imageCache = new Map<number, Promise<string>>();
  const imageMode = opts.imageMode ?? 'reference';
  const safeName = (s: string) => s.replace(/[^\w.-]/g, '_');
  const engineFrames: EngineFrame[] = frames.map((f, index) => ({
    index,
    id: f.id,
    colorCamera: colorCameraOf(f),
    depthCamera: { intrinsics: f.intrinsics, pose: f.pose },
    loadColor: () => colors.get(index, () => loadFrameColor(f)),
    imagePath: () => {
      let p = imageCache.get(index);
      if (!p) {
        // A frame file is listed only once its header shows a complete PNG/JPEG of the colour size.
        const k = f.colorIntrinsics ?? f.intrinsics;
        p = f.colorPath
          ? checkFrameFile(f.colorPath, { width: k.width, height: k.height, what: `frame ${f.id}'s colour intrinsics` }).then(async () => {
              if (imageMode === 'reference') return relative(outDir, f.colorPath!);
              const rel = join('images', safeName(scene.id), `${safeName(f.id)}${extname(f.colorPath!).toLowerCase()}`);
              await placeFrameFile(f.colorPath!, join(outDir, rel), imageMode);
              return rel;
            })
          : colors.get(index, () => loadFrameColor(f)).then(async (img) => {
              const rel = join('images', scene.id, `${f.id}${imageExtension(images.spec)}`);
              await images.write(join(outDir, rel), img);
              return rel;
            });
        imageCache.set(index, p);
      }
      return p;
    },
  }));
  const ctx: TaskContext = {
    sceneId: scene.id, points, pointInstances, instances: scene.instances ?? [], frames: engineFrames, visible, overlap,
    pairs: selection.pairs, up: sceneUp(scene.up, frames.map((f) => f.pose), compat), rules: numberRules(compat), rng,
    prompts: opts.prompts ?? GENERATE_DEFAULTS.prompts,
    writePrompt: promptWriter(outDir, scene.id, images),
    augment: opts.cameraAugment ? cameraAugmentation(opts.cameraAugment) : undefined,
  };

  t = performance.now();
  const tasks = opts.tasks ?? ALL_TASKS;
  const samples: QASample[] = [];
  // The task generators run side by side: each waits on libvips (frame decodes, prompt encodes)
  // most of its time, so one task's decode overlaps another's drawing. Each draws from its own
  // forked generator and writes its own file names, and the samples are concatenated in task
  // order, so the output is the same bytes as one task after another. Every generator settles
  // before a failure is reported, so none writes into the output after it is cleaned up.
  let finished = 0;
  const results = await Promise.allSettled(tasks.map(async (name) => {
    const made = await TASK_GENERATORS[name](ctx, perTask);
    opts.progress?.('tasks', ++finished, tasks.length);
    return made;
  }));
  const drained = images.drain();
  for (const r of results) if (r.status === 'rejected') { await drained.catch(() => undefined); throw r.reason; }
  for (const r of results) if (r.status === 'fulfilled') samples.push(...r.value);
  await drained;
  lap('tasks', t);

  t = performance.now();
  const { train, eval: evalCount, counts } = await writeSplits(outDir, samples, rng.fork('split'), opts.evalFraction ?? GENERATE_DEFAULTS.evalFraction, {
    singleImageAsString: opts.singleImageAsString, title: `Spatial QA of scene ${scene.id}`, imagePaths: imagePathNote(imageMode), whole: opts.sceneSplit,
  });
  const files = ['qa_train.jsonl', 'qa_eval.jsonl', `${BY_TYPE_DIR}/`, 'dataset_info.json', 'README.md', 'overlap.png', 'stats.json'];
  await writePng(join(outDir, 'overlap.png'), overlapFigure(overlap, m, frames.map((f) => f.id)));
  const sizes = visible.map((v) => v.length);
  const { pairs, ...pairStats } = selection;
  const report: GenerateReport = {
    scene: scene.id, frames: m, points: points.length / 3, pointsSource: source,
    visible: { min: Math.min(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / m, max: Math.max(...sizes) },
    overlapHistogram: overlapHistogram(overlap, m), overlapRange: overlapRange(overlap, m), overlapBand: opts.overlapBand ?? [0.06, 0.35],
    pairSelection: { ...pairStats, selected: pairs.length },
    samples: counts, train, eval: evalCount, timingsMs: timings, files,
  };
  lap('write', t);
  timings.total = Math.round(performance.now() - t0);
  // stats.json holds no timings, so that same inputs and seed give byte-identical outputs.
  const { timingsMs: _timings, ...deterministic } = report;
  await writeFileAtomic(join(outDir, 'stats.json'), JSON.stringify(deterministic, null, 2) + '\n', 'file', { mkdir: true });
  return report;
}

/** Options of {@link writeSplits}. */
export interface WriteSplitsOptions {
  /** See {@link GenerateOptions.singleImageAsString}. */
  singleImageAsString?: boolean;
  /** Title of the dataset card. */
  title?: string;
  /** What the card says about image paths ({@link imagePathNote}). */
  imagePaths?: string;
  /** Every sample to this split instead of the seeded draw (a scene of a room-split dataset). */
  whole?: 'train' | 'eval';
}

/** A sample's `image` as the merged files write it: the path itself for one image with `singleImageAsString`. */
export function mergedImageField(image: unknown, singleImageAsString: boolean | undefined): unknown {
  return singleImageAsString && Array.isArray(image) && image.length === 1 ? image[0] : image;
}

/**
 * Splits samples into train and eval (a seeded draw per sample, `evalFraction` to eval; every sample to `opts.whole` when given) and writes
 * `qa_train.jsonl` (LLaVA conversations) and `qa_eval.jsonl` (the human turn as `text`, no
 * conversations), one file per question type and split under `by_type/` (see card.ts) and the
 * dataset card (`README.md`, `dataset_info.json`), each atomically. Returns the line counts and
 * samples per question type.
 */
export async function writeSplits(
  outDir: string, samples: QASample[], split: Rng, evalFraction: number, opts: WriteSplitsOptions = {},
): Promise<{ train: number; eval: number; counts: Record<string, number> }> {
  const train: string[] = [];
  const evalLines: string[] = [];
  const counts: Record<string, number> = {};
  const typed = new TypedSplits();
  const typedLines = new Map<string, string[]>();
  for (const s of samples) {
    counts[s.question_type] = (counts[s.question_type] ?? 0) + 1;
    const image = mergedImageField(s.image, opts.singleImageAsString);
    const toEval = opts.whole ? opts.whole === 'eval' : split.next() < evalFraction;
    if (toEval) {
      const { conversations, ...rest } = s;
      evalLines.push(JSON.stringify({ ...rest, image, text: conversations[0].value }));
    } else train.push(JSON.stringify({ ...s, image }));
    const file = typed.add(s as unknown as QASample & Record<string, unknown>, toEval ? 'eval' : 'train', `sample ${s.id}`);
    let lines = typedLines.get(file);
    if (!lines) typedLines.set(file, (lines = []));
    lines.push(JSON.stringify(typedRow(s)));
  }
  await writeFileAtomic(join(outDir, 'qa_train.jsonl'), train.map((l) => l + '\n').join(''), 'file', { mkdir: true });
  await writeFileAtomic(join(outDir, 'qa_eval.jsonl'), evalLines.map((l) => l + '\n').join(''), 'file', { mkdir: true });
  for (const [file, lines] of typedLines) await writeFileAtomic(join(outDir, file), lines.map((l) => l + '\n').join(''), 'file', { mkdir: true });
  await writeDatasetCard(outDir, typed.list(), { title: opts.title ?? 'Spatial QA', imagePaths: opts.imagePaths ?? imagePathNote('reference') });
  return { train: train.length, eval: evalLines.length, counts };
}

/** Removes a previous run's outputs (used by the CLI before a fresh run into the same directory). */
export async function cleanOutputs(outDir: string): Promise<void> {
  for (const f of ['qa_train.jsonl', 'qa_eval.jsonl', 'dataset_info.json', 'README.md', 'overlap.png', 'stats.json']) await rm(join(outDir, f), { force: true });
  await rm(join(outDir, BY_TYPE_DIR), { recursive: true, force: true });
  await rm(join(outDir, 'images', 'prompts'), { recursive: true, force: true });
}
