/**
 * The dynamic-clip data engine (MultiSPA's object-movement data): clip -> rigid-body segmentation
 * -> world tracks -> balanced (point, frame pair) candidates -> object-movement questions, plus
 * camera-movement questions when the clip has camera poses. Writes the same files as the static
 * engine (qa_train.jsonl, qa_eval.jsonl, stats.json), deterministic for a seed.
 * @module
 */
import { join } from 'node:path';
import { spatialError } from '../errors.js';
import { checkFrameBytes } from '../io/image.js';
import { overlapMatrix } from '../ops/geometry/native.js';
import { rigidSegmentationAsync } from '../ops/motion/native.js';
import { createRng } from '../random.js';
import type { DynamicClip } from '../scenes/clip.js';
import { MOTION_CANDIDATE_DEFAULTS, type MotionCandidate, finiteTracks, motionCandidates, staticTracks, worldTracks } from './clip-prep.js';
import type { EngineFrame, QASample, TaskContext } from './context.js';
import { type CameraAugmentOptions, cameraAugmentation } from './camera-augment.js';
import { type CompatMode, numberRules } from './format.js';
import { overlapRange, PAIR_SELECTION_DEFAULTS, selectPairs } from './pairs.js';
import { writeFileAtomic } from '../io/files.js';
import { BY_TYPE_DIR } from './card.js';
import { IMAGE_FORMAT_DEFAULTS, type ImageFormatOptions, ImageWriter, imageExtension, imageFormatSpec } from './images.js';
import { defaultMaxPairs, GENERATE_DEFAULTS, type GenerateOptions, imagePathNote, promptWriter, writePng, writeSplits } from './pipeline.js';
import { upVector } from './relations.js';
import { ALL_CLIP_TASKS, type ClipTaskName, taskEntry } from './tasks/index.js';
import { DYNAMIC_CAMERA_NOTE } from './templates.js';

/**
 * The defaults of {@link ClipGenerateOptions} that the clip pipeline applies itself (the CLI's
 * `--help` prints them); the segmentation's defaults are `rigidSegmentation`'s.
 */
export const CLIP_GENERATE_DEFAULTS = {
  seed: GENERATE_DEFAULTS.seed,
  perTask: GENERATE_DEFAULTS.perTask,
  pointsPerGroup: MOTION_CANDIDATE_DEFAULTS.pointsPerGroup,
  pairsPerBin: MOTION_CANDIDATE_DEFAULTS.pairsPerBin,
  overlapBand: PAIR_SELECTION_DEFAULTS.band,
  compat: GENERATE_DEFAULTS.compat,
  prompts: GENERATE_DEFAULTS.prompts,
  evalFraction: GENERATE_DEFAULTS.evalFraction,
  ...IMAGE_FORMAT_DEFAULTS,
} as const satisfies Partial<Record<keyof ClipGenerateOptions, unknown>>;

/** Options of {@link generateClip} (defaults in brackets, from {@link CLIP_GENERATE_DEFAULTS}). */
export interface ClipGenerateOptions extends ImageFormatOptions {
  outDir: string;
  /** Run seed [0]; the clip's generator is seeded from (seed, clip id). */
  seed?: number;
  /** Task families [object_movement, and camera when the clip has poses]. */
  tasks?: ClipTaskName[];
  /** Samples per question type [20]. */
  perTask?: number;
  /** Tracks drawn per rigid group [15]. */
  pointsPerGroup?: number;
  /** Frame pairs per distance bin at most [30]. */
  pairsPerBin?: number;
  /** Segmentation: per-frame distance change treated as noise (m) [0.01]. */
  smoothing?: number;
  /** Segmentation: average-linkage cut [0.1]. */
  cut?: number;
  /** Segmentation: smallest group [6]. */
  minGroupSize?: number;
  /** Overlap band of camera-movement pairs (IoU of the visible static tracks) [0.06, 0.35]. */
  overlapBand?: [number, number];
  compat?: CompatMode;
  prompts?: boolean;
  evalFraction?: number;
  /** See {@link GenerateOptions.singleImageAsString}. */
  singleImageAsString?: boolean;
  /** Every sample of the clip goes to this split (see GenerateOptions.sceneSplit). */
  sceneSplit?: 'train' | 'eval';
  /** Camera augmentation of every image of every sample (see GenerateOptions.cameraAugment). */
  cameraAugment?: CameraAugmentOptions;
  progress?: GenerateOptions['progress'];
}

/** What {@link generateClip} did. */
export interface ClipReport {
  clip: string;
  frames: number;
  /** Tracks in the clip as loaded. */
  tracks: number;
  /** Tracks left out because a coordinate is NaN or infinite in some frame (present when any were). */
  nonFiniteTracks?: number;
  /** Rigid groups, largest first: size and whether its tracks move in the world. */
  groups: { size: number; moving: boolean }[];
  candidates: { static: number; moving: number; perBin: number[] };
  cameraPairs: number;
  /** Non-zero overlap range of the camera pairs (visible static tracks; null: none overlap) and the band. */
  overlapRange: { min: number; max: number; pairs: number } | null;
  overlapBand: [number, number];
  samples: Record<string, number>;
  train: number;
  eval: number;
  timingsMs: Record<string, number>;
  files: string[];
}

/** The clip's frames as the task generators see them (one camera, images on demand). */
function clipFrames(clip: DynamicClip, outDir: string, images: ImageWriter): EngineFrame[] {
  const cache = new Map<number, Promise<string>>();
  return Array.from({ length: clip.frames }, (_, t) => {
    const camera = { intrinsics: clip.intrinsics, pose: clip.poses?.[t] ?? Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) };
    const id = `frame-${String(t).padStart(6, '0')}`;
    const expected = { width: clip.intrinsics.width, height: clip.intrinsics.height, what: `clip ${clip.id}'s intrinsics` };
    const loadColor = async () => {
      if (!clip.images) throw spatialError('ERR_SPATIAL_FORMAT', `clip ${clip.id} has no images: use the coordinate variants only (prompts: false / --no-prompts)`);
      const img = await clip.images.load(t);
      if (img.width !== expected.width || img.height !== expected.height)
        throw spatialError('ERR_SPATIAL_SHAPE', `frame ${t} of clip ${clip.id} is ${img.width}x${img.height} but ${expected.what} is for ${expected.width}x${expected.height}`);
      return img;
    };
    return {
      index: t, id, colorCamera: camera, depthCamera: camera, loadColor,
      imagePath: () => {
        let p = cache.get(t);
        if (!p) {
          const encoded = clip.images?.encoded?.(t);
          const rel = join('images', clip.id, `${id}${encoded?.ext ?? imageExtension(images.spec)}`);
          // Stored frames are copied as they are, so they are checked first (header only).
          p = encoded
            ? checkFrameBytes(encoded.bytes, encoded.source, expected).then(() => writeFileAtomic(join(outDir, rel), encoded.bytes, 'image', { mkdir: true })).then(() => rel)
            : loadColor().then((img) => images.write(join(outDir, rel), img)).then(() => rel);
          cache.set(t, p);
        }
        return p;
      },
    };
  });
}

// Clip preparation (finite tracks, world tracks, static tracks, movement candidates): clip-prep.ts.
export { finiteTracks };

/** Runs the dynamic engine on one clip and writes its outputs into `opts.outDir`. */
export async function generateClip(loaded: DynamicClip, opts: ClipGenerateOptions): Promise<ClipReport> {
  const { clip, dropped } = finiteTracks(loaded);
  if (!clip.images)
    throw spatialError('ERR_SPATIAL_FORMAT', `clip ${clip.id} has no images: the questions need the frames they ask about (images_jpeg_bytes in the .npz, images in the JSON form)`);
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (stage: string, since: number) => (timings[stage] = Math.round(performance.now() - since));
  const rng = createRng(`${opts.seed ?? CLIP_GENERATE_DEFAULTS.seed}/${clip.id}`);
  const perTask = opts.perTask ?? CLIP_GENERATE_DEFAULTS.perTask;
  const prompts = opts.prompts ?? CLIP_GENERATE_DEFAULTS.prompts;
  const tasks = opts.tasks ?? ALL_CLIP_TASKS;
  const { frames: T, tracks: n } = clip;
  const images = new ImageWriter(imageFormatSpec(opts));

  let t = performance.now();
  const seg = await rigidSegmentationAsync(clip.tracksXYZ, T, { smoothing: opts.smoothing, cut: opts.cut, minGroupSize: opts.minGroupSize });
  lap('segmentation', t);
  opts.progress?.('segment', 1, 1);

  t = performance.now();
  const world = worldTracks(clip);
  const isStatic = staticTracks(world, T, n);
  const candidates: MotionCandidate[] = tasks.includes('object_movement')
    ? motionCandidates(clip, world, seg, rng.fork('candidates'), { pointsPerGroup: opts.pointsPerGroup, pairsPerBin: opts.pairsPerBin })
    : [];
  lap('candidates', t);

  // Camera pairs: overlap of the visible static tracks, as the static engine does with scene points.
  t = performance.now();
  const visible = Array.from({ length: T }, (_, f) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (isStatic[i] && clip.visibility[f * n + i]) idx.push(i);
    return Uint32Array.from(idx);
  });
  const overlap = overlapMatrix(visible);
  const pairs = clip.poses && tasks.includes('camera')
    ? selectPairs(overlap, T, rng.fork('pairs'), { band: opts.overlapBand, count: defaultMaxPairs(perTask) }).pairs
    : [];
  lap('pairs', t);

  const points = new Float32Array(world.subarray(0, 3 * n));
  const ctx: TaskContext = {
    sceneId: clip.id, points, instances: [], frames: clipFrames(clip, opts.outDir, images), visible, overlap, pairs,
    up: upVector(undefined, clip.poses ?? []), rules: numberRules(opts.compat ?? CLIP_GENERATE_DEFAULTS.compat), rng, prompts,
    writePrompt: promptWriter(opts.outDir, clip.id, images),
    cameraNote: DYNAMIC_CAMERA_NOTE,
    augment: opts.cameraAugment ? cameraAugmentation(opts.cameraAugment) : undefined,
  };

  t = performance.now();
  const samples: QASample[] = [];
  for (const [k, name] of ALL_CLIP_TASKS.entries()) {
    if (tasks.includes(name)) samples.push(...(await taskEntry(name).clip!(ctx, { clip, world, candidates }, perTask)));
    opts.progress?.('tasks', k + 1, ALL_CLIP_TASKS.length);
  }
  await images.drain();
  lap('tasks', t);

  t = performance.now();
  const { train, eval: evalCount, counts } = await writeSplits(opts.outDir, samples, rng.fork('split'), opts.evalFraction ?? CLIP_GENERATE_DEFAULTS.evalFraction, {
    singleImageAsString: opts.singleImageAsString, title: `Spatial QA of clip ${clip.id}`, imagePaths: imagePathNote('copy'), whole: opts.sceneSplit,
  });
  const perBin = new Array<number>(10).fill(0);
  for (const c of candidates) if (c.moving) perBin[c.bin]++;
  const report: ClipReport = {
    clip: clip.id, frames: T, tracks: loaded.tracks, ...(dropped ? { nonFiniteTracks: dropped } : {}),
    groups: seg.groups.map((g) => ({ size: g.length, moving: g.some((i) => !isStatic[i]) })),
    candidates: { static: candidates.filter((c) => !c.moving).length, moving: candidates.filter((c) => c.moving).length, perBin },
    cameraPairs: pairs.length, overlapRange: overlapRange(overlap, T), overlapBand: opts.overlapBand ?? [0.06, 0.35], samples: counts, train, eval: evalCount, timingsMs: timings,
    files: ['qa_train.jsonl', 'qa_eval.jsonl', `${BY_TYPE_DIR}/`, 'dataset_info.json', 'README.md', 'stats.json'],
  };
  const { timingsMs: _t, ...deterministic } = report;
  await writeFileAtomic(join(opts.outDir, 'stats.json'), JSON.stringify(deterministic, null, 2) + '\n', 'file', { mkdir: true });
  lap('write', t);
  timings.total = Math.round(performance.now() - t0);
  return report;
}
