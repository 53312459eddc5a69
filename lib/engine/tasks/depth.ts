/**
 * Depth perception (MultiSPA 1.7.1-1.7.2): the depth (camera-space z, mm) of a point, and which of
 * two points is closer, each referenced by coordinates or by drawn dots.
 * @module
 */
import { projectPoints } from '../../ops/geometry/native.js';
import { cloneRng, type Rng } from '../../random.js';
import { DOT_COLORS, drawLabelledDot, toRgb } from '../draw.js';
import { type QASample, type SampleCamera, type TaskContext, insideImage, makeSample, pointWorld, projectInto, sampleCamera, sampleImage } from '../context.js';
import { COORD_NOTE, T, choose, fill } from '../templates.js';

interface Picked { p: number; u: number; v: number; z: number }

/** Random visible points tried per pick. */
const PICK_TRIES = 20;

/**
 * The projections of `candidates` into a sample camera, by candidate index: under our rules all of
 * them in one native call; under `--compat multispa` each with MultiSPA's double-precision
 * projection ({@link projectInto}), the one its visibility rule tested, so the pixels and depths asked
 * about are the reference's.
 */
function projectCandidates(ctx: TaskContext, sc: SampleCamera, candidates: number[]): (d: number) => { u: number; v: number; z: number } {
  if (ctx.rules.mode === 'multispa') return (d) => projectInto(ctx, candidates[d], sc);
  const xyz = new Float32Array(3 * candidates.length);
  candidates.forEach((p, i) => xyz.set(ctx.points.subarray(3 * p, 3 * p + 3), 3 * i));
  const { uv, depth } = projectPoints(xyz, sc.camera);
  return (d) => ({ u: uv[2 * d], v: uv[2 * d + 1], z: depth[d] });
}

/**
 * `count` random visible points of the sample camera's frame, one after the other, each the first of
 * up to {@link PICK_TRIES} uniform draws from the visible set whose projection is inside the part of
 * the written image that shows the frame (margin for the dot), or null when none is. All the draws the searches could make are taken ahead
 * from a copy of `rng` and projected in one native call; `rng` then advances by exactly the draws
 * the searches used (one per candidate tried), so the samples are those of a one-point-per-call
 * search, and so are the projections (projectPoints treats each point on its own).
 */
function pickPoints(ctx: TaskContext, sc: SampleCamera, rng: Rng, count: number, margin = 12): (Picked | null)[] {
  const set = ctx.visible[sc.frame];
  if (!set.length) return Array.from({ length: count }, () => null);
  const ahead = cloneRng(rng);
  const candidates = Array.from({ length: count * PICK_TRIES }, () => set[ahead.int(0, set.length - 1)]);
  const projected = projectCandidates(ctx, sc, candidates);
  const picked: (Picked | null)[] = [];
  let d = 0; // draws used so far
  for (let i = 0; i < count; i++) {
    let found: Picked | null = null;
    for (let t = 0; t < PICK_TRIES && !found; t++, d++) {
      rng.int(0, set.length - 1); // the draw that chose candidate d
      const { u, v, z } = projected(d);
      if (z > 0 && insideImage(sc, u, v, margin)) found = { p: candidates[d], u, v, z };
    }
    picked.push(found);
  }
  return picked;
}

/** Frames in a seeded random order, cycled until `count` samples are made or attempts run out. */
function* frameCycle(ctx: TaskContext, rng = ctx.rng): Generator<number> {
  const usable = ctx.frames.map((_, f) => f).filter((f) => ctx.visible[f].length >= 2);
  if (!usable.length) return;
  for (let round = 0; round < 50; round++) yield* rng.shuffle(usable.slice());
}

export async function depthTasks(ctx: TaskContext, perSubtask: number): Promise<QASample[]> {
  const out: QASample[] = [];
  const R = ctx.rules;
  for (const variant of ['dot', 'coor'] as const) {
    if (variant === 'dot' && !ctx.prompts) continue;
    const rng = ctx.rng.fork(`depth_estimation_${variant}`);
    const augment = rng.fork('augment');
    const asked = new Set<string>(); // (frame, point): the same question
    let made = 0;
    for (const f of frameCycle(ctx, rng)) {
      if (made >= perSubtask) break;
      const sc = sampleCamera(ctx, f, augment);
      const [pt] = pickPoints(ctx, sc, rng, 1);
      if (!pt || asked.has(`${f}/${pt.p}`)) continue;
      asked.add(`${f}/${pt.p}`);
      const k = sc.camera.intrinsics;
      const value = R.depthMm(pt.z);
      const [x, y] = [R.coord(pt.u, k.width), R.coord(pt.v, k.height)];
      const questionType = `depth_estimation_${variant}`;
      const key = String(made);
      let images: string[] | undefined;
      let question: string;
      const color = rng.pick(DOT_COLORS);
      if (variant === 'dot') {
        const img = toRgb(await sampleImage(ctx, sc));
        drawLabelledDot(img, pt.u, pt.v, undefined, color.rgb);
        images = [await ctx.writePrompt(`${questionType}_${key}`, img)];
        question = choose(rng, T.depthDot.q, { color: color.name });
      } else question = `${COORD_NOTE}\n${choose(rng, T.depthCoord.q, { x, y })}`;
      out.push(await makeSample(ctx, {
        key, task: 'depth_perception', subtask: 'depth_estimation', questionType, frames: [f], images, cameras: [sc], question,
        answer: choose(rng, T.depthDot.a, { value }),
        answerValues: { point: pt.p, point_world: pointWorld(ctx, pt.p), pixel: [pt.u, pt.v], coordinates: [x, y], depth_m: pt.z, depth_mm: value },
        gt: value,
      }));
      made++;
    }
  }
  for (const variant of ['annotated', 'coordinate'] as const) {
    if (variant === 'annotated' && !ctx.prompts) continue;
    const rng = ctx.rng.fork(`depth_comparison_${variant}`);
    const augment = rng.fork('augment');
    const asked = new Set<string>();
    let made = 0;
    for (const f of frameCycle(ctx, rng)) {
      if (made >= perSubtask) break;
      const sc = sampleCamera(ctx, f, augment);
      const k = sc.camera.intrinsics;
      const [a, b] = pickPoints(ctx, sc, rng, 2);
      if (!a || !b || a.p === b.p) continue;
      const pairKey = `${f}/${Math.min(a.p, b.p)}/${Math.max(a.p, b.p)}`; // (frame, the two points): the same question
      // Dots (and coordinates) closer than 5 % of the width are hard to tell apart; depths that
      // round to the same millimetre have no answer (MultiSPA rejects those too).
      if (Math.hypot(a.u - b.u, a.v - b.v) < 0.05 * k.width) continue;
      const [da, db] = [ctx.rules.depthMm(a.z), ctx.rules.depthMm(b.z)];
      if (da === db || asked.has(pairKey)) continue;
      const relation = rng.next() < 0.5 ? 'closer' : 'farther';
      const winner = (relation === 'closer') === (da < db) ? a : b;
      const questionType = `depth_comparison_${variant}`;
      const key = String(made);
      const common = { key, task: 'depth_perception', subtask: 'depth_comparison', questionType, frames: [f], cameras: [sc] };
      const answerValues = { points: [a.p, b.p], points_world: [pointWorld(ctx, a.p), pointWorld(ctx, b.p)], pixels: [[a.u, a.v], [b.u, b.v]], depths_mm: [da, db], relation };
      if (variant === 'annotated') {
        const img = toRgb(await sampleImage(ctx, sc));
        const [ca, cb] = rng.shuffle(DOT_COLORS.slice()).slice(0, 2);
        drawLabelledDot(img, a.u, a.v, 'A', ca.rgb);
        drawLabelledDot(img, b.u, b.v, 'B', cb.rgb);
        const value = winner === a ? 'A' : 'B';
        out.push(await makeSample(ctx, {
          ...common, images: [await ctx.writePrompt(`${questionType}_${key}`, img)],
          question: choose(rng, T.depthCompareDot.q, { relation }), answer: choose(rng, T.depthCompareDot.a, { relation, value }),
          answerValues: { ...answerValues, labels: ['A', 'B'] }, gt: value,
        }));
      } else {
        const c = (q: Picked) => [R.coord(q.u, k.width), R.coord(q.v, k.height)];
        const [x1, y1] = c(a), [x2, y2] = c(b), [x, y] = c(winner);
        if (x1 === x2 && y1 === y2) continue;
        out.push(await makeSample(ctx, {
          ...common, question: `${COORD_NOTE}\n${choose(rng, T.depthCompareCoord.q, { relation, x1, y1, x2, y2 })}`,
          answer: fill(rng.pick(T.depthCompareCoord.a), { relation, x, y }),
          answerValues: { ...answerValues, coordinates: [[x1, y1], [x2, y2]] }, gt: [x, y],
        }));
      }
      asked.add(pairKey);
      made++;
    }
  }
  return out;
}
