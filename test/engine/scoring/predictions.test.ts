// Prediction files in the layouts models and harnesses write: this package's {id, prediction},
// LLaVA model_vqa {question_id, text}, VQA-style {question_id, answer}, lmms-eval --log_samples
// lines, and named keys; the CLI reports missing and unknown ids and --strict fails on them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPredictionLayout, readPredictions, scoreEval, type EvalSample } from '../../../lib/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDirs } from '../../helpers/tmp.js';

const tmp = tempDirs('spatial-pred-');

const EVAL: EvalSample[] = [
  { id: 'a', question_type: 'depth_estimation_dot', gt_value: 2000 },
  { id: 'b', question_type: 'depth_comparison_annotated', gt_value: 'B' },
  { id: 'c', question_type: 'x_movement', gt_value: 'left' },
];
const ANSWERS: Record<string, string> = { a: 'The depth is `2100` mm.', b: 'Point `B` is closer.', c: 'It moved left.' };

// The same three predictions (c left out: missing; z: an id in no sample) in each layout.
const LAYOUT_LINES = {
  ours: ['a', 'b', 'z'].map((id) => ({ id, prediction: ANSWERS[id] ?? 'x' })),
  llava: ['a', 'b', 'z'].map((id, i) => ({ question_id: id, prompt: 'q', text: ANSWERS[id] ?? 'x', answer_id: `ans-${i}`, model_id: 'llava-v1.5-7b', metadata: {} })),
  vqa: ['a', 'b', 'z'].map((id) => ({ question_id: id, answer: ANSWERS[id] ?? 'x' })),
  // lmms-eval: doc is the evaluated row (images dropped), resps one list per request.
  'lmms-eval': ['a', 'b', 'z'].map((id, i) => ({
    doc_id: i, doc: { id, question_type: 'x' }, target: 'x', arguments: [], resps: [[`raw ${ANSWERS[id] ?? 'x'}`]], filtered_resps: [ANSWERS[id] ?? 'x'], doc_hash: 'h', exact_match: 0,
  })),
} as const;

describe('readPredictions', () => {
  it('tells each layout from the first record and reads the same records from all of them', () => {
    for (const [layout, lines] of Object.entries(LAYOUT_LINES)) {
      expect(detectPredictionLayout(lines[0]), layout).toBe(layout);
      const r = readPredictions(lines);
      expect(r.layout).toBe(layout);
      expect(r.records, layout).toEqual([{ id: 'a', prediction: ANSWERS.a }, { id: 'b', prediction: ANSWERS.b }, { id: 'z', prediction: 'x' }]);
      const s = scoreEval(EVAL, r.records);
      expect(s.correct, layout).toBe(2);
      expect(s.missing, layout).toEqual(['c']);
      expect(s.unknown, layout).toEqual(['z']);
    }
  });

  it('lmms-eval: doc_id when the row has no id, resps when there are no filtered_resps', () => {
    const r = readPredictions([{ doc_id: 4, doc: { question: 'q' }, resps: [['B']] }, { doc_id: 5, doc: { question_id: 'q5' }, resps: [['C']] }]);
    expect(r.records).toEqual([{ id: 4, prediction: 'B' }, { id: 'q5', prediction: 'C' }]);
  });

  it('named keys (dotted paths) override or replace the layout', () => {
    const lines = [{ meta: { uid: 'a' }, output: 'B' }];
    expect(readPredictions(lines, { idKey: 'meta.uid', predKey: 'output' })).toMatchObject({ layout: 'custom', records: [{ id: 'a', prediction: 'B' }] });
    expect(readPredictions([{ question_id: 'a', text: 'x', answer: 'B' }], { predKey: 'answer' }).records).toEqual([{ id: 'a', prediction: 'B' }]);
  });

  it('names the line and the keys when a record does not fit', () => {
    expect(() => readPredictions([{ uid: 1, out: 'B' }], { name: 'p.jsonl' })).toThrow(/p\.jsonl line 1: cannot tell the prediction layout from its keys \(uid, out\); expected ours \{id, prediction\}, llava \{question_id, text\}/);
    expect(() => readPredictions([{ id: 1, prediction: 'B' }, { prediction: 'C' }], { name: 'p.jsonl' })).toThrow(/p\.jsonl line 2: expected an id \(string or number\) at id \(ours layout\) but received undefined/);
    expect(() => readPredictions([{ uid: 1 }], { predKey: 'out' })).toThrow(/give both --id-key and --pred-key/);
    try {
      readPredictions([7]);
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_SPATIAL_FORMAT');
    }
  });
});

describe('spatial-geom eval', () => {
  it('reads every layout, lists missing and unknown ids, and --strict exits 1 on them', async () => {
    const dir = tmp();
    const gt = join(dir, 'qa_eval.jsonl');
    writeFileSync(gt, EVAL.map((s) => JSON.stringify(s)).join('\n') + '\n');
    for (const [layout, lines] of Object.entries(LAYOUT_LINES)) {
      const pred = join(dir, `${layout}.jsonl`);
      writeFileSync(pred, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const r = await runCli(['eval', '--gt', gt, '--pred', pred, '--json']);
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out);
      expect(j.overall, layout).toBeCloseTo(2 / 3, 12);
      expect(j.missing).toEqual(['c']);
      expect(j.unknown).toEqual(['z']);
      expect(r.err).toContain(`${layout} layout`);
      expect(r.err).toMatch(/warning: 1 of 3 eval ids have no prediction \(scored wrong\): "c"/);
      expect(r.err).toMatch(/warning: 1 prediction ids are in no eval sample \(not scored\): "z"/);
      const strict = await runCli(['eval', '--gt', gt, '--pred', pred, '--strict']);
      expect(strict.code).toBe(1);
      expect(strict.out).toMatch(/^missing: 1 \("c"\)$/m);
      expect(strict.err).toMatch(/spatial-geom: error: --strict: 1 eval ids without a prediction, 1 prediction ids not in .*qa_eval\.jsonl \(ERR_SPATIAL_FORMAT\)\n$/);
    }
    const custom = join(dir, 'custom.jsonl');
    writeFileSync(custom, ['a', 'b', 'c'].map((id) => JSON.stringify({ meta: { uid: id }, output: ANSWERS[id] })).join('\n'));
    const ok = await runCli(['eval', '--gt', gt, '--pred', custom, '--id-key', 'meta.uid', '--pred-key', 'output', '--strict', '--json']);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ overall: 1, missing: [], unknown: [] });
    const bad = await runCli(['eval', '--gt', gt, '--pred', custom]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot tell the prediction layout .*give --id-key and --pred-key \(ERR_SPATIAL_FORMAT\)/);
  });
});
