/**
 * Scoring of spatial QA answers with the MultiSPA evaluation rules (the reference
 * released no evaluation code, so the choices below are ours and stated):
 *
 * - **scalar / vector** (depths, distances, sizes, angles, displacement vectors): correct iff
 *   `||pred - gt||_2 <= 0.2 * ||gt||_2`, evaluated as `sum (pred - gt)^2 <= 0.2^2 * sum gt^2` so that
 *   integer answers exactly at 20 % error are decided exactly (correct) and 20.0001 % is wrong. With
 *   `gt = 0` (a yaw angle under 1°, a static point) the rule degenerates to exact equality: the parsed
 *   prediction must be exactly 0 (every component, for a vector); it is not rounded first.
 *   Compared in millimetres (lengths) or degrees (angles) after unit conversion of the prediction.
 * - **location** (normalised `[x, y]` in 0-999 units of width/height): correct iff the Euclidean
 *   distance **in pixels** is `<= 0.05 * W`, converting both points back with the answer image's
 *   `width_list` / `height_list` (`dx_px = dx * W / 1000`, `dy_px = dy * H / 1000`). The answer image
 *   is the last one for visual correspondence (the point is in image 2) and the first otherwise.
 *   Without size lists (or with `locationRule: 'normalized'`) the rule is distance `<= 50` in
 *   0-1000 units, i.e. the same rule for a square image.
 * - **letters and direction words**: equal, case-insensitive.
 * - An unparseable prediction is wrong and its id is listed in `unparsed`; a sample without a
 *   prediction is wrong and listed in `missing`; predictions whose id is in no sample are listed in
 *   `unknown` and not scored; a repeated prediction id keeps the first and is listed in `duplicates`.
 *   Ids match by their string form (`7` matches `"7"`).
 * - `format: 'multispa'` reads eval files of the reference engine: the `gt_value` of camera
 *   `displacement_vector` and of `tapvid3d_displacement_vector*` is in **metres** there (its camera
 *   and TAPVid-3D generators write metres) and is converted to mm. (Its coordinates are rounded half-to-even instead of floored;
 *   that changes nothing here.)
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import {
  directionAxis, isDirection, parseAnswer, type AnswerSpec, type AnswerUnit, type ParsedAnswer,
} from './parse.js';
import { registeredAnswerRule, registeredAnswerSpec } from '../tasks/index.js';

/** One line of an eval file (the fields the scorer reads; others are ignored). */
export interface EvalSample {
  id: string | number;
  /** MultiSPA subtask name, e.g. `depth_estimation_dot`, `displacement_vector`. */
  question_type: string;
  /** Optional grouping, reported as `subtasks` (when it differs from question_type). */
  task?: string;
  /** Answer value: mm / degrees / `[x, y]` in 0-999 / option letter / direction word. */
  gt_value: unknown;
  width_list?: number[];
  height_list?: number[];
  text?: string;
  [key: string]: unknown;
}

/** One line of a prediction file. */
export interface PredictionRecord {
  id: string | number;
  prediction: unknown;
}

/** Scoring options. */
export interface ScoreOptions {
  /** `'ours'` (default): gt in the answer's unit. `'multispa'`: reference-engine eval files (vector gt in metres). */
  format?: 'ours' | 'multispa';
  /** Relative tolerance of scalar/vector answers (default 0.2). */
  relativeTolerance?: number;
  /** Location tolerance as a fraction of the image width (default 0.05). */
  locationTolerance?: number;
  /** `'pixels'` (default; falls back to normalised units when a sample has no size lists) or `'normalized'`. */
  locationRule?: 'pixels' | 'normalized';
}

/** The score of one sample. */
export interface SampleScore {
  id: string | number;
  questionType: string;
  spec: AnswerSpec;
  /** The ground truth in the scorer's units (vector gt converted to mm in the multispa format). */
  gt: ParsedAnswer;
  /** The parsed prediction, or null when missing or unparseable. */
  parsed: ParsedAnswer | null;
  correct: boolean;
  /**
   * Scalar/vector: `||pred - gt|| / ||gt||` (Infinity when gt = 0 and pred != 0). Location: pixel
   * distance / W (or distance / 1000 in normalised units). Undefined for letters and words.
   */
  error?: number;
}

/** Accuracy of one group of samples. */
export interface TaskScore {
  accuracy: number;
  n: number;
  correct: number;
  unparsed: number;
  missing: number;
}

/** The result of {@link scoreEval}. */
export interface ScoreResult {
  /** Correct / total over all samples (micro average), in [0, 1]; 0 for an empty eval. */
  overall: number;
  /** Mean of the per-question_type accuracies (macro average). */
  macro: number;
  n: number;
  correct: number;
  tasks: Record<string, TaskScore>;
  /** Per `task` field, for samples whose task differs from their question_type. */
  subtasks?: Record<string, TaskScore>;
  unparsed: (string | number)[];
  missing: (string | number)[];
  unknown: (string | number)[];
  duplicates: (string | number)[];
}

/** The JSON summary written by the CLI. */
export interface ScoreSummaryJson {
  overall: number;
  tasks: Record<string, { accuracy: number; n: number }>;
  unparsed: (string | number)[];
  /** Eval ids without a prediction (scored wrong). */
  missing: (string | number)[];
  /** Prediction ids that are in no eval sample (not scored). */
  unknown: (string | number)[];
}

/**
 * How answers of a question type are parsed and compared. Known MultiSPA names are matched by the
 * patterns of the task registry's answer rules (`lib/engine/tasks/index.ts`; so
 * `tapvid3d_displacement_vector_coord_adt` is a vector too); an unknown name falls back
 * to the shape of its `gt_value` (direction word, letter, number, `[x, y]`, `[x, y, z]`).
 * @throws ERR_SPATIAL_FORMAT when neither tells.
 * @example answerSpecFor('yaw_angle', 12) // { kind: 'scalar', unit: 'deg' }
 */
export function answerSpecFor(questionType: string, gtValue?: unknown): AnswerSpec {
  const q = questionType;
  const registered = registeredAnswerSpec(q);
  if (registered) return registered;
  // Unknown name: the shape of the ground truth decides.
  if (isDirection(gtValue)) return { kind: 'direction', allowed: directionAxis(gtValue) };
  if (typeof gtValue === 'string' && /^[A-Da-d]$/.test(gtValue.trim())) return { kind: 'letter' };
  const unit: AnswerUnit = /angle|yaw|pitch|rotation/.test(q) ? 'deg' : 'mm';
  if (typeof gtValue === 'number') return { kind: 'scalar', unit };
  if (Array.isArray(gtValue) && gtValue.length === 2) return { kind: 'coordinate' };
  if (Array.isArray(gtValue) && gtValue.length === 3) return { kind: 'vector', dims: 3, unit: 'mm' };
  throw spatialError('ERR_SPATIAL_FORMAT', `cannot tell how to score question_type ${JSON.stringify(q)} (gt_value is ${describeValue(gtValue)})`);
}

function gtError(sample: EvalSample, expected: string): never {
  throw spatialError('ERR_SPATIAL_FORMAT', `Expected ${expected} for gt_value of sample ${JSON.stringify(sample.id)} (${sample.question_type}) but received ${describeValue(sample.gt_value)}`);
}

function numberList(sample: EvalSample, dims: number): number[] {
  const v = sample.gt_value;
  if (!Array.isArray(v) || v.length !== dims || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    gtError(sample, `an array of ${dims} finite numbers`);
  return v as number[];
}

/** The sample's ground truth in the scorer's units. */
function groundTruth(sample: EvalSample, spec: AnswerSpec, format: 'ours' | 'multispa'): ParsedAnswer {
  const v = sample.gt_value;
  switch (spec.kind) {
    case 'scalar': {
      const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof x !== 'number' || !Number.isFinite(x)) gtError(sample, 'a finite number');
      return { kind: 'scalar', value: x };
    }
    case 'vector': {
      const values = numberList(sample, spec.dims);
      // The reference engine stores displacement vectors in metres (its answer text is in mm);
      // the task registry's answer rules say which.
      const metres = format === 'multispa' && registeredAnswerRule(sample.question_type)?.multispaGtInMetres === true;
      return { kind: 'vector', values: metres ? values.map((x) => x * 1000) : values.slice() };
    }
    case 'coordinate': {
      const [x, y] = numberList(sample, 2);
      return { kind: 'coordinate', values: [x, y] };
    }
    case 'letter': {
      if (typeof v !== 'string' || !/^[A-Za-z]$/.test(v.trim())) gtError(sample, 'an option letter');
      return { kind: 'letter', value: v.trim().toUpperCase() };
    }
    case 'direction': {
      const d = typeof v === 'string' ? v.trim().toLowerCase() : v;
      if (!isDirection(d)) gtError(sample, 'a direction word (left, right, up, down, forward, backward)');
      return { kind: 'direction', value: d };
    }
  }
}

function checkTolerance(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected a finite number >= 0 for opts.${name} but received ${describeValue(v)}`);
  return v;
}

interface ResolvedOptions {
  format: 'ours' | 'multispa';
  relativeTolerance: number;
  locationTolerance: number;
  locationRule: 'pixels' | 'normalized';
}

function resolveOptions(opts: ScoreOptions | undefined): ResolvedOptions {
  if (opts !== undefined && (typeof opts !== 'object' || opts === null))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const format = opts?.format ?? 'ours';
  if (format !== 'ours' && format !== 'multispa')
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected 'ours' or 'multispa' for opts.format but received ${describeValue(format)}`);
  const locationRule = opts?.locationRule ?? 'pixels';
  if (locationRule !== 'pixels' && locationRule !== 'normalized')
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected 'pixels' or 'normalized' for opts.locationRule but received ${describeValue(locationRule)}`);
  return {
    format,
    locationRule,
    relativeTolerance: checkTolerance(opts?.relativeTolerance, 'relativeTolerance', 0.2),
    locationTolerance: checkTolerance(opts?.locationTolerance, 'locationTolerance', 0.05),
  };
}

/** Size of the image the answer point lies in, or null when the sample has no usable size lists. */
function answerImageSize(sample: EvalSample): { w: number; h: number } | null {
  const ws = sample.width_list, hs = sample.height_list;
  if (!Array.isArray(ws) || !Array.isArray(hs) || ws.length === 0 || ws.length !== hs.length) return null;
  const i = /visual_correspondence/.test(sample.question_type) ? ws.length - 1 : 0;
  const w = ws[i], h = hs[i];
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 && Number.isFinite(w) && Number.isFinite(h) ? { w, h } : null;
}

function compare(sample: EvalSample, gt: ParsedAnswer, pred: ParsedAnswer, o: ResolvedOptions): { correct: boolean; error?: number } {
  if (gt.kind === 'scalar' || gt.kind === 'vector') {
    const g = gt.kind === 'scalar' ? [gt.value] : gt.values;
    const p = pred.kind === 'scalar' ? [pred.value] : pred.kind === 'vector' ? pred.values : [];
    if (p.length !== g.length) return { correct: false };
    let d2 = 0, g2 = 0;
    for (let k = 0; k < g.length; k++) {
      d2 += (p[k] - g[k]) * (p[k] - g[k]);
      g2 += g[k] * g[k];
    }
    // Squared form: exact for integer mm, so exactly 20 % is decided exactly (tol^2 rounds up).
    const t = o.relativeTolerance;
    return { correct: d2 <= t * t * g2, error: g2 > 0 ? Math.sqrt(d2 / g2) : d2 === 0 ? 0 : Infinity };
  }
  if (gt.kind === 'coordinate') {
    if (pred.kind !== 'coordinate') return { correct: false };
    const dx = pred.values[0] - gt.values[0], dy = pred.values[1] - gt.values[1];
    const size = o.locationRule === 'pixels' ? answerImageSize(sample) : null;
    // Limit in 0-1000 units times W: (0.05 * 1000) * W, so that integer inputs compare exactly.
    const limitUnits = o.locationTolerance * 1000;
    if (size) {
      const px = dx * size.w, py = dy * size.h; // pixels x 1000
      const lim = limitUnits * size.w;
      return { correct: px * px + py * py <= lim * lim, error: Math.sqrt(px * px + py * py) / (1000 * size.w) };
    }
    return { correct: dx * dx + dy * dy <= limitUnits * limitUnits, error: Math.sqrt(dx * dx + dy * dy) / 1000 };
  }
  if (gt.kind === 'letter') return { correct: pred.kind === 'letter' && pred.value.toUpperCase() === gt.value };
  return { correct: pred.kind === 'direction' && pred.value === gt.value };
}

function checkSample(sample: unknown, where: string): EvalSample {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample))
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected an eval sample object for ${where} but received ${describeValue(sample)}`);
  const s = sample as Record<string, unknown>;
  if (typeof s.id !== 'string' && typeof s.id !== 'number')
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected a string or number for ${where}.id but received ${describeValue(s.id)}`);
  if (typeof s.question_type !== 'string' || s.question_type === '')
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected a question_type string for ${where} (id ${JSON.stringify(s.id)}) but received ${describeValue(s.question_type)}`);
  return s as EvalSample;
}

function predictionText(p: unknown): string | null {
  if (typeof p === 'string') return p;
  if (typeof p === 'number' && Number.isFinite(p)) return String(p);
  return null;
}

/**
 * Scores one sample against one prediction text (see the module doc for the rules).
 *
 * @param sample - an eval line: `id`, `question_type`, `gt_value`, optional `width_list`/`height_list`.
 * @param prediction - the model's answer text; `null`/`undefined` counts as missing (wrong).
 * @throws ERR_SPATIAL_FORMAT for a malformed sample or option.
 * @example
 * scoreSample({ id: 1, question_type: 'total_distance', gt_value: 1150 }, 'It moved `1.2` m.').correct // true (4.3 % off)
 */
export function scoreSample(sample: EvalSample, prediction: string | null | undefined, opts?: ScoreOptions): SampleScore {
  const o = resolveOptions(opts);
  return scoreChecked(checkSample(sample, 'sample'), prediction, o);
}

function scoreChecked(sample: EvalSample, prediction: unknown, o: ResolvedOptions): SampleScore {
  const spec = answerSpecFor(sample.question_type, sample.gt_value);
  const gt = groundTruth(sample, spec, o.format);
  const text = predictionText(prediction);
  const parsed = text === null ? null : parseAnswer(text, spec);
  const base = { id: sample.id, questionType: sample.question_type, spec, gt, parsed };
  if (parsed === null) return { ...base, correct: false };
  return { ...base, ...compare(sample, gt, parsed, o) };
}

function emptyTask(): TaskScore {
  return { accuracy: 0, n: 0, correct: 0, unparsed: 0, missing: 0 };
}

/**
 * Scores a whole eval set.
 *
 * @param gtSamples - the eval lines (ids unique).
 * @param predictions - `{ id, prediction }` lines, in any order.
 * @param opts - `format` ('ours' | 'multispa'), tolerances, `locationRule`.
 * @returns accuracy overall (micro), per `question_type`, per `task` (when present), and the ids
 *   that were unparsed, missing, unknown or duplicated. Sample order does not matter; the id lists
 *   follow the input order.
 * @throws ERR_SPATIAL_FORMAT for a malformed sample or prediction line, or a repeated sample id.
 * @example
 * const r = scoreEval(samples, predictions, { format: 'multispa' });
 * console.log(formatScoreTable(r));
 */
export function scoreEval(gtSamples: readonly EvalSample[], predictions: readonly PredictionRecord[], opts?: ScoreOptions): ScoreResult {
  const o = resolveOptions(opts);
  if (!Array.isArray(gtSamples)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of eval samples for gtSamples but received ${describeValue(gtSamples)}`);
  if (!Array.isArray(predictions)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an array of predictions for predictions but received ${describeValue(predictions)}`);
  const samples = gtSamples.map((s, i) => checkSample(s, `gtSamples[${i}]`));
  const sampleIds = new Set<string>();
  for (const s of samples) {
    const key = String(s.id);
    if (sampleIds.has(key)) throw spatialError('ERR_SPATIAL_FORMAT', `gtSamples has the id ${JSON.stringify(s.id)} more than once`);
    sampleIds.add(key);
  }
  const byId = new Map<string, unknown>();
  const unknown: (string | number)[] = [];
  const duplicates: (string | number)[] = [];
  predictions.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || (typeof p.id !== 'string' && typeof p.id !== 'number'))
      throw spatialError('ERR_SPATIAL_FORMAT', `Expected { id, prediction } for predictions[${i}] but received ${describeValue(p)}`);
    const key = String(p.id);
    if (!sampleIds.has(key)) unknown.push(p.id);
    else if (byId.has(key)) duplicates.push(p.id);
    else byId.set(key, p.prediction);
  });

  const tasks: Record<string, TaskScore> = {};
  const subtasks: Record<string, TaskScore> = {};
  const unparsed: (string | number)[] = [];
  const missing: (string | number)[] = [];
  let correct = 0;
  for (const s of samples) {
    const key = String(s.id);
    const has = byId.has(key);
    const score = scoreChecked(s, has ? byId.get(key) : undefined, o);
    const groups = [(tasks[s.question_type] ??= emptyTask())];
    // A task name that merely repeats the question_type adds nothing to the per-type table.
    if (typeof s.task === 'string' && s.task !== '' && s.task !== s.question_type) groups.push((subtasks[s.task] ??= emptyTask()));
    for (const g of groups) {
      g.n++;
      if (score.correct) g.correct++;
      if (!has) g.missing++;
      else if (score.parsed === null) g.unparsed++;
    }
    if (score.correct) correct++;
    if (!has) missing.push(s.id);
    else if (score.parsed === null) unparsed.push(s.id);
  }
  for (const g of [...Object.values(tasks), ...Object.values(subtasks)]) g.accuracy = g.n > 0 ? g.correct / g.n : 0;
  const taskList = Object.values(tasks);
  const result: ScoreResult = {
    overall: samples.length > 0 ? correct / samples.length : 0,
    macro: taskList.length > 0 ? taskList.reduce((acc, t) => acc + t.accuracy, 0) / taskList.length : 0,
    n: samples.length,
    correct,
    tasks: sortKeys(tasks),
    unparsed,
    missing,
    unknown,
    duplicates,
  };
  if (Object.keys(subtasks).length > 0) result.subtasks = sortKeys(subtasks);
  return result;
}

function sortKeys<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k]]));
}

/**
 * The JSON summary `{ overall, tasks: { <question_type>: { accuracy, n } }, unparsed, missing,
 * unknown }` (accuracies in [0, 1]; the id lists in input order).
 */
export function scoreSummaryJson(result: ScoreResult): ScoreSummaryJson {
  return {
    overall: result.overall,
    tasks: Object.fromEntries(Object.entries(result.tasks).map(([k, t]) => [k, { accuracy: t.accuracy, n: t.n }])),
    unparsed: result.unparsed.slice(),
    missing: result.missing.slice(),
    unknown: result.unknown.slice(),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function tableRows(result: ScoreResult): string[][] {
  const rows = Object.entries(result.tasks).map(([k, t]) => [k, String(t.n), String(t.correct), pct(t.accuracy)]);
  if (result.subtasks) for (const [k, t] of Object.entries(result.subtasks)) rows.push([`task ${k}`, String(t.n), String(t.correct), pct(t.accuracy)]);
  return rows;
}

function listLine(label: string, ids: (string | number)[]): string {
  const shown = ids.slice(0, 10).map((id) => JSON.stringify(id)).join(', ');
  return `${label}: ${ids.length}${ids.length > 0 ? ` (${shown}${ids.length > 10 ? ', ...' : ''})` : ''}`;
}

/**
 * A plain-text table for the terminal: one row per question_type (then per task), the overall
 * (micro) and mean-over-types (macro) accuracy, and the counts of unparsed / missing / unknown ids.
 */
export function formatScoreTable(result: ScoreResult): string {
  const head = ['question_type', 'n', 'correct', 'accuracy'];
  const rows = tableRows(result);
  const foot = [
    ['overall', String(result.n), String(result.correct), pct(result.overall)],
    ['mean over types', '', '', pct(result.macro)],
  ];
  const all = [head, ...rows, ...foot];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    fmt(head), rule, ...rows.map(fmt), rule, ...foot.map(fmt), '',
    listLine('unparsed', result.unparsed), listLine('missing', result.missing), listLine('unknown ids', result.unknown),
    ...(result.duplicates.length > 0 ? [listLine('duplicate predictions (first kept)', result.duplicates)] : []),
  ].join('\n');
}

/** The same table in GitHub Markdown (for the README and reports). */
export function formatScoreMarkdown(result: ScoreResult): string {
  const lines = ['| question_type | n | correct | accuracy |', '|---|---:|---:|---:|'];
  for (const r of tableRows(result)) lines.push(`| ${r[0]} | ${r[1]} | ${r[2]} | ${r[3]} |`);
  lines.push(`| **overall** | ${result.n} | ${result.correct} | **${pct(result.overall)}** |`);
  lines.push(`| mean over types | | | ${pct(result.macro)} |`);
  lines.push('', `Unparsed: ${result.unparsed.length}, missing: ${result.missing.length}, unknown ids: ${result.unknown.length}.`);
  return lines.join('\n');
}

/**
 * Parses JSON Lines text (eval or prediction files): one JSON value per non-blank line.
 * @throws ERR_SPATIAL_FORMAT naming the line that is not valid JSON.
 */
export function parseJsonLines(text: string, name = 'input'): unknown[] {
  if (typeof text !== 'string') throw spatialError('ERR_SPATIAL_TYPE', `Expected a string for ${name} but received ${describeValue(text)}`);
  const out: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw spatialError('ERR_SPATIAL_FORMAT', `${name} line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
  });
  return out;
}
