// Every sample carries its camera: `intrinsics_list` and `pose_list` (issue 16, section 2). Projecting
// each answer's 3-D point (answer_values.point_world / points_world) with the sample's own lists, in
// double precision and nothing else from the scene, lands on the answer's pixels, and the 0-1000
// coordinates follow from those pixels by the documented rule. Static scenes in both compat modes,
// train and eval samples, and dynamic clips.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateClip } from '../../lib/engine/dynamic.js';
import { numberRules, type CompatMode } from '../../lib/engine/format.js';
import { generateScene } from '../../lib/engine/pipeline.js';
import { synthesizeClip } from '../../lib/scenes/synthetic-clip.js';
import { synthesizeScene } from '../../lib/scenes/synthetic.js';
import { tempDirs } from '../helpers/tmp.js';
import { type ListedSample, checkSampleProjections, PIXEL_TOLERANCE } from '../helpers/sample-cameras.js';

const tmp = tempDirs('spatial-samplecam-');
const readJsonl = (p: string): ListedSample[] => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const outputs: Record<string, ListedSample[]> = {};

beforeAll(async () => {
  const scene = synthesizeScene({ seed: 5, frames: 24, width: 320, height: 240 });
  for (const compat of ['ours', 'multispa'] as CompatMode[]) {
    const out = tmp();
    await generateScene(scene, { outDir: out, seed: 2, perTask: 4, compat, evalFraction: 0.3 });
    outputs[`static-${compat}`] = [...readJsonl(join(out, 'qa_train.jsonl')), ...readJsonl(join(out, 'qa_eval.jsonl'))];
  }
  for (const compat of ['ours', 'multispa'] as CompatMode[]) {
    const out = tmp();
    await generateClip(synthesizeClip({ seed: 2, frames: 20, width: 320 }), { outDir: out, seed: 3, perTask: 4, compat, evalFraction: 0.3 });
    outputs[`clip-${compat}`] = [...readJsonl(join(out, 'qa_train.jsonl')), ...readJsonl(join(out, 'qa_eval.jsonl'))];
  }
}, 180_000);

describe.each(['static-ours', 'static-multispa', 'clip-ours', 'clip-multispa'])('%s', (name) => {
  const compat = name.endsWith('multispa') ? 'multispa' : 'ours';

  it('every sample (train and eval) lists one [fx, fy, cx, cy] and one row-major 4x4 pose per image', () => {
    const samples = outputs[name];
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.some((s) => !('conversations' in s))).toBe(true); // eval lines are covered too
    for (const s of samples) {
      expect(s.intrinsics_list.length, s.id).toBe(s.image.length);
      expect(s.pose_list.length, s.id).toBe(s.image.length);
      for (const k of s.intrinsics_list) expect(k.length === 4 && k.every(Number.isFinite) && k[0] > 0 && k[1] > 0, s.id).toBe(true);
      for (const p of s.pose_list) {
        expect(p.length, s.id).toBe(16);
        expect(p.slice(12), s.id).toEqual([0, 0, 0, 1]);
      }
      // The key order puts the camera right after the image sizes.
      const keys = Object.keys(s);
      expect(keys.slice(keys.indexOf('width_list'), keys.indexOf('width_list') + 3)).toEqual(['width_list', 'intrinsics_list', 'pose_list']);
    }
  });

  it(`projecting each answer's 3-D point with the sample's lists gives answer_values.pixel within ${PIXEL_TOLERANCE} px, and its 0-1000 coordinates`, () => {
    const checked = checkSampleProjections(outputs[name], numberRules(compat as CompatMode));
    // Every pixel-referenced question type was checked, several times.
    const types = name.startsWith('static')
      ? ['depth_estimation_dot', 'depth_estimation_coor', 'depth_comparison_annotated', 'depth_comparison_coordinate', 'visual_correspondence_coor_2_coor', 'visual_correspondence_multiple_choice']
      : ['tapvid3d_total_distance_coord', 'tapvid3d_total_distance_dot', 'tapvid3d_displacement_vector_coord', 'tapvid3d_displacement_vector_dot'];
    for (const t of types) expect(checked.byType[t] ?? 0, t).toBeGreaterThanOrEqual(2);
    expect(checked.maxError).toBeLessThan(PIXEL_TOLERANCE);
  });
});
