/**
 * Object movement (MultiSPA 1.7.6, the TAPVid-3D engine): how far a tracked point on a moving
 * object travelled between two frames, and its displacement vector in the first frame's camera
 * axes, with the point given by coordinates or a dot. Candidate (point, frame pair)s come from the
 * rigid groups with MultiSPA's balancing: per point, moving pairs in 10 equal-width distance bins
 * with balanced picks, and one static pair (< 1 cm) kept apart.
 * @module
 */
import type { RigidSegmentation } from '../../motion-args.js';
import { rotateInverse, transformPoints, translationOf, type Vec3 } from '../../pose.js';
import type { Rng } from '../../random.js';
import type { DynamicClip } from '../../scenes/clip.js';
import { type QASample, type TaskContext, insideImage, makeSample } from '../context.js';
import { DOT_COLORS, drawLabelledDot, toRgb } from '../draw.js';
import { COORD_NOTE, MOTION_NOTE, T, choose, fill } from '../templates.js';

/** A world displacement under this many metres is "did not move" (MultiSPA's 0.01). */
export const STATIC_DISPLACEMENT = 0.01;
/** Equal-width distance bins per point (MultiSPA's 10). */
export const DISPLACEMENT_BINS = 10;

/** One (track, frame pair) a question can be asked about. */
export interface MotionCandidate {
  track: number;
  group: number;
  f1: number;
  f2: number;
  /** World distance travelled, metres. */
  distance: number;
  moving: boolean;
  /** Distance bin of a moving candidate (0-9), -1 for a static one. */
  bin: number;
}

/** Options of {@link motionCandidates} (MultiSPA's train values in brackets). */
export interface MotionSamplingOptions {
  /** Points drawn per rigid group [15]. */
  pointsPerGroup?: number;
  /** Pairs per distance bin at most [30]. */
  pairsPerBin?: number;
}

/**
 * Distance bin of each value: `np.histogram_bin_edges(d, 10)` (10 equal bins over [min, max]) and
 * `np.digitize(d, edges) - 1` clipped to 9, so the maximum falls in the last bin; with all values
 * equal every value is in bin 9 (as in MultiSPA, where the edges then coincide).
 */
export function displacementBins(distances: readonly number[], bins = DISPLACEMENT_BINS): number[] {
  if (!distances.length) return [];
  let lo = Infinity, hi = -Infinity;
  for (const d of distances) [lo, hi] = [Math.min(lo, d), Math.max(hi, d)];
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  return distances.map((d) => {
    let count = 0; // edges <= d (digitize with right = false)
    while (count <= bins && edges[count] <= d) count++;
    return Math.min(bins - 1, Math.max(0, count - 1));
  });
}

/** World position of track i at frame t (Float64, from the clip's camera-frame tracks and poses). */
export function worldTracks(clip: DynamicClip): Float64Array {
  const { frames, tracks: n, tracksXYZ: c, poses } = clip;
  const w = new Float64Array(3 * frames * n);
  for (let t = 0; t < frames; t++) {
    const worldFromCam = poses?.[t];
    const inCam = c.subarray(3 * t * n, 3 * (t + 1) * n);
    if (!worldFromCam) w.set(inCam, 3 * t * n);
    else transformPoints(worldFromCam, inCam, { out: w.subarray(3 * t * n, 3 * (t + 1) * n) });
  }
  return w;
}

/** Pixel of track i in frame t (clip intrinsics); z is the camera-space depth. */
export function trackPixel(clip: DynamicClip, i: number, t: number): { u: number; v: number; z: number } {
  const o = 3 * (t * clip.tracks + i);
  const [x, y, z] = [clip.tracksXYZ[o], clip.tracksXYZ[o + 1], clip.tracksXYZ[o + 2]];
  const k = clip.intrinsics;
  return { u: (k.fx * x) / z + k.cx, v: (k.fy * y) / z + k.cy, z };
}

/** Distance (metres) between the centres of two cameras given as `worldFromCam`. */
function cameraTravel(worldFromCam1: ArrayLike<number>, worldFromCam2: ArrayLike<number>): number {
  const [a, b] = [translationOf(worldFromCam1), translationOf(worldFromCam2)];
  return Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
}

function displacement(world: Float64Array, n: number, i: number, f1: number, f2: number): Vec3 {
  const a = 3 * (f1 * n + i), b = 3 * (f2 * n + i);
  return [world[b] - world[a], world[b + 1] - world[a + 1], world[b + 2] - world[a + 2]];
}

/**
 * Candidates per MultiSPA's sampler: for each rigid group, `pointsPerGroup` random tracks; for each,
 * all frame pairs (f1 < f2) where it is visible and projects inside both images (MultiSPA checks the
 * latter when answering; checking first keeps the bins balanced over usable pairs); one random static
 * pair; moving pairs binned in 10 equal-width bins over that track's distances, taking
 * `max(1, min(|bin 4|, pairsPerBin))` random pairs from every bin (all when fewer).
 */
export function motionCandidates(
  clip: DynamicClip, world: Float64Array, seg: RigidSegmentation, rng: Rng, opts: MotionSamplingOptions = {}, margin = 0,
): MotionCandidate[] {
  const pointsPerGroup = opts.pointsPerGroup ?? 15, pairsPerBin = opts.pairsPerBin ?? 30;
  const n = clip.tracks;
  const inside = (i: number, t: number): boolean => {
    const p = trackPixel(clip, i, t);
    const k = clip.intrinsics;
    return p.z > 0 && p.u >= margin - 0.5 && p.u < k.width - 0.5 - margin && p.v >= margin - 0.5 && p.v < k.height - 0.5 - margin;
  };
  const out: MotionCandidate[] = [];
  seg.groups.forEach((members, group) => {
    const g = rng.fork(`group/${group}`);
    for (const track of g.shuffle(Array.from(members)).slice(0, pointsPerGroup)) {
      const seen: number[] = [];
      for (let t = 0; t < clip.frames; t++) if (clip.visibility[t * n + track] && inside(track, t)) seen.push(t);
      if (seen.length < 2) continue;
      const statics: MotionCandidate[] = [];
      const moving: MotionCandidate[] = [];
      for (let a = 0; a < seen.length; a++)
        for (let b = a + 1; b < seen.length; b++) {
          const d = displacement(world, n, track, seen[a], seen[b]);
          const distance = Math.hypot(d[0], d[1], d[2]);
          const c = { track, group, f1: seen[a], f2: seen[b], distance, moving: distance >= STATIC_DISPLACEMENT, bin: -1 };
          (c.moving ? moving : statics).push(c);
        }
      if (statics.length) out.push(g.pick(statics));
      if (!moving.length) continue;
      displacementBins(moving.map((c) => c.distance)).forEach((bin, k) => (moving[k].bin = bin));
      const byBin = Array.from({ length: DISPLACEMENT_BINS }, (_, b) => moving.filter((c) => c.bin === b));
      const take = Math.max(1, Math.min(byBin[4].length, pairsPerBin));
      for (const list of byBin) out.push(...g.shuffle(list.slice()).slice(0, take));
    }
  });
  return out;
}

export const MOTION_SUBTYPES = ['total_distance', 'displacement_vector'] as const;

/** Samples of the four object-movement question types, `perSubtask` each. */
export async function objectMotionTasks(
  ctx: TaskContext, clip: DynamicClip, world: Float64Array, candidates: MotionCandidate[], perSubtask: number,
): Promise<QASample[]> {
  const out: QASample[] = [];
  const R = ctx.rules;
  const n = clip.tracks;
  const { width: W, height: H } = clip.intrinsics;
  for (const subtype of MOTION_SUBTYPES)
    for (const variant of ['coord', 'dot'] as const) {
      if (variant === 'dot' && !ctx.prompts) continue;
      const questionType = `tapvid3d_${subtype}_${variant}`;
      const rng = ctx.rng.fork(questionType);
      let made = 0;
      for (const c of rng.shuffle(candidates.slice())) {
        if (made >= perSubtask) break;
        const world3 = displacement(world, n, c.track, c.f1, c.f2);
        const moving = Math.hypot(...world3) >= STATIC_DISPLACEMENT;
        const dw: Vec3 = moving ? world3 : [0, 0, 0];
        // Into frame 1's camera axes: d_cam1 = R^T d_world for R of worldFromCam1 (rotation only).
        const worldFromCam1 = clip.poses?.[c.f1];
        const dc: Vec3 = worldFromCam1 ? rotateInverse(worldFromCam1, dw) : dw;
        const distance = Math.hypot(dw[0], dw[1], dw[2]);
        const px = trackPixel(clip, c.track, c.f1);
        const [x, y] = [R.coord(px.u, W), R.coord(px.v, H)];
        const prefix = moving ? '' : 'The point did not move. ';
        const key = String(made);
        const color = rng.pick(DOT_COLORS);
        let images: string[] | undefined;
        let question: string;
        const templates = subtype === 'total_distance' ? T.objectMotionDistance : T.objectMotionVector;
        if (variant === 'dot') {
          const img = toRgb(await ctx.frames[c.f1].loadColor());
          drawLabelledDot(img, px.u, px.v, undefined, color.rgb);
          images = [await ctx.writePrompt(`${questionType}_${key}`, img), await ctx.frames[c.f2].imagePath()];
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
          key, task: 'object_movement', subtask: subtype, questionType, frames: [c.f1, c.f2], images, question, answer,
          answerValues: {
            track: c.track, group: c.group, frame_indices: [c.f1, c.f2], pixel: [px.u, px.v], coordinates: [x, y],
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
