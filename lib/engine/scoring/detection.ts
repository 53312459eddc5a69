/**
 * 3D detection F1 with the protocol of VG-LLM's 3D video object detection (used as the CA-MLLM
 * baseline's `F1@0.25`): exact oriented-box IoU, greedy matching in prediction
 * order, counts summed over samples per category, mean F1 over a fixed category list.
 * @module
 */
import { BOX9_LENGTH, checkBox9, type Box9 } from '../../ops/box-iou/shared.js';
import { boxIou3dMatrix } from '../../ops/box-iou/native.js';
import { describeValue, spatialError } from '../../errors.js';

/** One labelled box. */
export interface Detection {
  label: string;
  /** `[x, y, z, dx, dy, dz, alpha, beta, gamma]`, rotation Rz(alpha) Rx(beta) Ry(gamma). */
  box9: Box9;
}

/** The predictions and ground truths of one sample (one image sequence / scene). */
export interface DetectionSample {
  predictions: readonly Detection[];
  gts: readonly Detection[];
}

/** Options of {@link scoreDetections}. */
export interface DetectionScoreOptions {
  /** Categories averaged into the mean (listed twice counts twice, as VG-LLM's cate31 does with "lamp"). */
  categories: readonly string[];
  /** IoU thresholds; a match needs IoU > threshold (strict). Default [0.25, 0.5]. */
  thresholds?: readonly number[];
}

/** Counts and rates of one category at one threshold. */
export interface CategoryDetectionScore {
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp), 0 when undefined. */
  precision: number;
  /** tp / (tp + fn), 0 when undefined. */
  recall: number;
  /** 2PR / (P + R), 0 when undefined. */
  f1: number;
}

/** The scores at one IoU threshold. */
export interface DetectionThresholdScore {
  threshold: number;
  /** Mean F1 over `opts.categories` (categories never seen count 0). */
  meanF1: number;
  meanPrecision: number;
  meanRecall: number;
  /** Every listed category and every label seen in the samples. */
  categories: Record<string, CategoryDetectionScore>;
}

/** The result of {@link scoreDetections}: one entry per threshold, in the order given. */
export interface DetectionScore {
  thresholds: DetectionThresholdScore[];
  /** Predictions whose box was invalid (not 9 finite numbers with dims >= 0): scored with IoU 0. */
  invalidPredictions: { sample: number; index: number }[];
}

/**
 * VG-LLM's category lists (`cate8`, `cate20`, `cate31` in its threedod evaluation). `cate31` is kept
 * exactly as published, quirks included: "lamp" appears twice (so it weighs double in the mean) and
 * "towl" is spelled so (a label "towel" never matches it).
 */
export const VGLLM_CATEGORIES = {
  cate8: ['chair', 'cabinet', 'table', 'bin', 'couch', 'bed', 'bathtub', 'toilet'],
  cate20: [
    'chair', 'pillow', 'cabinet', 'table', 'lamp', 'couch', 'desk', 'stand', 'bed', 'backpack',
    'bathtub', 'ottoman', 'dresser', 'bin', 'toilet', 'refrigerator', 'stove', 'microwave', 'monitor', 'computer',
  ],
  cate31: [
    'chair', 'pillow', 'cabinet', 'table', 'lamp', 'couch', 'desk', 'stand', 'bed', 'backpack',
    'bathtub', 'ottoman', 'dresser', 'bin', 'toilet', 'refrigerator', 'stove', 'microwave', 'monitor', 'computer',
    'window', 'shelf', 'curtain', 'plant', 'stairs', 'picture', 'book', 'bottle', 'lamp', 'towl', 'sink',
  ],
} as const;

function isValidBox(b: unknown): boolean {
  try {
    checkBox9(b);
    return true;
  } catch {
    return false;
  }
}

function checkDetectionList(v: unknown, where: string): readonly Detection[] {
  if (!Array.isArray(v)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of { label, box9 } for ${where} but received ${describeValue(v)}`);
  v.forEach((d, i) => {
    if (typeof d !== 'object' || d === null || typeof (d as Detection).label !== 'string')
      throw spatialError('ERR_SPATIAL_FORMAT', `Expected { label: string, box9 } for ${where}[${i}] but received ${describeValue(d)}`);
  });
  return v as readonly Detection[];
}

const rate = (num: number, den: number): number => (den > 0 ? num / den : 0);

/**
 * Precision, recall and F1 of 3D detections, per category and averaged over a category list.
 *
 * Per sample and label: predictions are taken in their given order; each takes the still-unused
 * ground-truth box of the same label with the highest IoU (exact oriented IoU, {@link geometry!boxIou3d};
 * ties go to the earlier ground truth, and a ground truth with IoU 0 is never taken). It is a true
 * positive iff that IoU is **strictly** above the threshold (the ground truth is then used), else a
 * false positive. Unused ground truths are false negatives; predictions of a label absent from the
 * sample's ground truth are false positives. TP/FP/FN are summed over samples per label, then
 * `P = TP/(TP+FP)`, `R = TP/(TP+FN)`, `F1 = 2PR/(P+R)`, each 0 when undefined. The means run over
 * `opts.categories` as given (duplicates count twice; categories never seen count 0).
 * A prediction whose box is invalid (VG-LLM: IoU computation fails) gets IoU 0 with everything.
 *
 * @param samples - per sample `{ predictions, gts }`, boxes `[x, y, z, dx, dy, dz, alpha, beta, gamma]`.
 * @param opts - `categories` (e.g. `VGLLM_CATEGORIES.cate31`), `thresholds` (default [0.25, 0.5]).
 * @throws ERR_SPATIAL_FORMAT / ERR_SPATIAL_TYPE for malformed samples, ERR_SPATIAL_SHAPE for an
 *   invalid ground-truth box.
 * @example
 * const s = scoreDetections([{ predictions: [{ label: 'chair', box9: gtBox }], gts: [{ label: 'chair', box9: gtBox }] }],
 *   { categories: ['chair', 'table'] });
 * s.thresholds[0].meanF1 // 0.5 (chair 1, table 0)
 */
export function scoreDetections(samples: readonly DetectionSample[], opts: DetectionScoreOptions): DetectionScore {
  if (!Array.isArray(samples)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of { predictions, gts } for samples but received ${describeValue(samples)}`);
  if (typeof opts !== 'object' || opts === null || !Array.isArray(opts.categories) || !opts.categories.every((c) => typeof c === 'string'))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected { categories: string[] } for opts but received ${describeValue(opts)}`);
  const thresholds = opts.thresholds ?? [0.25, 0.5];
  if (!Array.isArray(thresholds) || thresholds.length === 0 || !thresholds.every((t) => typeof t === 'number' && t >= 0 && t < 1))
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected a non-empty array of numbers in [0, 1) for opts.thresholds but received ${describeValue(thresholds)}`);

  const counts = thresholds.map(() => new Map<string, { tp: number; fp: number; fn: number }>());
  const bump = (t: number, label: string, key: 'tp' | 'fp' | 'fn', by = 1): void => {
    let c = counts[t].get(label);
    if (!c) counts[t].set(label, (c = { tp: 0, fp: 0, fn: 0 }));
    c[key] += by;
  };
  const invalidPredictions: { sample: number; index: number }[] = [];

  samples.forEach((sample, si) => {
    if (typeof sample !== 'object' || sample === null)
      throw spatialError('ERR_SPATIAL_FORMAT', `Expected { predictions, gts } for samples[${si}] but received ${describeValue(sample)}`);
    const preds = checkDetectionList(sample.predictions, `samples[${si}].predictions`);
    const gts = checkDetectionList(sample.gts, `samples[${si}].gts`);
    const gtByLabel = new Map<string, Float64Array[]>();
    gts.forEach((g, gi) => {
      const box = checkBox9(g.box9, `samples[${si}].gts[${gi}].box9`);
      gtByLabel.set(g.label, [...(gtByLabel.get(g.label) ?? []), box]);
    });
    const predByLabel = new Map<string, (Float64Array | null)[]>();
    preds.forEach((p, pi) => {
      const ok = isValidBox(p.box9);
      if (!ok) invalidPredictions.push({ sample: si, index: pi });
      predByLabel.set(p.label, [...(predByLabel.get(p.label) ?? []), ok ? Float64Array.from(p.box9) : null]);
    });

    for (const [label, gtBoxes] of gtByLabel) if (!predByLabel.has(label)) thresholds.forEach((_, t) => bump(t, label, 'fn', gtBoxes.length));
    for (const [label, predBoxes] of predByLabel) {
      const gtBoxes = gtByLabel.get(label) ?? [];
      const valid = predBoxes.filter((b): b is Float64Array => b !== null);
      const packed = new Float64Array(valid.length * BOX9_LENGTH);
      valid.forEach((b, i) => packed.set(b, i * BOX9_LENGTH));
      const iouValid = gtBoxes.length > 0 && valid.length > 0 ? boxIou3dMatrix(packed, gtBoxes) : new Float64Array(0);
      const m = gtBoxes.length;
      thresholds.forEach((threshold, t) => {
        const used = new Uint8Array(m);
        let row = 0;
        for (const b of predBoxes) {
          let best = 0, bestJ = -1;
          if (b !== null) {
            for (let j = 0; j < m; j++) {
              const iou = iouValid[row * m + j];
              if (!used[j] && iou > best) {
                best = iou;
                bestJ = j;
              }
            }
            row++;
          }
          if (bestJ >= 0 && best > threshold) {
            used[bestJ] = 1;
            bump(t, label, 'tp');
          } else {
            bump(t, label, 'fp');
          }
        }
        bump(t, label, 'fn', m - used.reduce((a, u) => a + u, 0));
      });
    }
  });

  return {
    invalidPredictions,
    thresholds: thresholds.map((threshold, t) => {
      const categories: Record<string, CategoryDetectionScore> = {};
      const labels = [...new Set([...opts.categories, ...[...counts[t].keys()].sort()])];
      for (const label of labels) {
        const { tp, fp, fn } = counts[t].get(label) ?? { tp: 0, fp: 0, fn: 0 };
        const precision = rate(tp, tp + fp), recall = rate(tp, tp + fn);
        categories[label] = { tp, fp, fn, precision, recall, f1: rate(2 * precision * recall, precision + recall) };
      }
      const mean = (key: 'f1' | 'precision' | 'recall'): number =>
        opts.categories.length > 0 ? opts.categories.reduce((acc, c) => acc + categories[c][key], 0) / opts.categories.length : 0;
      return { threshold, meanF1: mean('f1'), meanPrecision: mean('precision'), meanRecall: mean('recall'), categories };
    }),
  };
}

/** A plain-text table: per listed category P / R / F1 at each threshold, then the means. */
export function formatDetectionTable(score: DetectionScore, categories: readonly string[]): string {
  const head = ['category', ...score.thresholds.flatMap((t) => [`P@${t.threshold}`, `R@${t.threshold}`, `F1@${t.threshold}`])];
  const f = (x: number) => x.toFixed(4);
  const rows = [...new Set(categories)].map((c) => [c, ...score.thresholds.flatMap((t) => [f(t.categories[c].precision), f(t.categories[c].recall), f(t.categories[c].f1)])]);
  const mean = ['mean', ...score.thresholds.flatMap((t) => [f(t.meanPrecision), f(t.meanRecall), f(t.meanF1)])];
  const all = [head, ...rows, mean];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(head), rule, ...rows.map(fmt), rule, fmt(mean)].join('\n');
}
