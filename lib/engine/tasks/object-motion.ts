/**
 * Object movement (MultiSPA 1.7.6, the TAPVid-3D engine): how far a tracked point on a moving
 * object travelled between two frames, and its displacement vector in the first frame's camera
 * axes, with the point given by coordinates or a dot. The (point, frame pair) candidates, world
 * tracks and the rest of the clip preparation come from the dynamic engine (`../clip-prep.ts`).
 * @module
 */
import { rotateInverse, translationOf, type Vec3 } from '../../pose.js';
import { type ClipTaskInput, STATIC_DISPLACEMENT, displacement } from '../clip-prep.js';
import { type QASample, type TaskContext, insideImage, makeSample, sampleCamera, sampleImage } from '../context.js';
import { DOT_COLORS, drawLabelledDot, toRgb } from '../draw.js';
import { COORD_NOTE, MOTION_NOTE, T, choose, fill } from '../templates.js';

/** Distance (metres) between the centres of two cameras given as `worldFromCam`. */
function cameraTravel(worldFromCam1: ArrayLike<number>, worldFromCam2: ArrayLike<number>): number {
  const [a, b] = [translationOf(worldFromCam1), translationOf(worldFromCam2)];
  return Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
}

export const MOTION_SUBTYPES = ['total_distance', 'displacement_vector'] as const;

/** Samples of the four object-movement question types, `perSubtask` each. */
export async function objectMotionTasks(ctx: TaskContext, { clip, world, candidates }: ClipTaskInput, perSubtask: number): Promise<QASample[]> {
  const out: QASample[] = [];
  const R = ctx.rules;
  const n = clip.tracks;
  for (const subtype of MOTION_SUBTYPES)
    for (const variant of ['coord', 'dot'] as const) {
      if (variant === 'dot' && !ctx.prompts) continue;
      const questionType = `tapvid3d_${subtype}_${variant}`;
      const rng = ctx.rng.fork(questionType);
      const augment = rng.fork('augment');
      let made = 0;
      for (const c of rng.shuffle(candidates.slice())) {
        if (made >= perSubtask) break;
        const cameras = [sampleCamera(ctx, c.f1, augment), sampleCamera(ctx, c.f2, augment)];
        // The track's pixel in image 1 as written: its camera-space position through that camera.
        const o = 3 * (c.f1 * n + c.track);
        const [cx, cy, cz] = [clip.tracksXYZ[o], clip.tracksXYZ[o + 1], clip.tracksXYZ[o + 2]];
        const k = cameras[0].camera.intrinsics;
        const px = { u: (k.fx * cx) / cz + k.cx, v: (k.fy * cy) / cz + k.cy };
        // Candidates project inside the stored image; an augmentation may crop the point out.
        if (!insideImage(cameras[0], px.u, px.v)) continue;
        const { width: W, height: H } = k;
        const world3 = displacement(world, n, c.track, c.f1, c.f2);
        const moving = Math.hypot(...world3) >= STATIC_DISPLACEMENT;
        const dw: Vec3 = moving ? world3 : [0, 0, 0];
        // Into frame 1's camera axes: d_cam1 = R^T d_world for R of worldFromCam1 (rotation only).
        const worldFromCam1 = clip.poses?.[c.f1];
        const dc: Vec3 = worldFromCam1 ? rotateInverse(worldFromCam1, dw) : dw;
        const distance = Math.hypot(dw[0], dw[1], dw[2]);
        const [x, y] = [R.coord(px.u, W), R.coord(px.v, H)];
        const prefix = moving ? '' : 'The point did not move. ';
        const key = String(made);
        const color = rng.pick(DOT_COLORS);
        let images: string[] | undefined;
        let question: string;
        const templates = subtype === 'total_distance' ? T.objectMotionDistance : T.objectMotionVector;
        if (variant === 'dot') {
          const img = toRgb(await sampleImage(ctx, cameras[0]));
          drawLabelledDot(img, px.u, px.v, undefined, color.rgb);
          const second = cameras[1].ops.length ? ctx.writePrompt(`${questionType}_${key}_2`, await sampleImage(ctx, cameras[1])) : ctx.frames[c.f2].imagePath();
          images = [await ctx.writePrompt(`${questionType}_${key}`, img), await second];
          question = `${MOTION_NOTE}\n${choose(rng, templates.dot, { color: color.name })}`;
        } else question = `${MOTION_NOTE}\n${COORD_NOTE}\n${choose(rng, templates.coord, { x, y })}`;
        let answer: string, gt: number | number[];
        if (subtype === 'total_distance') {
          answer = choose(rng, templates.a, { prefix, value: R.motionMm(distance) });
          gt = R.motionDistanceGt(distance);
        } else {
          answer = fill(rng.pick(templates.a), { prefix, x: R.motionMm(dc[0]), y: R.motionMm(dc[1]), z: R.motionMm(dc[2]) });
          gt = R.motionVectorGt(dc);
        }
        const worldFromCam2 = clip.poses?.[c.f2];
        out.push(await makeSample(ctx, {
          key, task: 'object_movement', subtask: subtype, questionType, frames: [c.f1, c.f2], images, cameras, question, answer,
          answerValues: {
            track: c.track, group: c.group, frame_indices: [c.f1, c.f2],
            point_world: [world[o], world[o + 1], world[o + 2]], pixel: [px.u, px.v], coordinates: [x, y],
            displacement_world_m: dw, displacement_cam1_m: dc, distance_m: distance, moving, distance_bin: c.bin,
            camera_moving: worldFromCam1 && worldFromCam2 ? cameraTravel(worldFromCam1, worldFromCam2) >= STATIC_DISPLACEMENT : false,
          },
          gt,
        }));
        made++;
      }
    }
  return out;
}
