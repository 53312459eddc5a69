/**
 * Camera motion (MultiSPA 1.7.4), nine subtypes over pairs in the overlap band. The image order is
 * randomised and every quantity is computed for the pair as shown (frame 1 = the first image), so
 * signs follow the order by construction.
 * @module
 */
import { type QASample, type TaskContext, makeSample, sampleCamera } from '../context.js';
import type { NumberRules } from '../format.js';
import { type CameraRelation, cameraRelation } from '../relations.js';
import { CAMERA_NOTE, T, choose, fill } from '../templates.js';

export const CAMERA_SUBTYPES = [
  'x_movement', 'y_movement', 'z_movement', 'yaw_movement', 'pitch_movement', 'yaw_angle', 'pitch_angle', 'total_distance', 'displacement_vector',
] as const;
export type CameraSubtype = (typeof CAMERA_SUBTYPES)[number];

/**
 * Every camera-motion answer of a pair under `rules`, before any dead zone: direction words, whole
 * degrees, mm, the vector's `gt_value` and the mm numbers its answer text shows. The one place that
 * turns a {@link CameraRelation} into answers (the task below and bench/multispa's comparison use it).
 */
export function cameraValues(rel: CameraRelation, rules: NumberRules): Record<'x_movement' | 'y_movement' | 'z_movement' | 'yaw_movement' | 'pitch_movement', string>
  & Record<'yaw_angle' | 'pitch_angle' | 'total_distance', number> & { displacement_vector: number[]; vector_text_mm: number[] } {
  const d = rel.displacement;
  return {
    x_movement: d[0] > 0 ? 'right' : 'left',
    y_movement: d[1] > 0 ? 'down' : 'up',
    z_movement: d[2] > 0 ? 'forward' : 'backward',
    yaw_movement: rel.yaw > 0 ? 'left' : 'right',
    pitch_movement: rel.pitch > 0 ? 'up' : 'down',
    yaw_angle: rules.angleDeg(rel.yaw),
    pitch_angle: rules.angleDeg(rel.pitch),
    total_distance: rules.distanceMm(rel.distance),
    displacement_vector: rules.vectorGt(d),
    vector_text_mm: rules.vectorMm(d),
  };
}

export async function cameraTasks(ctx: TaskContext, perSubtask: number): Promise<QASample[]> {
  const out: QASample[] = [];
  const R = ctx.rules;
  const dz = R.directionDeadZone;
  for (const subtype of CAMERA_SUBTYPES) {
    const rng = ctx.rng.fork(subtype);
    const augment = rng.fork('augment');
    // Later rounds revisit pairs in the other order only: the same ordered pair is the same question.
    const asked = new Set<string>();
    let made = 0;
    for (let round = 0; round < 3 && made < perSubtask; round++)
      for (const [i, j] of rng.shuffle(ctx.pairs.slice())) {
        if (made >= perSubtask) break;
        const [f1, f2] = rng.next() < 0.5 ? [i, j] : [j, i];
        if (asked.has(`${f1}/${f2}`)) continue;
        const rel = cameraRelation(ctx.frames[f1].colorCamera.pose, ctx.frames[f2].colorCamera.pose, ctx.up, R.mode);
        const d = rel.displacement;
        const values = cameraValues(rel, R);
        let value: string | number | number[];
        let answer: string;
        switch (subtype) {
          case 'x_movement': case 'y_movement': case 'z_movement': {
            const axis = { x_movement: 0, y_movement: 1, z_movement: 2 }[subtype];
            if (Math.abs(d[axis]) < dz.metres) continue;
            value = values[subtype];
            answer = choose(rng, T.cameraDirection[subtype].a, { value });
            break;
          }
          case 'yaw_movement': case 'pitch_movement': {
            const a = subtype === 'yaw_movement' ? rel.yaw : rel.pitch;
            if (Math.abs(a) < dz.degrees) continue;
            value = values[subtype];
            answer = choose(rng, T.cameraDirection[subtype].a, { value });
            break;
          }
          case 'yaw_angle': case 'pitch_angle': {
            const a = subtype === 'yaw_angle' ? rel.yaw : rel.pitch;
            // As for the direction questions: a turn under the dead zone is no question ("0 degrees").
            if (Math.abs(a) < dz.degrees) continue;
            value = values[subtype];
            answer = choose(rng, T.cameraValue[subtype].a, { value });
            break;
          }
          case 'total_distance':
            value = values.total_distance;
            answer = choose(rng, T.cameraValue.total_distance.a, { value });
            break;
          case 'displacement_vector': {
            const [x, y, z] = values.vector_text_mm;
            value = values.displacement_vector;
            answer = fill(rng.pick(T.cameraValue.displacement_vector.a), { x, y, z });
            break;
          }
        }
        const templates = subtype in T.cameraDirection ? T.cameraDirection[subtype as keyof typeof T.cameraDirection].q : T.cameraValue[subtype as keyof typeof T.cameraValue].q;
        out.push(await makeSample(ctx, {
          key: String(made), task: 'camera_movement', subtask: subtype, questionType: subtype, frames: [f1, f2],
          cameras: [sampleCamera(ctx, f1, augment), sampleCamera(ctx, f2, augment)],
          question: `${ctx.cameraNote ?? CAMERA_NOTE}\n${choose(rng, templates, {})}`, answer,
          answerValues: {
            displacement_m: d, distance_m: rel.distance, yaw_deg: rel.yaw, pitch_deg: rel.pitch,
            relative_pose: Array.from(rel.cam1FromCam2), overlap: ctx.overlap[f1 * ctx.frames.length + f2],
          },
          gt: value,
        }));
        asked.add(`${f1}/${f2}`);
        made++;
      }
  }
  return out;
}
