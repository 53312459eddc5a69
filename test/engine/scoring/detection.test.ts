// 3D detection F1 (VG-LLM protocol): golden counts worked out by hand, greedy matching in
// prediction order, the strict threshold, unknown labels, unseen categories, bad inputs, and count
// conservation on random scenes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VGLLM_CATEGORIES, boxIou3d, formatDetectionTable, scoreDetections, type DetectionSample } from '../../../lib/index.js';

const cube = (x: number, y = 0, z = 0, d = 1): number[] => [x, y, z, d, d, d, 0, 0, 0];

describe('scoreDetections golden', () => {
  // Sample 0: chairs C1 at x=0 and C2 at x=5, a table at y=5 (2x1x1).
  //   p1 chair = C1 (IoU 1); p2 chair = C2 moved 0.5 along x (IoU 0.5/1.5 = 1/3);
  //   p3 chair = C1 again (C1 used; C2 used at 0.25, IoU 0 with it at 0.5): FP;
  //   p4 sofa: no sofa in the GT: FP. The table has no prediction: FN.
  // Sample 1: a chair in the GT, a table predicted on top of it: chair FN, table FP.
  // @0.25: chair TP 2 FP 1 FN 1 -> P = R = F1 = 2/3; table TP 0 FP 1 FN 1 -> 0; sofa FP 1 -> 0.
  // @0.5:  chair TP 1 FP 2 FN 2 -> P = R = F1 = 1/3.
  const samples: DetectionSample[] = [
    {
      gts: [{ label: 'chair', box9: cube(0) }, { label: 'chair', box9: cube(5) }, { label: 'table', box9: [0, 5, 0, 2, 1, 1, 0, 0, 0] }],
      predictions: [
        { label: 'chair', box9: cube(0) },
        { label: 'chair', box9: cube(5.5) },
        { label: 'chair', box9: cube(0) },
        { label: 'sofa', box9: cube(9) },
      ],
    },
    { gts: [{ label: 'chair', box9: cube(0) }], predictions: [{ label: 'table', box9: cube(0) }] },
  ];
  const score = scoreDetections(samples, { categories: ['chair', 'table', 'bed'] });

  it('counts TP / FP / FN per category and threshold', () => {
    expect(score.thresholds.map((t) => t.threshold)).toEqual([0.25, 0.5]);
    const [at25, at50] = score.thresholds;
    expect(at25.categories.chair).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(at25.categories.chair.precision).toBeCloseTo(2 / 3, 15);
    expect(at25.categories.chair.recall).toBeCloseTo(2 / 3, 15);
    expect(at25.categories.chair.f1).toBeCloseTo(2 / 3, 15);
    expect(at25.categories.table).toEqual({ tp: 0, fp: 1, fn: 1, precision: 0, recall: 0, f1: 0 });
    expect(at25.categories.sofa).toEqual({ tp: 0, fp: 1, fn: 0, precision: 0, recall: 0, f1: 0 });
    expect(at25.categories.bed).toEqual({ tp: 0, fp: 0, fn: 0, precision: 0, recall: 0, f1: 0 });
    expect(at50.categories.chair).toMatchObject({ tp: 1, fp: 2, fn: 2 });
    expect(at50.categories.chair.f1).toBeCloseTo(1 / 3, 15);
  });

  it('averages over the given categories only (unseen ones count 0)', () => {
    expect(score.thresholds[0].meanF1).toBeCloseTo(2 / 9, 15);
    expect(score.thresholds[0].meanPrecision).toBeCloseTo(2 / 9, 15);
    expect(score.thresholds[0].meanRecall).toBeCloseTo(2 / 9, 15);
    expect(score.thresholds[1].meanF1).toBeCloseTo(1 / 9, 15);
    // A category listed twice weighs twice (VG-LLM's cate31 lists "lamp" twice).
    const twice = scoreDetections(samples, { categories: ['chair', 'chair', 'table'], thresholds: [0.25] });
    expect(twice.thresholds[0].meanF1).toBeCloseTo(4 / 9, 15);
  });

  it('formats a table', () => {
    const table = formatDetectionTable(score, ['chair', 'table', 'bed']);
    expect(table).toMatch(/^category\s+P@0\.25\s+R@0\.25\s+F1@0\.25\s+P@0\.5\s+R@0\.5\s+F1@0\.5$/m);
    expect(table).toMatch(/^chair\s+0\.6667\s+0\.6667\s+0\.6667\s+0\.3333\s+0\.3333\s+0\.3333$/m);
    expect(table).toMatch(/^mean\s+0\.2222\s+0\.2222\s+0\.2222\s+0\.1111\s+0\.1111\s+0\.1111$/m);
  });
});

describe('matching rules', () => {
  it('is greedy in prediction order, not an optimal assignment', () => {
    // GT A at x=0, B at x=0.8. p1 at x=0.45 overlaps A by 0.55 (IoU 0.379) and B by 0.65 (IoU 0.481):
    // it takes B. p2 = B exactly then only has A left (IoU 0.2/1.8 = 0.11): FP. An optimal
    // assignment would match both.
    const gts = [{ label: 'chair', box9: cube(0) }, { label: 'chair', box9: cube(0.8) }];
    const run = (xs: number[]) =>
      scoreDetections([{ gts, predictions: xs.map((x) => ({ label: 'chair', box9: cube(x) })) }], { categories: ['chair'], thresholds: [0.25] })
        .thresholds[0].categories.chair;
    expect(run([0.45, 0.8])).toMatchObject({ tp: 1, fp: 1, fn: 1 });
    expect(run([0.8, 0.45])).toMatchObject({ tp: 2, fp: 0, fn: 0 });
  });

  it('needs IoU strictly above the threshold', () => {
    const gt = cube(0), pred = cube(0.5);
    const iou = boxIou3d(pred, gt); // 1/3
    const at = (t: number) =>
      scoreDetections([{ gts: [{ label: 'bed', box9: gt }], predictions: [{ label: 'bed', box9: pred }] }], { categories: ['bed'], thresholds: [t] })
        .thresholds[0].categories.bed.tp;
    expect(at(iou)).toBe(0);
    expect(at(iou - 1e-12)).toBe(1);
    // Threshold 0: a touching box (IoU 0) still does not match.
    const touching = scoreDetections([{ gts: [{ label: 'bed', box9: gt }], predictions: [{ label: 'bed', box9: cube(1) }] }], { categories: ['bed'], thresholds: [0] });
    expect(touching.thresholds[0].categories.bed).toMatchObject({ tp: 0, fp: 1, fn: 1 });
  });

  it('uses the oriented IoU (a turned box)', () => {
    // Two 2x2x2 cubes, one turned 45° about z: IoU 1/sqrt2 = 0.707: a TP at 0.5 and 0.7, not at 0.75.
    const gts = [{ label: 'bin', box9: [0, 0, 0, 2, 2, 2, 0, 0, 0] }];
    const predictions = [{ label: 'bin', box9: [0, 0, 0, 2, 2, 2, Math.PI / 4, 0, 0] }];
    const s = scoreDetections([{ gts, predictions }], { categories: ['bin'], thresholds: [0.5, 0.7, 0.75] });
    expect(s.thresholds.map((t) => t.categories.bin.tp)).toEqual([1, 1, 0]);
  });

  it('scores an invalid predicted box as IoU 0 and reports it', () => {
    const s = scoreDetections(
      [{ gts: [{ label: 'bed', box9: cube(0) }], predictions: [{ label: 'bed', box9: [0, 0, 0, 1, 1] }, { label: 'bed', box9: cube(0) }] }],
      { categories: ['bed'], thresholds: [0.25] },
    );
    expect(s.thresholds[0].categories.bed).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(s.invalidPredictions).toEqual([{ sample: 0, index: 0 }]);
  });

  it('perfect predictions give F1 1 on every seen category; empty input gives 0', () => {
    const gts = [{ label: 'chair', box9: cube(0) }, { label: 'table', box9: [3, 0, 0, 2, 1, 0.8, 0.3, 0.1, -0.2] }];
    const s = scoreDetections([{ gts, predictions: gts }, { gts, predictions: gts }], { categories: ['chair', 'table'] });
    for (const t of s.thresholds) expect(t.meanF1).toBeCloseTo(1, 12);
    expect(scoreDetections([], { categories: ['chair'] }).thresholds[0].meanF1).toBe(0);
    expect(scoreDetections([], { categories: [] }).thresholds[0].meanF1).toBe(0);
  });
});

describe('VGLLM_CATEGORIES', () => {
  it('keeps the published lists, lamp twice in cate31', () => {
    expect(VGLLM_CATEGORIES.cate8).toHaveLength(8);
    expect(VGLLM_CATEGORIES.cate20).toHaveLength(20);
    expect(VGLLM_CATEGORIES.cate31).toHaveLength(31);
    expect(VGLLM_CATEGORIES.cate31.filter((c) => c === 'lamp')).toHaveLength(2);
  });
});

describe('bad inputs', () => {
  const ok = { label: 'chair', box9: cube(0) };
  it.each([
    ['a non-array samples', () => scoreDetections({} as unknown as DetectionSample[], { categories: [] }), 'ERR_SPATIAL_TYPE', /for samples but received an object/],
    ['missing categories', () => scoreDetections([], {} as unknown as { categories: string[] }), 'ERR_SPATIAL_TYPE', /Expected \{ categories: string\[\] \} for opts/],
    ['a threshold of 1', () => scoreDetections([], { categories: [], thresholds: [1] }), 'ERR_SPATIAL_FORMAT', /opts\.thresholds/],
    ['no gts array', () => scoreDetections([{ predictions: [ok] } as unknown as DetectionSample], { categories: [] }), 'ERR_SPATIAL_TYPE', /for samples\[0\]\.gts but received undefined/],
    ['a label that is not a string', () => scoreDetections([{ predictions: [], gts: [{ label: 3, box9: cube(0) }] } as unknown as DetectionSample], { categories: [] }), 'ERR_SPATIAL_FORMAT', /samples\[0\]\.gts\[0\]/],
    ['an invalid gt box', () => scoreDetections([{ predictions: [], gts: [ok, { label: 'chair', box9: [0, 0, 0, -1, 1, 1, 0, 0, 0] }] }], { categories: [] }), 'ERR_SPATIAL_SHAPE', /^samples\[0\]\.gts\[1\]\.box9\.dx must be finite and >= 0 \(got -1\)$/],
  ] as const)('rejects %s', (_label, fn, code, message) => {
    expect(fn).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('count conservation on random scenes', () => {
  // Per label: TP + FP = number of predictions, TP + FN = number of ground truths; rates in [0, 1].
  const labels = ['chair', 'table', 'bed'];
  const det = fc.record({
    label: fc.constantFrom(...labels),
    box9: fc.tuple(
      fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.constant(0),
      fc.constantFrom(0.5, 1, 1.5), fc.constantFrom(0.5, 1, 1.5), fc.constantFrom(0.5, 1, 1.5),
      fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.constant(0), fc.constant(0),
    ).map((t) => [t[0] * 0.5, t[1] * 0.5, ...t.slice(2)]),
  });
  const scene = fc.record({ predictions: fc.array(det, { maxLength: 8 }), gts: fc.array(det, { maxLength: 8 }) });
  it('holds for every threshold', () => {
    fc.assert(
      fc.property(fc.array(scene, { maxLength: 5 }), (samples) => {
        const s = scoreDetections(samples, { categories: labels, thresholds: [0, 0.25, 0.5] });
        for (const t of s.thresholds)
          for (const label of labels) {
            const c = t.categories[label];
            const nPred = samples.reduce((a, x) => a + x.predictions.filter((d) => d.label === label).length, 0);
            const nGt = samples.reduce((a, x) => a + x.gts.filter((d) => d.label === label).length, 0);
            expect(c.tp + c.fp).toBe(nPred);
            expect(c.tp + c.fn).toBe(nGt);
            for (const v of [c.precision, c.recall, c.f1]) expect(v >= 0 && v <= 1).toBe(true);
          }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
