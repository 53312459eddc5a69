// MultiSPA-rule scoring: a golden eval with hand-computed outcomes, the 20 % / 5 % boundaries,
// gt = 0, perfect predictions, chance level of shuffled predictions, the multispa format, the
// formatters and bad inputs.
import { describe, expect, it } from 'vitest';
import {
  answerSpecFor, formatScoreMarkdown, formatScoreTable, parseJsonLines, scoreEval, scoreSample, scoreSummaryJson,
  type EvalSample, type PredictionRecord,
} from '../../../lib/index.js';
import { createRng } from '../../../lib/random.js';

const W = [1296], H = [968];

// Each entry: sample, prediction (undefined = missing), expected correctness, why.
const GOLDEN: [EvalSample, string | undefined, boolean][] = [
  [{ id: 1, question_type: 'depth_estimation_dot', gt_value: 2000 }, 'The depth is `2300` mm.', true], // 15 %
  [{ id: 2, question_type: 'depth_estimation_dot', gt_value: 2000 }, 'The depth is `2500` mm.', false], // 25 %
  [{ id: 3, question_type: 'depth_estimation_coor', gt_value: 1500 }, 'About 1.5 m.', true],
  [{ id: 4, question_type: 'depth_comparison_annotated', gt_value: 'B' }, 'Point `B` is closer.', true],
  [{ id: 5, question_type: 'depth_comparison_annotated', gt_value: 'A' }, 'Point `B` is closer.', false],
  // 20 x 10 units on 1296 x 968: (25.92, 9.68) px, 27.7 px <= 64.8.
  [{ id: 6, question_type: 'depth_comparison_coordinate', gt_value: [500, 400], width_list: W, height_list: H }, '`[ 520 , 410 ]`', true],
  // The answer point is in image 2 (500 x 1000): dy = 40 units = 40 px > 0.05 * 500 = 25 px. (In
  // image 1 it would be 38.7 px <= 64.8 px and count as correct.)
  [{ id: 7, question_type: 'visual_correspondence_coor_2_coor', gt_value: [100, 100], width_list: [1296, 500], height_list: [968, 1000] }, '[100, 140]', false],
  [{ id: 8, question_type: 'visual_correspondence_multiple_choice', gt_value: 'C' }, 'The answer is C', true],
  [{ id: 9, question_type: 'x_movement', gt_value: 'left' }, 'The camera moved `right`.', false],
  [{ id: 10, question_type: 'z_movement', gt_value: 'forward' }, 'It moved forwards.', true],
  [{ id: 11, question_type: 'yaw_angle', gt_value: 0 }, 'The camera turned `0` degrees.', true],
  [{ id: 12, question_type: 'yaw_angle', gt_value: 0 }, 'The camera turned `1` degrees.', false],
  [{ id: 13, question_type: 'total_distance', gt_value: 1000 }, 'A total of `1.2` m.', true], // exactly 20 %
  [{ id: 14, question_type: 'displacement_vector', gt_value: [100, 0, 0] }, '`[ 100 , 20 , 0 ]`', true], // exactly 20 %
  [{ id: 15, question_type: 'displacement_vector', gt_value: [100, 0, 0] }, '`[ 100 , 21 , 0 ]`', false],
  [{ id: 16, question_type: 'object_perception_height_estimation', gt_value: 800 }, 'I cannot tell.', false], // unparsed
  [{ id: 17, question_type: 'tapvid3d_total_distance', gt_value: 500 }, undefined, false], // missing
];

describe('scoreEval golden set', () => {
  const samples = GOLDEN.map(([s]) => s);
  const predictions: PredictionRecord[] = GOLDEN.filter(([, p]) => p !== undefined).map(([s, p]) => ({ id: s.id, prediction: p }));
  predictions.push({ id: 999, prediction: 'stray' });
  const result = scoreEval(samples, predictions);

  it('scores every sample as worked out by hand', () => {
    for (const [s, p, expected] of GOLDEN) expect(scoreSample(s, p).correct, `sample ${s.id}`).toBe(expected);
  });

  it('aggregates per question_type, overall (micro) and macro', () => {
    const correct = GOLDEN.filter(([, , c]) => c).length; // 9 of 17
    expect(correct).toBe(9);
    expect(result.n).toBe(17);
    expect(result.correct).toBe(9);
    expect(result.overall).toBeCloseTo(9 / 17, 15);
    expect(result.tasks.depth_estimation_dot).toEqual({ accuracy: 0.5, n: 2, correct: 1, unparsed: 0, missing: 0 });
    expect(result.tasks.displacement_vector).toEqual({ accuracy: 0.5, n: 2, correct: 1, unparsed: 0, missing: 0 });
    expect(result.tasks.object_perception_height_estimation).toEqual({ accuracy: 0, n: 1, correct: 0, unparsed: 1, missing: 0 });
    expect(result.tasks.tapvid3d_total_distance).toEqual({ accuracy: 0, n: 1, correct: 0, unparsed: 0, missing: 1 });
    expect(Object.keys(result.tasks)).toHaveLength(13);
    const accs = Object.values(result.tasks).map((t) => t.accuracy);
    expect(result.macro).toBeCloseTo(accs.reduce((a, b) => a + b, 0) / 13, 15);
    // By hand, in the order of GOLDEN's types:
    expect(result.macro).toBeCloseTo((0.5 + 1 + 0.5 + 1 + 0 + 1 + 0 + 1 + 0.5 + 1 + 0.5 + 0 + 0) / 13, 15);
  });

  it('lists unparsed, missing and unknown ids', () => {
    expect(result.unparsed).toEqual([16]);
    expect(result.missing).toEqual([17]);
    expect(result.unknown).toEqual([999]);
    expect(result.duplicates).toEqual([]);
    expect(result.subtasks).toBeUndefined();
  });

  it('writes the JSON summary, the terminal table and Markdown', () => {
    const json = scoreSummaryJson(result);
    expect(Object.keys(json)).toEqual(['overall', 'tasks', 'unparsed', 'missing', 'unknown']);
    expect(json.missing).toEqual([17]);
    expect(json.unknown).toEqual([999]);
    expect(json.overall).toBeCloseTo(9 / 17, 15);
    expect(json.tasks.depth_estimation_dot).toEqual({ accuracy: 0.5, n: 2 });
    expect(json.unparsed).toEqual([16]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);

    const table = formatScoreTable(result);
    expect(table).toMatch(/^question_type\s+n\s+correct\s+accuracy$/m);
    expect(table).toMatch(/^depth_estimation_dot\s+2\s+1\s+50\.00%$/m);
    expect(table).toMatch(/^overall\s+17\s+9\s+52\.94%$/m);
    expect(table).toMatch(/^unparsed: 1 \(16\)$/m);
    expect(table).toMatch(/^missing: 1 \(17\)$/m);
    expect(table).toMatch(/^unknown ids: 1 \(999\)$/m);

    const md = formatScoreMarkdown(result);
    expect(md).toContain('| question_type | n | correct | accuracy |');
    expect(md).toContain('| depth_estimation_dot | 2 | 1 | 50.00% |');
    expect(md).toContain('| **overall** | 17 | 9 | **52.94%** |');
    expect(md).toContain('Unparsed: 1, missing: 1, unknown ids: 1.');
  });
});

describe('relative-error boundary (20 %)', () => {
  const scalar = (gt: number, pred: string) => scoreSample({ id: 0, question_type: 'total_distance', gt_value: gt }, pred).correct;

  it('exactly 20 % is correct, 20.0001 % is wrong (both sides)', () => {
    expect(scalar(1000, '1200')).toBe(true);
    expect(scalar(1000, '800')).toBe(true);
    expect(scalar(1000, '1200.001')).toBe(false);
    expect(scalar(1000, '799.999')).toBe(false);
    expect(scalar(1150, '1380')).toBe(true);
    expect(scalar(1150, '1380.00115')).toBe(false);
  });

  it('is exact for every integer gt that is a multiple of 5 (random sample)', () => {
    const rng = createRng(11);
    for (let i = 0; i < 2000; i++) {
      const gt = 5 * rng.int(1, 400_000);
      const at = gt / 5; // exactly 20 %
      expect(scalar(gt, String(gt + at))).toBe(true);
      expect(scalar(gt, String(gt - at))).toBe(true);
      expect(scalar(gt, String(gt + at + 1))).toBe(false);
      expect(scalar(gt, String(gt - at - 1))).toBe(false);
    }
  });

  it('vectors: Euclidean error relative to the gt norm', () => {
    const vec = (pred: string) => scoreSample({ id: 0, question_type: 'displacement_vector', gt_value: [300, 400, 0] }, pred);
    // |gt| = 500; error (60, 80, 0) has norm 100 = 20 %.
    expect(vec('[360, 480, 0]').correct).toBe(true);
    expect(vec('[240, 320, 0]').correct).toBe(true);
    expect(vec('[360, 480, 0.01]').correct).toBe(false);
    expect(vec('[360, 480, 0]').error).toBeCloseTo(0.2, 15);
    // A wrong-length vector is not parsed as this answer.
    expect(vec('[360, 480]').parsed).toBeNull();
  });

  it('honours a custom tolerance', () => {
    const s: EvalSample = { id: 0, question_type: 'depth_estimation_dot', gt_value: 1000 };
    expect(scoreSample(s, '1100', { relativeTolerance: 0.1 }).correct).toBe(true);
    expect(scoreSample(s, '1101', { relativeTolerance: 0.1 }).correct).toBe(false);
  });
});

describe('gt = 0 needs an exact 0', () => {
  const yaw = (pred: string) => scoreSample({ id: 0, question_type: 'yaw_angle', gt_value: 0 }, pred);
  it.each([['`0`', true], ['0.0 degrees', true], ['-0', true], ['0.4', false], ['1e-9', false], ['`1`', false]] as const)('%j -> %s', (pred, expected) => {
    expect(yaw(pred).correct).toBe(expected);
  });
  it('reports error 0 or Infinity', () => {
    expect(yaw('0').error).toBe(0);
    expect(yaw('0.4').error).toBe(Infinity);
  });
  it('a zero vector (a static point) needs all components 0', () => {
    const v = (pred: string) => scoreSample({ id: 0, question_type: 'tapvid3d_displacement_vector', gt_value: [0, 0, 0] }, pred).correct;
    expect(v('The point did not move. `[ 0 , 0 , 0 ]`')).toBe(true);
    expect(v('[0, 0, 1]')).toBe(false);
  });
});

describe('location boundary (5 % of the image width, in pixels)', () => {
  const loc = (gt: [number, number], pred: string, w?: number[], h?: number[], opts = {}) =>
    scoreSample({ id: 0, question_type: 'depth_comparison_coordinate', gt_value: gt, width_list: w, height_list: h }, pred, opts);

  it('exactly 5 % of W along x is correct, just over is wrong (1296 x 968)', () => {
    // 50 units of 1296 px = 64.8 px = 0.05 * 1296.
    expect(loc([500, 500], '[550, 500]', W, H).correct).toBe(true);
    expect(loc([500, 500], '[450, 500]', W, H).correct).toBe(true);
    expect(loc([500, 500], '[550.01, 500]', W, H).correct).toBe(false);
    expect(loc([500, 500], '[550, 500]', W, H).error).toBeCloseTo(0.05, 15);
  });

  it('y is converted with the height: 66 units of 968 px pass, 67 do not', () => {
    // 66 * 0.968 = 63.9 px <= 64.8; 67 * 0.968 = 64.86 px > 64.8.
    expect(loc([500, 500], '[500, 566]', W, H).correct).toBe(true);
    expect(loc([500, 500], '[500, 567]', W, H).correct).toBe(false);
  });

  it('Euclidean: a 3-4-5 offset exactly at the limit on a square image', () => {
    expect(loc([500, 500], '[530, 540]', [1000], [1000]).correct).toBe(true);
    expect(loc([500, 500], '[530, 540.01]', [1000], [1000]).correct).toBe(false);
  });

  it('without size lists, or with locationRule normalized: 50 units', () => {
    expect(loc([500, 500], '[500, 550]').correct).toBe(true);
    expect(loc([500, 500], '[500, 551]').correct).toBe(false);
    expect(loc([500, 500], '[500, 567]', W, H, { locationRule: 'normalized' }).correct).toBe(false);
    expect(loc([500, 500], '[500, 550]', W, H, { locationRule: 'normalized' }).correct).toBe(true);
  });
});

describe('format multispa', () => {
  it('reads camera and object displacement gt in metres', () => {
    for (const question_type of ['displacement_vector', 'tapvid3d_displacement_vector']) {
      const s: EvalSample = { id: 0, question_type, gt_value: [0.1, -0.2, 1.5] };
      const pred = 'The displacement is `[ 100 , -200 , 1500 ]` mm.';
      expect(scoreSample(s, pred, { format: 'multispa' }).correct).toBe(true);
      expect(scoreSample(s, pred).correct).toBe(false);
      const gt = scoreSample(s, pred, { format: 'multispa' }).gt;
      expect(gt.kind === 'vector' && gt.values.map((v) => Math.round(v))).toEqual([100, -200, 1500]);
    }
  });
  it('leaves scalars (already mm / degrees) alone', () => {
    const s: EvalSample = { id: 0, question_type: 'tapvid3d_total_distance', gt_value: 1500 };
    expect(scoreSample(s, '`1500` mm', { format: 'multispa' }).correct).toBe(true);
  });
});

// A synthetic eval covering every question type, with the engine's answer templates.
function syntheticEval(n: number, seed: number): { samples: EvalSample[]; perfect: PredictionRecord[] } {
  const rng = createRng(seed);
  const types = [
    'depth_estimation_dot', 'depth_estimation_coor', 'depth_comparison_annotated', 'depth_comparison_coordinate',
    'visual_correspondence_coor_2_coor', 'visual_correspondence_multiple_choice', 'x_movement', 'y_movement', 'z_movement',
    'yaw_movement', 'pitch_movement', 'yaw_angle', 'pitch_angle', 'total_distance', 'displacement_vector',
    'object_perception_height_estimation', 'object_perception_length_estimation', 'object_perception_width_estimation',
    'tapvid3d_total_distance', 'tapvid3d_displacement_vector',
  ];
  const samples: EvalSample[] = [];
  const perfect: PredictionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const question_type = types[i % types.length];
    const spec = answerSpecFor(question_type);
    let gt: unknown, text: string;
    if (spec.kind === 'scalar') {
      gt = spec.unit === 'deg' ? rng.int(0, 90) : rng.int(0, 6000);
      text = `The answer is \`${gt as number}\` ${spec.unit === 'deg' ? 'degrees' : 'mm'}.`;
    } else if (spec.kind === 'vector') {
      gt = [rng.int(-3000, 3000), rng.int(-3000, 3000), rng.int(-3000, 3000)];
      text = `The displacement is \`[ ${(gt as number[]).join(' , ')} ]\` mm.`;
    } else if (spec.kind === 'coordinate') {
      gt = [rng.int(0, 999), rng.int(0, 999)];
      text = `The point is at \`[ ${(gt as number[]).join(' , ')} ]\`.`;
    } else if (spec.kind === 'letter') {
      gt = rng.pick(['A', 'B', 'C', 'D']);
      text = `The answer is \`${gt as string}\`.`;
    } else {
      gt = rng.pick(spec.allowed ?? []);
      text = `The camera moved \`${gt as string}\`.`;
    }
    samples.push({ id: `s${i}`, question_type, task: question_type.split('_')[0], gt_value: gt, width_list: [1296, 1296], height_list: [968, 968] });
    perfect.push({ id: `s${i}`, prediction: text });
  }
  return { samples, perfect };
}

describe('perfect and shuffled predictions', () => {
  it('perfect predictions score 100 % on every type, in any order', () => {
    const { samples, perfect } = syntheticEval(2000, 1);
    const r = scoreEval(samples, createRng(2).shuffle(perfect.slice()));
    expect(r.overall).toBe(1);
    expect(r.macro).toBe(1);
    expect(Object.keys(r.tasks)).toHaveLength(20);
    for (const t of Object.values(r.tasks)) expect(t.accuracy).toBe(1);
    expect(r.unparsed).toEqual([]);
    expect(r.missing).toEqual([]);
    // Samples carry a task (the first word of the type): grouped as subtasks.
    expect(r.subtasks?.depth.n).toBe(400);
    expect(r.subtasks?.depth.accuracy).toBe(1);
  });

  it('predictions shuffled among samples of the same type score at chance level', () => {
    // 20 000 samples, 1000 per type. For a random permutation within a type, sample i receives the
    // answer of sample j with probability 1/n for every j (itself included), so the expected
    // accuracy is the mean over all (i, j) pairs of [answer j is correct for sample i]; we estimate
    // it from 20 000 random pairs per type (sd <= sqrt(0.25 / 20000) = 0.0035). The observed accuracy
    // of one permutation has sd ~ sqrt(p (1 - p) / n) <= 0.016 for n = 1000. Combined sd <= 0.0164;
    // we allow 4 sd (0.066) per type.
    const { samples, perfect } = syntheticEval(20_000, 3);
    const rng = createRng(4);
    const byType = new Map<string, number[]>();
    samples.forEach((s, i) => byType.set(s.question_type, [...(byType.get(s.question_type) ?? []), i]));
    const shuffled: PredictionRecord[] = [];
    for (const idx of byType.values()) {
      const perm = rng.shuffle(idx.slice());
      idx.forEach((i, k) => shuffled.push({ id: samples[i].id, prediction: perfect[perm[k]].prediction }));
    }
    const r = scoreEval(samples, shuffled);
    for (const [type, idx] of byType) {
      let hits = 0;
      const pairs = 20_000;
      for (let k = 0; k < pairs; k++) if (scoreSample(samples[rng.pick(idx)], perfect[rng.pick(idx)].prediction as string).correct) hits++;
      expect(Math.abs(r.tasks[type].accuracy - hits / pairs), type).toBeLessThanOrEqual(0.066);
    }
    // The familiar values: 4 letters ~25 %, 2 directions ~50 %.
    expect(Math.abs(r.tasks.visual_correspondence_multiple_choice.accuracy - 0.25)).toBeLessThan(0.066);
    expect(Math.abs(r.tasks.depth_comparison_annotated.accuracy - 0.25)).toBeLessThan(0.066);
    expect(Math.abs(r.tasks.x_movement.accuracy - 0.5)).toBeLessThan(0.066);
  });
});

describe('ids, duplicates and subtasks', () => {
  it('matches ids by their string form and keeps the first duplicate', () => {
    const samples: EvalSample[] = [{ id: '7', question_type: 'x_movement', gt_value: 'left' }, { id: 8, question_type: 'x_movement', gt_value: 'right' }];
    const r = scoreEval(samples, [
      { id: 7, prediction: 'left' },
      { id: '7', prediction: 'right' },
      { id: '8', prediction: 'right' },
    ]);
    expect(r.overall).toBe(1);
    expect(r.duplicates).toEqual(['7']);
  });

  it('groups subtasks only when the task differs from the question_type', () => {
    const r = scoreEval(
      [
        { id: 1, question_type: 'tapvid3d_total_distance', task: 'tapvid3d_total_distance_coord_adt', gt_value: 100 },
        { id: 2, question_type: 'tapvid3d_total_distance', task: 'tapvid3d_total_distance_dot_pstudio', gt_value: 100 },
        { id: 3, question_type: 'x_movement', task: 'x_movement', gt_value: 'left' },
      ],
      [{ id: 1, prediction: '100 mm' }, { id: 2, prediction: '300 mm' }, { id: 3, prediction: 'left' }],
    );
    expect(Object.keys(r.subtasks ?? {})).toEqual(['tapvid3d_total_distance_coord_adt', 'tapvid3d_total_distance_dot_pstudio']);
    expect(r.subtasks?.tapvid3d_total_distance_coord_adt.accuracy).toBe(1);
    expect(r.subtasks?.tapvid3d_total_distance_dot_pstudio.accuracy).toBe(0);
    expect(formatScoreTable(r)).toMatch(/^task tapvid3d_total_distance_coord_adt\s+1\s+1\s+100\.00%$/m);
  });

  it('an empty eval scores 0 without NaN; non-string predictions', () => {
    expect(scoreEval([], []).overall).toBe(0);
    const r = scoreEval(
      [{ id: 1, question_type: 'depth_estimation_dot', gt_value: 1000 }, { id: 2, question_type: 'depth_estimation_dot', gt_value: 1000 }],
      [{ id: 1, prediction: 1000 }, { id: 2, prediction: null }],
    );
    expect(r.correct).toBe(1);
    expect(r.unparsed).toEqual([2]);
  });
});

describe('answerSpecFor', () => {
  it.each([
    ['depth_estimation_dot', { kind: 'scalar', unit: 'mm' }],
    ['yaw_angle', { kind: 'scalar', unit: 'deg' }],
    ['pitch_angle', { kind: 'scalar', unit: 'deg' }],
    ['pitch_movement', { kind: 'direction', allowed: ['up', 'down'] }],
    ['tapvid3d_displacement_vector_coord_adt', { kind: 'vector', dims: 3, unit: 'mm' }],
    ['visual_correspondence_dot_2_multichoice', { kind: 'letter' }],
    ['depth_comparison_coor', { kind: 'coordinate' }],
  ] as const)('%s', (type, spec) => {
    expect(answerSpecFor(type)).toEqual(spec);
  });
  it('falls back to the shape of gt_value for unknown types', () => {
    expect(answerSpecFor('custom', 'backward')).toEqual({ kind: 'direction', allowed: ['forward', 'backward'] });
    expect(answerSpecFor('custom', 'b')).toEqual({ kind: 'letter' });
    expect(answerSpecFor('custom_rotation', 5)).toEqual({ kind: 'scalar', unit: 'deg' });
    expect(answerSpecFor('custom', 5)).toEqual({ kind: 'scalar', unit: 'mm' });
    expect(answerSpecFor('custom', [1, 2])).toEqual({ kind: 'coordinate' });
    expect(answerSpecFor('custom', [1, 2, 3])).toEqual({ kind: 'vector', dims: 3, unit: 'mm' });
    expect(() => answerSpecFor('custom', { a: 1 })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/cannot tell how to score question_type "custom"/) }));
  });
});

describe('bad inputs', () => {
  const ok: EvalSample = { id: 1, question_type: 'depth_estimation_dot', gt_value: 1000 };
  it.each([
    ['a repeated sample id', () => scoreEval([ok, { ...ok }], []), 'ERR_SPATIAL_FORMAT', 'gtSamples has the id 1 more than once'],
    ['a sample without id', () => scoreEval([{ question_type: 'x' } as unknown as EvalSample], []), 'ERR_SPATIAL_FORMAT', 'Expected a string or number for gtSamples[0].id but received undefined'],
    ['a sample without question_type', () => scoreEval([{ id: 3 } as unknown as EvalSample], []), 'ERR_SPATIAL_FORMAT', 'Expected a question_type string for gtSamples[0] (id 3) but received undefined'],
    ['a non-numeric scalar gt', () => scoreSample({ ...ok, gt_value: 'far' }, '1'), 'ERR_SPATIAL_FORMAT', 'Expected a finite number for gt_value of sample 1 (depth_estimation_dot) but received the string "far"'],
    ['a short vector gt', () => scoreSample({ id: 2, question_type: 'displacement_vector', gt_value: [1, 2] }, '1'), 'ERR_SPATIAL_FORMAT', 'Expected an array of 3 finite numbers for gt_value of sample 2 (displacement_vector) but received an Array of length 2'],
    ['a bad direction gt', () => scoreSample({ id: 3, question_type: 'x_movement', gt_value: 'sideways' }, 'left'), 'ERR_SPATIAL_FORMAT', /Expected a direction word .* for gt_value of sample 3/],
    ['a prediction without id', () => scoreEval([ok], [{ prediction: '1' } as unknown as PredictionRecord]), 'ERR_SPATIAL_FORMAT', 'Expected { id, prediction } for predictions[0] but received an object'],
    ['a bad format', () => scoreEval([ok], [], { format: 'vqa' as 'ours' }), 'ERR_SPATIAL_FORMAT', `Expected 'ours' or 'multispa' for opts.format but received the string "vqa"`],
    ['a negative tolerance', () => scoreEval([ok], [], { relativeTolerance: -1 }), 'ERR_SPATIAL_FORMAT', 'Expected a finite number >= 0 for opts.relativeTolerance but received the number -1'],
    ['non-array samples', () => scoreEval({} as unknown as EvalSample[], []), 'ERR_SPATIAL_TYPE', 'Expected an array of eval samples for gtSamples but received an object'],
  ] as const)('rejects %s', (_label, fn, code, message) => {
    expect(fn).toThrow(expect.objectContaining({ code, message: typeof message === 'string' ? message : expect.stringMatching(message) }));
  });
});

describe('parseJsonLines', () => {
  it('parses one value per non-blank line (CRLF too)', () => {
    expect(parseJsonLines('{"id": 1}\r\n\n{"id": "b"}\n')).toEqual([{ id: 1 }, { id: 'b' }]);
  });
  it('names the bad line', () => {
    expect(() => parseJsonLines('{"id": 1}\n{oops}\n', 'preds.jsonl')).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/^preds\.jsonl line 2 is not valid JSON/) }),
    );
  });
});
