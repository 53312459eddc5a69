/**
 * What every task generator sees: the scene's points, frames, visible sets, overlap and selected
 * pairs, the number rules, a seeded generator, and writers for prompt images. Also the QA sample
 * shape (LLaVA conversation form plus structured ground truth).
 * @module
 */
import { multiSpaProjector } from '../ops/compat/shared.js';
import { projectPoints } from '../ops/geometry/native.js';
import type { Rng } from '../random.js';
import type { Instance } from '../scenes/types.js';
import type { Camera, Image } from '../types.js';
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
}

/** One QA sample (train form). Eval samples drop `conversations` and carry `text` instead. */
export interface QASample {
  id: string;
  image: string[];
  conversations: { from: 'human' | 'gpt'; value: string }[];
  height_list: number[];
  width_list: number[];
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

const multiSpaProjectors = new WeakMap<Camera, ReturnType<typeof multiSpaProjector>>();

/**
 * Projection of point p into frame f's colour camera (pixels, camera-space z in metres). Under
 * `--compat multispa` (`ctx.rules.mode`), MultiSPA's projection in double ({@link multiSpaProjector}:
 * general pose inverse, its pixel arithmetic), the one its visibility rule tested.
 */
export function projectInto(ctx: Pick<TaskContext, 'points' | 'frames' | 'rules'>, p: number, f: number): { u: number; v: number; z: number } {
  const camera = ctx.frames[f].colorCamera;
  if (ctx.rules.mode === 'multispa') {
    let project = multiSpaProjectors.get(camera);
    if (!project) multiSpaProjectors.set(camera, (project = multiSpaProjector(camera)));
    return project(ctx.points[3 * p], ctx.points[3 * p + 1], ctx.points[3 * p + 2]);
  }
  const { uv, depth } = projectPoints(ctx.points.subarray(3 * p, 3 * p + 3), camera);
  return { u: uv[0], v: uv[1], z: depth[0] };
}

/** Whether pixel (u, v) lies inside the colour image with `margin` pixels to spare. */
export function insideImage(ctx: TaskContext, f: number, u: number, v: number, margin = 0): boolean {
  const k = ctx.frames[f].colorCamera.intrinsics;
  return u >= margin - 0.5 && u < k.width - 0.5 - margin && v >= margin - 0.5 && v < k.height - 0.5 - margin;
}

/** The human turn's image prefix: "<image>\n" for one image, "Image-1: <image>\n..." for several. */
export function imagePrefix(count: number): string {
  if (count === 1) return '<image>\n';
  return Array.from({ length: count }, (_, i) => `Image-${i + 1}: <image>\n`).join('');
}

/** Assembles a sample (the only place that fixes the key order of the JSON). */
export async function makeSample(
  ctx: TaskContext,
  s: {
    key: string; task: string; subtask: string; questionType: string; frames: number[]; images?: string[];
    question: string; answer: string; answerValues: Record<string, unknown>; gt: number | number[] | string;
  },
): Promise<QASample> {
  const images = s.images ?? (await Promise.all(s.frames.map((f) => ctx.frames[f].imagePath())));
  return {
    id: `${ctx.sceneId}:${s.questionType}:${s.key}`,
    image: images,
    conversations: [
      { from: 'human', value: imagePrefix(images.length) + s.question },
      { from: 'gpt', value: s.answer },
    ],
    height_list: s.frames.map((f) => ctx.frames[f].colorCamera.intrinsics.height),
    width_list: s.frames.map((f) => ctx.frames[f].colorCamera.intrinsics.width),
    task: s.task,
    subtask: s.subtask,
    question_type: s.questionType,
    answer_values: s.answerValues,
    gt_value: s.gt,
    scene: ctx.sceneId,
    frames: s.frames.map((f) => ctx.frames[f].id),
  };
}
