// The task registry (lib/engine/tasks/index.ts): every task has question types and a generator,
// every question type the engine writes belongs to exactly one task, and the scorer's matching
// (derived from the registry's answer rules) gives what the old regex chain gave.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateClip } from '../../lib/engine/dynamic.js';
import { generateScene } from '../../lib/engine/pipeline.js';
import { answerSpecFor } from '../../lib/engine/scoring/index.js';
import {
  ALL_CLIP_TASKS, ALL_TASKS, ANSWER_FAMILIES, TASKS, TASK_GENERATORS, type TaskEntry, registeredAnswerRule, registeredAnswerSpec, taskEntry, tasksOfQuestionType,
} from '../../lib/engine/tasks/index.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-registry-');

/** The scorer's matching before the registry (a regex chain), kept here as the oracle. */
function legacySpec(q: string): unknown {
  const axes: Record<string, string[]> = {
    x_movement: ['left', 'right'], y_movement: ['up', 'down'], z_movement: ['forward', 'backward'], yaw_movement: ['left', 'right'], pitch_movement: ['up', 'down'],
  };
  if (/displacement_vector/.test(q)) return { kind: 'vector', dims: 3, unit: 'mm' };
  if (/total_distance/.test(q)) return { kind: 'scalar', unit: 'mm' };
  if (/(?:^|_)(?:yaw|pitch)_angle$/.test(q)) return { kind: 'scalar', unit: 'deg' };
  if (q in axes) return { kind: 'direction', allowed: axes[q] };
  if (/^depth_estimation/.test(q) || /^object_perception_/.test(q)) return { kind: 'scalar', unit: 'mm' };
  if (/^depth_comparison_(?:annotated|dot)/.test(q) || /multiple_choice|multichoice/.test(q)) return { kind: 'letter' };
  if (/^depth_comparison_coor/.test(q) || /coor_2_coor/.test(q)) return { kind: 'coordinate' };
  return undefined;
}

function questionTypesIn(dir: string): Set<string> {
  const types = new Set<string>();
  for (const f of ['qa_train.jsonl', 'qa_eval.jsonl'])
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) types.add((JSON.parse(line) as { question_type: string }).question_type);
  return types;
}

describe('task registry', () => {
  it('lists each task once, in the engine order, each with question types, a generator and answer rules', () => {
    const names = TASKS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    // The order fixes the order of the samples (and so the outputs): the existing tasks keep theirs.
    expect(ALL_TASKS.filter((t) => ['depth', 'correspondence', 'camera', 'object_size'].includes(t))).toEqual(['depth', 'correspondence', 'camera', 'object_size']);
    expect(ALL_CLIP_TASKS.filter((t) => ['object_movement', 'camera'].includes(t))).toEqual(['object_movement', 'camera']);
    for (const t of TASKS as readonly TaskEntry[]) {
      expect(t.questionTypes.length, t.name).toBeGreaterThan(0);
      expect(t.scene ?? t.clip, t.name).toBeTypeOf('function');
      expect(t.answers.length, t.name).toBeGreaterThan(0);
      for (const rule of t.answers) expect(ANSWER_FAMILIES).toContain(rule.family);
    }
    for (const name of ALL_TASKS) expect(TASK_GENERATORS[name]).toBe(taskEntry(name).scene);
  });

  it('no question type belongs to two tasks, and each is scored by its own task\'s rules', () => {
    const all = TASKS.flatMap((t) => [...t.questionTypes]);
    expect(new Set(all).size).toBe(all.length);
    for (const t of TASKS as readonly TaskEntry[])
      for (const q of t.questionTypes) {
        const own = t.answers.some((r) => (typeof r.match === 'function' ? r.match(q) : r.match.test(q)));
        expect(own, q).toBe(true);
        // Every question type is scored by a rule; the old ones as the chain scored them.
        expect(registeredAnswerSpec(q), q).toBeDefined();
        if (legacySpec(q)) expect(registeredAnswerSpec(q), q).toEqual(legacySpec(q));
      }
  });

  it.each([
    'depth_estimation_dot', 'depth_comparison_dot', 'depth_comparison_coor', 'visual_correspondence_dot_2_multichoice', 'visual_correspondence_coor_2_coor',
    'tapvid3d_displacement_vector_coord_adt', 'tapvid3d_total_distance_dot_pstudio', 'yaw_angle', 'camera_pitch_angle', 'x_movement', 'constructor',
    // Names that fit rules of several families: the family order decides, as the chain's order did.
    'depth_comparison_coor_multichoice', 'depth_estimation_multiple_choice', 'object_perception_displacement_vector', 'depth_comparison_dot_total_distance',
    'unknown_type', 'z_movement_angle',
  ])('answerSpecFor(%s) is what the regex chain gave', (q) => {
    const legacy = legacySpec(q);
    if (legacy) expect(answerSpecFor(q)).toEqual(legacy);
    else expect(registeredAnswerSpec(q)).toBeUndefined();
  });

  it.each(['displacement_vector', 'tapvid3d_displacement_vector_coord_adt', 'total_distance', 'depth_estimation_dot', 'custom'])(
    '%s: gt in metres in MultiSPA files exactly when the name holds displacement_vector (as before)', (q) => {
      expect(registeredAnswerRule(q)?.multispaGtInMetres === true).toBe(/displacement_vector/.test(q));
    });

  describe('every question type the engine writes maps to exactly one task', () => {
    let sceneDir: string, clipDir: string;
    beforeAll(async () => {
      sceneDir = tmp();
      clipDir = tmp();
      await generateScene(synthesizeScene({ seed: 5, frames: 16, width: 160, height: 120 }), { outDir: sceneDir, seed: 1, perTask: 3 });
      await generateClip(synthesizeClip({ seed: 4, frames: 20, width: 160 }), { outDir: clipDir, seed: 1, perTask: 3 });
    }, 120_000);

    it.each(['scene', 'clip'] as const)('%s', (which) => {
      const types = questionTypesIn(which === 'scene' ? sceneDir : clipDir);
      expect(types.size).toBeGreaterThan(which === 'scene' ? 10 : 4);
      for (const q of types) {
        const owners = tasksOfQuestionType(q);
        expect(owners.map((t) => t.name), q).toHaveLength(1);
        expect(which === 'scene' ? owners[0].scene : owners[0].clip, q).toBeTypeOf('function');
      }
    });
  });
});
