/**
 * Object size (MultiSPA 1.7.5): height, length and width (mm) of an instance's axis-aligned box in
 * the up-aligned world (length = the longer horizontal side), asked over a minimal set of at most
 * 5 images whose visible instance points span that extent within 10 %. Structural categories
 * (wall, floor, ceiling, window, ...) are excluded, and so are labels shared by several instances
 * (the question would not say which one is meant).
 * @module
 */
import type { Instance } from '../../scenes/types.js';
import { projectPoints } from '../../ops/geometry/native.js';
import { type QASample, type SampleCamera, type TaskContext, insideImage, makeSample, sampleCamera } from '../context.js';
import { T, choose } from '../templates.js';

export const STRUCTURAL_LABELS = new Set(['wall', 'object', 'floor', 'ceiling', 'window']);
const MAX_IMAGES = 5;
const MAX_CANDIDATES = 25;
const MAX_COMBINATIONS_PER_LEVEL = 5000;
const TOLERANCE = 0.1;

/** Per frame and instance: visible point count and the per-axis min/max of those points. */
export function instanceExtents(ctx: TaskContext): Map<number, { frame: number; count: number; min: number[]; max: number[] }[]> {
  const byInstance = new Map<number, { frame: number; count: number; min: number[]; max: number[] }[]>();
  const ids = ctx.pointInstances;
  if (!ids) return byInstance;
  ctx.visible.forEach((set, f) => {
    const acc = new Map<number, { frame: number; count: number; min: number[]; max: number[] }>();
    for (const p of set) {
      const id = ids[p];
      if (!id) continue;
      let e = acc.get(id);
      if (!e) acc.set(id, (e = { frame: f, count: 0, min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] }));
      e.count++;
      for (let a = 0; a < 3; a++) {
        const x = ctx.points[3 * p + a];
        if (x < e.min[a]) e.min[a] = x;
        if (x > e.max[a]) e.max[a] = x;
      }
    }
    for (const [id, e] of acc) {
      const list = byInstance.get(id) ?? [];
      list.push(e);
      byInstance.set(id, list);
    }
  });
  return byInstance;
}

/** Axis indices of (height, length, width) for an instance box in a world whose up is `up`. */
export function sizeAxes(box: Instance['box'], up: number[]): { height: number; length: number; width: number } {
  const upAxis = up.map(Math.abs).indexOf(Math.max(...up.map(Math.abs)));
  const [h1, h2] = [0, 1, 2].filter((a) => a !== upAxis);
  const ext = (a: number) => box.max[a] - box.min[a];
  return ext(h1) >= ext(h2) ? { height: upAxis, length: h1, width: h2 } : { height: upAxis, length: h2, width: h1 };
}

/** Smallest image sets (<= 5 images) whose union extent along `axis` is within 10 % of `target`. */
export function minimalCoveringSet(
  frames: { frame: number; min: number[]; max: number[] }[], axis: number, target: number, rng: TaskContext['rng'],
): number[] | null {
  const cands = rng.shuffle(frames.slice()).slice(0, MAX_CANDIDATES);
  const covers = (set: number[]) => {
    let lo = Infinity, hi = -Infinity;
    for (const i of set) { lo = Math.min(lo, cands[i].min[axis]); hi = Math.max(hi, cands[i].max[axis]); }
    return Math.abs(hi - lo - target) <= TOLERANCE * target;
  };
  let level: number[][] = cands.map((_, i) => [i]);
  for (let k = 1; k <= MAX_IMAGES && level.length; k++) {
    const covering = level.filter(covers);
    if (covering.length) return rng.pick(covering).map((i) => cands[i].frame);
    // Extend with higher-index candidates only (each combination once); cap the level's size.
    const next: number[][] = [];
    for (const combo of level) for (let i = combo[combo.length - 1] + 1; i < cands.length; i++) next.push([...combo, i]);
    level = next.length > MAX_COMBINATIONS_PER_LEVEL ? rng.shuffle(next).slice(0, MAX_COMBINATIONS_PER_LEVEL) : next;
  }
  return null;
}

/**
 * Whether the instance's points that are visible in each camera's frame AND inside its written
 * (augmented) image still span `target` along `axis` within 10 %: with camera augmentation a crop
 * can cut off the part of the object that made the image set cover it.
 */
export function coversInCameras(ctx: TaskContext, instance: number, cameras: SampleCamera[], axis: number, target: number): boolean {
  const ids = ctx.pointInstances!;
  let lo = Infinity, hi = -Infinity;
  for (const sc of cameras) {
    const mine = Array.from(ctx.visible[sc.frame]).filter((p) => ids[p] === instance);
    const xyz = new Float32Array(3 * mine.length);
    mine.forEach((p, i) => xyz.set(ctx.points.subarray(3 * p, 3 * p + 3), 3 * i));
    const { uv, depth } = projectPoints(xyz, sc.camera);
    mine.forEach((p, i) => {
      if (!(depth[i] > 0 && insideImage(sc, uv[2 * i], uv[2 * i + 1]))) return;
      const x = ctx.points[3 * p + axis];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    });
  }
  return Math.abs(hi - lo - target) <= TOLERANCE * target;
}

export async function objectSizeTasks(ctx: TaskContext, perSubtask: number): Promise<QASample[]> {
  const out: QASample[] = [];
  if (!ctx.pointInstances || !ctx.instances.length) return out;
  const extents = instanceExtents(ctx);
  const labelCount = new Map<string, number>();
  for (const inst of ctx.instances) labelCount.set(inst.label, (labelCount.get(inst.label) ?? 0) + 1);
  const pointsPer = new Map<number, number>();
  for (const id of ctx.pointInstances) if (id) pointsPer.set(id, (pointsPer.get(id) ?? 0) + 1);
  const eligible = ctx.instances.filter((i) => !i.structural && !STRUCTURAL_LABELS.has(i.label) && labelCount.get(i.label) === 1 && extents.has(i.id));
  for (const dimension of ['height', 'length', 'width'] as const) {
    const rng = ctx.rng.fork(`object_perception_${dimension}_estimation`);
    const augment = rng.fork('augment');
    // One question per instance and dimension: another image set would ask the same question.
    const asked = new Set<number>();
    let made = 0;
    for (let round = 0; round < 5 && made < perSubtask; round++)
      for (const inst of rng.shuffle(eligible.slice())) {
        if (made >= perSubtask) break;
        if (asked.has(inst.id)) continue;
        // Visible in a frame = at least 5 % of the instance's points (at least 1), as in MultiSPA.
        const need = Math.max(1, Math.floor(0.05 * (pointsPer.get(inst.id) ?? 0)));
        const seen = extents.get(inst.id)!.filter((e) => e.count >= need);
        if (!seen.length) continue;
        const axis = sizeAxes(inst.box, ctx.up)[dimension];
        const target = inst.box.max[axis] - inst.box.min[axis];
        if (!(target > 0)) continue;
        const set = minimalCoveringSet(seen, axis, target, rng);
        if (!set) continue;
        const frames = rng.shuffle(set.slice());
        const cameras = frames.map((f) => sampleCamera(ctx, f, augment));
        if (ctx.augment && !coversInCameras(ctx, inst.id, cameras, axis, target)) continue;
        const value = ctx.rules.sizeMm(target);
        const questionType = `object_perception_${dimension}_estimation`;
        out.push(await makeSample(ctx, {
          key: String(made), task: 'object_perception', subtask: `${dimension}_estimation`, questionType, frames,
          cameras,
          question: choose(rng, T.objectSize.q, { dimension, label: inst.label }),
          answer: choose(rng, T.objectSize.a, { dimension, label: inst.label, value }),
          answerValues: { instance: inst.id, label: inst.label, axis, size_m: target, box: inst.box },
          gt: value,
        }));
        asked.add(inst.id);
        made++;
      }
  }
  return out;
}
