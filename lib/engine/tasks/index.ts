/**
 * The task registry: every task family the engine generates, listed once, with the question types
 * its generator produces, the generator (for static scenes, dynamic clips or both) and how its
 * answers are scored. `TaskName`, `ALL_TASKS`, `ALL_CLIP_TASKS`, the CLI's `--tasks` help and
 * validation, the pipelines and the scorer's question-type matching all derive from {@link TASKS}.
 *
 * Adding a task: write `tasks/<name>.ts` (a {@link TaskGenerator}) and add one entry to `TASKS`.
 * @module
 */
import type { ClipTaskInput } from '../clip-prep.js';
import type { QASample, TaskContext } from '../context.js';
import type { AnswerSpec, Direction } from '../scoring/parse.js';
import { CAMERA_SUBTYPES, cameraTasks } from './camera.js';
import { correspondenceTasks } from './correspondence.js';
import { depthTasks } from './depth.js';
import { objectMotionTasks } from './object-motion.js';
import { objectSizeTasks } from './object-size.js';

/** A static-scene task generator: samples of each of its question types, `perSubtask` each at most. */
export type TaskGenerator = (ctx: TaskContext, perSubtask: number) => Promise<QASample[]>;

// What the dynamic engine hands a clip task besides the context: prepared once per clip in clip-prep.ts.
export type { ClipTaskInput };

/** A dynamic-clip task generator. */
export type ClipTaskGenerator = (ctx: TaskContext, input: ClipTaskInput, perSubtask: number) => Promise<QASample[]>;

/**
 * Answer families in the order the scorer tries them: a question-type name that fits rules of
 * several families (e.g. MultiSPA's `depth_comparison_coor_multichoice`) takes the earliest one.
 * Within a family every rule gives the same kind of answer.
 */
export const ANSWER_FAMILIES = ['displacement_vector', 'total_distance', 'angle', 'direction', 'estimate', 'choice', 'coordinate'] as const;
export type AnswerFamily = (typeof ANSWER_FAMILIES)[number];

/** How the answers of the question types that match `match` are parsed and compared. */
export interface AnswerRule {
  family: AnswerFamily;
  /** The question types of the rule: a pattern (so MultiSPA's variant names match too) or a test. */
  match: RegExp | ((questionType: string) => boolean);
  spec: AnswerSpec | ((questionType: string) => AnswerSpec);
  /** MultiSPA's eval files hold this `gt_value` in metres (its answer text is in mm): `--format multispa` converts. */
  multispaGtInMetres?: boolean;
}

/** One task family. */
export interface TaskEntry {
  /** The `--tasks` name. */
  name: string;
  /** Every `question_type` the generator can write. */
  questionTypes: readonly string[];
  /** Generator over static scenes (absent: clips only). */
  scene?: TaskGenerator;
  /** Generator over dynamic clips (absent: static scenes only). */
  clip?: ClipTaskGenerator;
  /** Whether the task asks about frame pairs (nothing is generated when no pair is in the overlap band). */
  usesPairs?: boolean;
  /** How its answers are scored (including MultiSPA's names of the same questions). */
  answers: readonly AnswerRule[];
}

/** Camera-movement direction words per question type (the two a correct answer chooses from). */
const MOVEMENT_AXES: Record<string, readonly Direction[]> = {
  x_movement: ['left', 'right'],
  y_movement: ['up', 'down'],
  z_movement: ['forward', 'backward'],
  yaw_movement: ['left', 'right'],
  pitch_movement: ['up', 'down'],
};

const DISPLACEMENT_VECTOR: AnswerRule = { family: 'displacement_vector', match: /displacement_vector/, spec: { kind: 'vector', dims: 3, unit: 'mm' }, multispaGtInMetres: true };
const TOTAL_DISTANCE: AnswerRule = { family: 'total_distance', match: /total_distance/, spec: { kind: 'scalar', unit: 'mm' } };

/**
 * The tasks. Static scenes run the entries with a `scene` generator in this order, clips those with
 * a `clip` generator in this order.
 */
export const TASKS = [
  {
    name: 'object_movement',
    questionTypes: ['tapvid3d_total_distance_coord', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_coord', 'tapvid3d_displacement_vector_dot'],
    clip: objectMotionTasks,
    answers: [DISPLACEMENT_VECTOR, TOTAL_DISTANCE],
  },
  {
    name: 'depth',
    questionTypes: ['depth_estimation_dot', 'depth_estimation_coor', 'depth_comparison_annotated', 'depth_comparison_coordinate'],
    scene: depthTasks,
    answers: [
      { family: 'estimate', match: /^depth_estimation/, spec: { kind: 'scalar', unit: 'mm' } },
      { family: 'choice', match: /^depth_comparison_(?:annotated|dot)/, spec: { kind: 'letter' } },
      { family: 'coordinate', match: /^depth_comparison_coor/, spec: { kind: 'coordinate' } },
    ],
  },
  {
    name: 'correspondence',
    questionTypes: ['visual_correspondence_coor_2_coor', 'visual_correspondence_multiple_choice'],
    scene: correspondenceTasks,
    usesPairs: true,
    answers: [
      { family: 'choice', match: /multiple_choice|multichoice/, spec: { kind: 'letter' } },
      { family: 'coordinate', match: /coor_2_coor/, spec: { kind: 'coordinate' } },
    ],
  },
  {
    name: 'camera',
    questionTypes: CAMERA_SUBTYPES,
    scene: cameraTasks,
    // Clips ask camera questions only when they have poses (otherwise no pair is selected).
    clip: async (ctx, _input, perSubtask) => (ctx.pairs.length ? cameraTasks(ctx, perSubtask) : []),
    usesPairs: true,
    answers: [
      DISPLACEMENT_VECTOR,
      TOTAL_DISTANCE,
      { family: 'angle', match: /(?:^|_)(?:yaw|pitch)_angle$/, spec: { kind: 'scalar', unit: 'deg' } },
      { family: 'direction', match: (q) => q in MOVEMENT_AXES, spec: (q) => ({ kind: 'direction', allowed: MOVEMENT_AXES[q] }) },
    ],
  },
  {
    name: 'object_size',
    questionTypes: ['object_perception_height_estimation', 'object_perception_length_estimation', 'object_perception_width_estimation'],
    scene: objectSizeTasks,
    answers: [{ family: 'estimate', match: /^object_perception_/, spec: { kind: 'scalar', unit: 'mm' } }],
  },
] as const satisfies readonly TaskEntry[];

type Entry = (typeof TASKS)[number];
/** Task families of static scenes. */
export type TaskName = Extract<Entry, { scene: TaskGenerator }>['name'];
/** Task families of dynamic clips. */
export type ClipTaskName = Extract<Entry, { clip: ClipTaskGenerator }>['name'];

/** Every static-scene task, in the order the engine runs them. */
export const ALL_TASKS: TaskName[] = TASKS.flatMap((t: TaskEntry) => (t.scene ? [t.name as TaskName] : []));
/** Every dynamic-clip task, in the order the engine runs them. */
export const ALL_CLIP_TASKS: ClipTaskName[] = TASKS.flatMap((t: TaskEntry) => (t.clip ? [t.name as ClipTaskName] : []));

/** Question types whose question is drawn on the image (dots, letters): not generated with `prompts: false`. */
export const PROMPT_QUESTION_TYPES: readonly string[] = [
  'depth_estimation_dot', 'depth_comparison_annotated', 'visual_correspondence_multiple_choice', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_dot',
];

/** The question types a unit of these static-scene tasks asks for (`perTask` each). */
export function expectedQuestionTypes(tasks: readonly (TaskName | ClipTaskName)[], opts: { prompts?: boolean; clip?: boolean } = {}): string[] {
  return (TASKS as readonly TaskEntry[])
    .filter((t) => tasks.includes(t.name as TaskName) && (opts.clip ? t.clip : t.scene))
    .flatMap((t) => t.questionTypes)
    .filter((q) => opts.prompts !== false || !PROMPT_QUESTION_TYPES.includes(q));
}

/** The registry entry of a task name. */
export function taskEntry(name: TaskName | ClipTaskName): TaskEntry {
  return TASKS.find((t) => t.name === name)!;
}

/** The static-scene generator of each task. */
export const TASK_GENERATORS = Object.fromEntries(TASKS.flatMap((t: TaskEntry) => (t.scene ? [[t.name, t.scene]] : []))) as Record<TaskName, TaskGenerator>;

/** The registry entries whose question types include `questionType`. */
export function tasksOfQuestionType(questionType: string): TaskEntry[] {
  return TASKS.filter((t: TaskEntry) => t.questionTypes.includes(questionType));
}

/**
 * The answer rule that scores a question type: of the rules of all tasks that match it, the one of
 * the earliest family of {@link ANSWER_FAMILIES}; undefined when none matches.
 */
export function registeredAnswerRule(questionType: string): AnswerRule | undefined {
  for (const family of ANSWER_FAMILIES)
    for (const task of TASKS as readonly TaskEntry[])
      for (const rule of task.answers) {
        if (rule.family !== family) continue;
        if (typeof rule.match === 'function' ? rule.match(questionType) : rule.match.test(questionType)) return rule;
      }
  return undefined;
}

/** The answer spec of {@link registeredAnswerRule} (a fresh object), or undefined. */
export function registeredAnswerSpec(questionType: string): AnswerSpec | undefined {
  const rule = registeredAnswerRule(questionType);
  if (!rule) return undefined;
  return typeof rule.spec === 'function' ? rule.spec(questionType) : { ...rule.spec };
}
