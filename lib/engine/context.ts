/**
 * What every task generator sees: the scene's points, frames, visible sets, overlap and selected
 * pairs, the number rules, a seeded generator, and writers for prompt images. Also the QA sample
 * shape (LLaVA conversation form plus structured ground truth).
 * @module
 */
import { applyAugmentOps, augmentIntrinsics, opPixelMap, type AugmentOp } from '../ops/augment/native.js';
import { multiSpaProjector } from '../ops/compat/shared.js';
import { projectPoints } from '../ops/geometry/native.js';
import type { Rng } from '../random.js';
import type { Instance } from '../scenes/types.js';
import type { Camera, Image, Intrinsics } from '../types.js';
import type { NumberRules } from './format.js';
import type { Vec3 } from './relations.js';

/** One frame as the engine uses it. */
export interface EngineFrame {
  /** Position in the engine's frame list. */
  index: number;
  /** The dataset's frame id. */
  id: string;
  /** Camera of the colour image the model sees (pixel coordinates and prompts use it). */
  colorCamera: Camera;
  /** Camera of the depth map (visibility uses it). */
  depthCamera: Camera;
  /** Path of the colour image relative to the output directory (written on first use if in memory). */
  imagePath(): Promise<string>;
  /** The colour image pixels (for visual prompts). */
  loadColor(): Promise<Image>;
}

export interface TaskContext {
  sceneId: string;
  points: Float32Array;
  pointInstances?: Uint16Array;
  instances: Instance[];
  frames: EngineFrame[];
  visible: Uint32Array[];
  /** M*M overlap (IoU) of the visible sets. */
  overlap: Float32Array;
  /** Frame pairs selected in the overlap band (i < j). */
  pairs: [number, number][];
  up: Vec3;
  rules: NumberRules;
  rng: Rng;
  /** Draw visual prompts (dots, labels) onto copies of the images. */
  prompts: boolean;
  /** Writes a prompt image and returns its path relative to the output directory. */
  writePrompt(name: string, image: Image): Promise<string>;
  /** Preamble of camera-movement questions [CAMERA_NOTE: objects are static]. */
  cameraNote?: string;
  /** Camera augmentation of every image of every sample (absent: images as stored). */
  augment?: CameraAugmentation;
}

/**
 * Draws the camera augmentation of one image of a sample (see `camera-augment.ts`): the ops that
 * turn the frame's colour image (of intrinsics `k`) into the image written for the sample.
 */
export interface CameraAugmentation {
  draw(k: Intrinsics, rng: Rng): AugmentOp[];
}

/**
 * One image of a sample as written: the frame, the colour camera of the written image (the frame's,
 * or the augmented one: same pose, new intrinsics and size) and the ops that made it. Every pixel a
 * question or answer refers to is a pixel of this camera.
 */
export interface SampleCamera {
  /** Engine frame index. */
  frame: number;
  /** Camera of the written image. */
  camera: Camera;
  /** Augmentation ops applied to the frame's colour image (replayable with `applyAugmentOps`); [] when none. */
  ops: AugmentOp[];
  /**
   * The part of the written image that shows the frame (pixel-centre coordinates, `[x0, x1) x
   * [y0, y1)`): the whole image, less what a crop past the border or a shift filled.
   */
  content: { x0: number; x1: number; y0: number; y1: number };
}

/** One QA sample (train form). Eval samples drop `conversations` and carry `text` instead. */
export interface QASample {
  id: string;
  image: string[];
  conversations: { from: 'human' | 'gpt'; value: string }[];
  height_list: number[];
  width_list: number[];
  /**
   * Per image, `[fx, fy, cx, cy]` of the image as written (pixels; integer coordinates are pixel
   * centres): project a camera-space point as `u = fx * x / z + cx`, `v = fy * y / z + cy`.
   */
  intrinsics_list: [number, number, number, number][];
  /** Per image, the camera-to-world pose (`worldFromCam`) in the scene's world frame, row-major 4x4 (16 numbers). */
  pose_list: number[][];
  task: string;
  subtask: string;
  question_type: string;
  /** Structured ground truth and everything needed to recompute it (pixels, point ids, poses). */
  answer_values: Record<string, unknown>;
  /** Answer in the unit of the answer text (mm, degrees, normalised coordinates, a letter or word). */
  gt_value: number | number[] | string;
  scene: string;
  frames: string[];
}

// Task names and generators are listed once, in the task registry (ALL_TASKS, ALL_CLIP_TASKS: there).
export type { ClipTaskName, TaskGenerator, TaskName } from './tasks/index.js';

/**
 * The camera of frame f's image in a sample: its colour camera as stored, or, when the run augments
 * cameras, an augmentation drawn from `rng` (one draw per call: per sample and per image).
 */
export function sampleCamera(ctx: TaskContext, f: number, rng: Rng): SampleCamera {
  const camera = ctx.frames[f].colorCamera;
  const k = camera.intrinsics;
  const ops = ctx.augment ? ctx.augment.draw(k, rng) : [];
  if (!ops.length) return { frame: f, camera, ops, content: { x0: -0.5, x1: k.width - 0.5, y0: -0.5, y1: k.height - 0.5 } };
  const nk = augmentIntrinsics(k, ops);
  // Where the frame's image [-0.5, W-0.5) x [-0.5, H-0.5) lands: every op maps pixels affinely.
  let [x0, x1, y0, y1] = [-0.5, k.width - 0.5, -0.5, k.height - 0.5];
  let [w, h] = [k.width, k.height];
  for (const op of ops) {
    const m = opPixelMap(op, w, h);
    [x0, x1, y0, y1] = [m.x.scale * x0 + m.x.offset, m.x.scale * x1 + m.x.offset, m.y.scale * y0 + m.y.offset, m.y.scale * y1 + m.y.offset];
    [w, h] = [m.width, m.height];
  }
  const content = { x0: Math.max(-0.5, x0), x1: Math.min(nk.width - 0.5, x1), y0: Math.max(-0.5, y0), y1: Math.min(nk.height - 0.5, y1) };
  return { frame: f, camera: { intrinsics: nk, pose: camera.pose }, ops, content };
}

/**
 * Whether pixel (u, v) of a sample camera's written image lies inside the part that shows the
 * frame, with `margin` pixels to spare (a point cropped or shifted out is never asked about).
 */
export function insideImage(sc: SampleCamera, u: number, v: number, margin = 0): boolean {
  const c = sc.content;
  return u >= c.x0 + margin && u < c.x1 - margin && v >= c.y0 + margin && v < c.y1 - margin;
}

/** World position (metres) of scene point p, as the projections of the answer use it. */
export function pointWorld(ctx: TaskContext, p: number): [number, number, number] {
  return [ctx.points[3 * p], ctx.points[3 * p + 1], ctx.points[3 * p + 2]];
}

/** The pixels of a sample camera's image: the frame's colour image with the camera's ops applied. */
export async function sampleImage(ctx: TaskContext, sc: SampleCamera): Promise<Image> {
  const img = await ctx.frames[sc.frame].loadColor();
  if (!sc.ops.length) return img;
  return applyAugmentOps({ intrinsics: ctx.frames[sc.frame].colorCamera.intrinsics, image: img }, sc.ops).image!;
}

const multiSpaProjectors = new WeakMap<Camera, ReturnType<typeof multiSpaProjector>>();

/**
 * Projection of scene point p into a sample camera (pixels of the written image, camera-space z in
 * metres). Under `--compat multispa` (`ctx.rules.mode`), MultiSPA's projection in double
 * ({@link multiSpaProjector}: general pose inverse, its pixel arithmetic), the one its visibility
 * rule tested.
 */
export function projectInto(ctx: Pick<TaskContext, 'points' | 'rules'>, p: number, sc: SampleCamera): { u: number; v: number; z: number } {
  const camera = sc.camera;
  if (ctx.rules.mode === 'multispa') {
    let project = multiSpaProjectors.get(camera);
    if (!project) multiSpaProjectors.set(camera, (project = multiSpaProjector(camera)));
    return project(ctx.points[3 * p], ctx.points[3 * p + 1], ctx.points[3 * p + 2]);
  }
  const { uv, depth } = projectPoints(ctx.points.subarray(3 * p, 3 * p + 3), camera);
  return { u: uv[0], v: uv[1], z: depth[0] };
}

/** The human turn's image prefix: "<image>\n" for one image, "Image-1: <image>\n..." for several. */
export function imagePrefix(count: number): string {
  if (count === 1) return '<image>\n';
  return Array.from({ length: count }, (_, i) => `Image-${i + 1}: <image>\n`).join('');
}

/** The unaugmented sample camera of frame f (its colour camera as stored). */
export function storedCamera(ctx: TaskContext, f: number): SampleCamera {
  const camera = ctx.frames[f].colorCamera;
  const k = camera.intrinsics;
  return { frame: f, camera, ops: [], content: { x0: -0.5, x1: k.width - 0.5, y0: -0.5, y1: k.height - 0.5 } };
}

/**
 * Assembles a sample (the only place that fixes the key order of the JSON). `cameras` are the
 * sample's images as written (default: the frames' colour cameras as stored); `images` the written
 * prompt images, one per camera. An image without a prompt is the frame's stored file, or, when its
 * camera was augmented, the augmented image written as `<questionType>_<key>_<n>` beside the prompts.
 */
export async function makeSample(
  ctx: TaskContext,
  s: {
    key: string; task: string; subtask: string; questionType: string; frames: number[]; images?: string[]; cameras?: SampleCamera[];
    question: string; answer: string; answerValues: Record<string, unknown>; gt: number | number[] | string;
  },
): Promise<QASample> {
  const cameras = s.cameras ?? s.frames.map((f) => storedCamera(ctx, f));
  if (cameras.length !== s.frames.length || cameras.some((c, n) => c.frame !== s.frames[n]))
    throw new Error(`internal: sample ${s.questionType}:${s.key} has cameras of frames ${cameras.map((c) => c.frame)} for frames ${s.frames}`);
  const images = s.images ?? (await Promise.all(cameras.map(async (c, n) => (c.ops.length
    ? ctx.writePrompt(`${s.questionType}_${s.key}_${n + 1}`, await sampleImage(ctx, c))
    : ctx.frames[c.frame].imagePath()))));
  return {
    id: `${ctx.sceneId}:${s.questionType}:${s.key}`,
    image: images,
    conversations: [
      { from: 'human', value: imagePrefix(images.length) + s.question },
      { from: 'gpt', value: s.answer },
    ],
    height_list: cameras.map((c) => c.camera.intrinsics.height),
    width_list: cameras.map((c) => c.camera.intrinsics.width),
    intrinsics_list: cameras.map(({ camera: { intrinsics: k } }) => [k.fx, k.fy, k.cx, k.cy]),
    pose_list: cameras.map((c) => Array.from(c.camera.pose)),
    task: s.task,
    subtask: s.subtask,
    question_type: s.questionType,
    answer_values: ctx.augment ? { ...s.answerValues, augment: cameras.map((c) => c.ops) } : s.answerValues,
    gt_value: s.gt,
    scene: ctx.sceneId,
    frames: s.frames.map((f) => ctx.frames[f].id),
  };
}
