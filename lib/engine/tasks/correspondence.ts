/**
 * Visual correspondence (MultiSPA 1.7.3) over pairs in the overlap band: where a point of image 1
 * appears in image 2 (normalised coordinates), and a multiple-choice variant whose distractors are
 * at least 5 % of the width from the answer and from each other (the reference draws them
 * uniformly at random, sometimes next to the answer).
 * @module
 */
import { correspondences, intersect } from '../../ops/geometry/native.js';
import { DOT_COLORS, drawLabelledDot, toRgb } from '../draw.js';
import { type QASample, type SampleCamera, type TaskContext, insideImage, makeSample, pointWorld, projectInto, sampleCamera, sampleImage } from '../context.js';
import { COORD_NOTE, T, choose } from '../templates.js';

const LETTERS = ['A', 'B', 'C', 'D'];

function* pairCycle(ctx: TaskContext, rng = ctx.rng): Generator<[number, number]> {
  if (!ctx.pairs.length) return;
  for (let round = 0; round < 20; round++)
    for (const [i, j] of rng.shuffle(ctx.pairs.slice())) yield rng.next() < 0.5 ? [i, j] : [j, i];
}

/**
 * A point seen by both frames and inside both colour images, with its projections: the common
 * points are projected into both colour cameras in one native call ({@link correspondences}), then
 * up to 20 random ones are tried. Under `--compat multispa` the tried points are projected with
 * MultiSPA's double-precision projection ({@link projectInto}), the one its visibility tested.
 */
function commonPoint(ctx: TaskContext, sc1: SampleCamera, sc2: SampleCamera, rng = ctx.rng) {
  if (ctx.rules.mode === 'multispa') {
    const common = intersect(ctx.visible[sc1.frame], ctx.visible[sc2.frame]);
    for (let t = 0; t < 20 && common.length; t++) {
      const p = common[rng.int(0, common.length - 1)];
      const a = projectInto(ctx, p, sc1), b = projectInto(ctx, p, sc2);
      if (a.z > 0 && b.z > 0 && insideImage(sc1, a.u, a.v, 12) && insideImage(sc2, b.u, b.v, 12)) return { p, a, b, common: common.length };
    }
    return null;
  }
  const c = correspondences(ctx.points, sc1.camera, sc2.camera, ctx.visible[sc1.frame], ctx.visible[sc2.frame]);
  const common = c.index;
  for (let t = 0; t < 20 && common.length; t++) {
    const k = rng.int(0, common.length - 1);
    const a = { u: c.uvA[2 * k], v: c.uvA[2 * k + 1], z: c.depthA[k] }, b = { u: c.uvB[2 * k], v: c.uvB[2 * k + 1], z: c.depthB[k] };
    if (a.z > 0 && b.z > 0 && insideImage(sc1, a.u, a.v, 12) && insideImage(sc2, b.u, b.v, 12)) return { p: common[k], a, b, common: common.length };
  }
  return null;
}

/**
 * Three distractor pixels, each >= minDist from the answer and from each other, with integer
 * coordinates in `[x.lo, x.hi] x [y.lo, y.hi]`.
 */
export function distractors(
  rng: TaskContext['rng'], answer: [number, number], x: { lo: number; hi: number }, y: { lo: number; hi: number }, minDist: number,
): [number, number][] | null {
  const chosen: [number, number][] = [answer];
  for (let t = 0; t < 500 && chosen.length < 4; t++) {
    const c: [number, number] = [rng.int(x.lo, x.hi), rng.int(y.lo, y.hi)];
    if (chosen.every((o) => Math.hypot(o[0] - c[0], o[1] - c[1]) >= minDist)) chosen.push(c);
  }
  return chosen.length === 4 ? chosen.slice(1) : null;
}

export async function correspondenceTasks(ctx: TaskContext, perSubtask: number): Promise<QASample[]> {
  const out: QASample[] = [];
  const R = ctx.rules;
  {
    const rng = ctx.rng.fork('visual_correspondence_coor_2_coor');
    const augment = rng.fork('augment');
    const asked = new Set<string>(); // (image 1, image 2, point): the same question
    let made = 0;
    for (const [f1, f2] of pairCycle(ctx, rng)) {
      if (made >= perSubtask) break;
      const cameras = [sampleCamera(ctx, f1, augment), sampleCamera(ctx, f2, augment)];
      const c = commonPoint(ctx, cameras[0], cameras[1], rng);
      if (!c || asked.has(`${f1}/${f2}/${c.p}`)) continue;
      const k1 = cameras[0].camera.intrinsics, k2 = cameras[1].camera.intrinsics;
      const [x1, y1] = [R.coord(c.a.u, k1.width), R.coord(c.a.v, k1.height)];
      const [x, y] = [R.coord(c.b.u, k2.width), R.coord(c.b.v, k2.height)];
      out.push(await makeSample(ctx, {
        key: String(made), task: 'visual_correspondence', subtask: 'coor_2_coor', questionType: 'visual_correspondence_coor_2_coor', frames: [f1, f2], cameras,
        question: `${COORD_NOTE}\n${choose(rng, T.correspondenceCoord.q, { x1, y1 })}`,
        answer: choose(rng, T.correspondenceCoord.a, { x, y }),
        answerValues: {
          point: c.p, point_world: pointWorld(ctx, c.p), pixel1: [c.a.u, c.a.v], pixel2: [c.b.u, c.b.v], coordinates1: [x1, y1], overlap: ctx.overlap[f1 * ctx.frames.length + f2],
        },
        gt: [x, y],
      }));
      asked.add(`${f1}/${f2}/${c.p}`);
      made++;
    }
  }
  if (ctx.prompts) {
    const rng = ctx.rng.fork('visual_correspondence_multiple_choice');
    const augment = rng.fork('augment');
    const asked = new Set<string>(); // (image 1, image 2, point): the same question
    let made = 0;
    for (const [f1, f2] of pairCycle(ctx, rng)) {
      if (made >= perSubtask) break;
      const cameras = [sampleCamera(ctx, f1, augment), sampleCamera(ctx, f2, augment)];
      const c = commonPoint(ctx, cameras[0], cameras[1], rng);
      if (!c || asked.has(`${f1}/${f2}/${c.p}`)) continue;
      const k2 = cameras[1].camera.intrinsics;
      const margin = 12;
      const truePx: [number, number] = [Math.floor(c.b.u + 0.5), Math.floor(c.b.v + 0.5)];
      // Options are whole pixels of the part of image 2 that shows the frame, `margin` from its border
      // (for an image as stored: [margin, W - 1 - margin]).
      const region = cameras[1].content;
      const others = distractors(
        rng, truePx, { lo: Math.ceil(region.x0 + margin), hi: Math.floor(region.x1 - margin - 0.5) }, { lo: Math.ceil(region.y0 + margin), hi: Math.floor(region.y1 - margin - 0.5) },
        0.05 * k2.width,
      );
      if (!others) continue;
      const options = rng.shuffle([truePx, ...others]);
      const value = LETTERS[options.indexOf(truePx)];
      const key = String(made);
      const color = rng.pick(DOT_COLORS);
      const img1 = toRgb(await sampleImage(ctx, cameras[0]));
      drawLabelledDot(img1, c.a.u, c.a.v, undefined, color.rgb);
      const img2 = toRgb(await sampleImage(ctx, cameras[1]));
      // Option dots never share the query dot's colour (it would read as a hint).
      const colors = rng.shuffle(DOT_COLORS.filter((c) => c !== color));
      options.forEach((o, n) => drawLabelledDot(img2, o[0], o[1], LETTERS[n], colors[n].rgb));
      const images = [
        await ctx.writePrompt(`visual_correspondence_multiple_choice_${key}_1`, img1),
        await ctx.writePrompt(`visual_correspondence_multiple_choice_${key}_2`, img2),
      ];
      out.push(await makeSample(ctx, {
        key, task: 'visual_correspondence', subtask: 'multiple_choice', questionType: 'visual_correspondence_multiple_choice', frames: [f1, f2], images, cameras,
        question: choose(rng, T.correspondenceChoice.q, { color: color.name }),
        answer: choose(rng, T.correspondenceChoice.a, { value }),
        answerValues: {
          point: c.p, point_world: pointWorld(ctx, c.p), pixel1: [c.a.u, c.a.v], pixel2: [c.b.u, c.b.v], options, labels: LETTERS, overlap: ctx.overlap[f1 * ctx.frames.length + f2],
        },
        gt: value,
      }));
      asked.add(`${f1}/${f2}/${c.p}`);
      made++;
    }
  }
  return out;
}
