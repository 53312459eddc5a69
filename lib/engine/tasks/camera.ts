/**
 * Camera motion (MultiSPA 1.7.4), nine subtypes over pairs in the overlap band. The image order is
 * randomised and every quantity is computed for the pair as shown (frame 1 = the first image), so
 * signs follow the order by construction.
 * @module
 */
import { type QASample, type TaskContext, makeSample, sampleCamera } from '../context.js';
import { cameraRelation } from '../relations.js';
import { CAMERA_NOTE, T, choose, fill } from '../templates.js';

export const CAMERA_SUBTYPES = [
  'x_movement', 'y_movement', 'z_movement', 'yaw_movement', 'pitch_movement', 'yaw_angle', 'pitch_angle', 'total_distance', 'displacement_vector',
] as const;
export type CameraSubtype = (typeof CAMERA_SUBTYPES)[number];

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
        const rel = cameraRelation(ctx.frames[f1].colorCamera.pose, ctx.frames[f2].colorCamera.pose, ctx.up);
        const d = rel.displacement;
        let value: string | number | number[];
        let answer: string;
        switch (subtype) {
          case 'x_movement': case 'y_movement': case 'z_movement': {
            const axis = { x_movement: 0, y_movement: 1, z_movement: 2 }[subtype];
            if (Math.abs(d[axis]) < dz.metres) continue;
            value = [['right', 'left'], ['down', 'up'], ['forward', 'backward']][axis][d[axis] > 0 ? 0 : 1];
            answer = choose(rng, T.cameraDirection[subtype].a, { value });
            break;
          }
          case 'yaw_movement': case 'pitch_movement': {
            const a = subtype === 'yaw_movement' ? rel.yaw : rel.pitch;
            if (Math.abs(a) < dz.degrees) continue;
            value = subtype === 'yaw_movement' ? (a > 0 ? 'left' : 'right') : (a > 0 ? 'up' : 'down');
            answer = choose(rng, T.cameraDirection[subtype].a, { value });
            break;
          }
          case 'yaw_angle': case 'pitch_angle': {
            const a = subtype === 'yaw_angle' ? rel.yaw : rel.pitch;
            // As for the direction questions: a turn under the dead zone is no question ("0 degrees").
            if (Math.abs(a) < dz.degrees) continue;
            value = R.angleDeg(a);
            answer = choose(rng, T.cameraValue[subtype].a, { value });
            break;
          }
          case 'total_distance':
            value = R.distanceMm(rel.distance);
            answer = choose(rng, T.cameraValue.total_distance.a, { value });
            break;
          case 'displacement_vector': {
            const [x, y, z] = R.vectorMm(d);
            value = R.vectorGt(d);
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
