/**
 * Prediction files as models and harnesses write them, read into `{ id, prediction }` records for
 * {@link scoreEval}. The layout is told from the first record (or given), then every record must
 * fit it:
 *
 * | layout | written by | id | prediction |
 * |---|---|---|---|
 * | `ours` | this package's format | `id` | `prediction` |
 * | `llava` | LLaVA `model_vqa*.py` answers files | `question_id` | `text` |
 * | `vqa` | LLaVA's `convert_*_for_submission.py`, VQAv2-style answers | `question_id` | `answer` |
 * | `lmms-eval` | lmms-eval `--log_samples` (`samples_*.jsonl`) | `doc.id`, else `doc.question_id`, else `doc_id` | `filtered_resps[0]`, else `resps[0][0]` |
 *
 * `idKey` / `predKey` (CLI `--id-key` / `--pred-key`) name other keys; a dotted path reads into
 * nested objects (`doc.id`). lmms-eval's `doc_id` is the row's index in the evaluated split, so it
 * matches an eval file only when the sample ids are those indices; its `doc` (the row without
 * images) carries the sample's own `id` when the split was an eval file of this package.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { PredictionRecord } from './score.js';

/** The prediction layouts {@link readPredictions} recognises. */
export const PREDICTION_LAYOUTS = ['ours', 'llava', 'vqa', 'lmms-eval'] as const;
/** A prediction layout name. */
export type PredictionLayout = (typeof PREDICTION_LAYOUTS)[number];

/** Options of {@link readPredictions}. */
export interface ReadPredictionsOptions {
  /** The layout; default: told from the first record. */
  layout?: PredictionLayout;
  /** The id's key (dotted path for nested objects), overriding the layout's. */
  idKey?: string;
  /** The prediction's key (dotted path), overriding the layout's. */
  predKey?: string;
  /** The file's name, for messages. */
  name?: string;
}

/** What {@link readPredictions} read. */
export interface ReadPredictions {
  /** The layout used (`custom` when both keys were given). */
  layout: PredictionLayout | 'custom';
  /** The id and prediction keys, as a message names them (`question_id`, `filtered_resps[0]`). */
  idKey: string;
  predKey: string;
  records: PredictionRecord[];
}

type Pick = (r: Record<string, unknown>) => unknown;

/** A dotted path's value, undefined where a step is missing. */
function atPath(path: string): Pick {
  const steps = path.split('.');
  return (r) => {
    let v: unknown = r;
    for (const s of steps) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[s];
    }
    return v;
  };
}

/** The first element, repeatedly, of nested arrays (lmms-eval's per-request response lists). */
function firstLeaf(v: unknown): unknown {
  while (Array.isArray(v)) v = v[0];
  return v;
}

const docOrIndex: Pick = (r) => {
  const doc = r.doc as Record<string, unknown> | undefined;
  for (const k of ['id', 'question_id']) {
    const v = typeof doc === 'object' && doc !== null ? doc[k] : undefined;
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return r.doc_id;
};

const LAYOUTS: Record<PredictionLayout, { idKey: string; predKey: string; id: Pick; pred: Pick; detect: (r: Record<string, unknown>) => boolean }> = {
  ours: { idKey: 'id', predKey: 'prediction', id: atPath('id'), pred: atPath('prediction'), detect: (r) => 'id' in r && 'prediction' in r },
  llava: { idKey: 'question_id', predKey: 'text', id: atPath('question_id'), pred: atPath('text'), detect: (r) => 'question_id' in r && 'text' in r },
  vqa: { idKey: 'question_id', predKey: 'answer', id: atPath('question_id'), pred: atPath('answer'), detect: (r) => 'question_id' in r && 'answer' in r },
  'lmms-eval': {
    idKey: 'doc.id|doc.question_id|doc_id', predKey: 'filtered_resps[0]|resps[0][0]', id: docOrIndex,
    pred: (r) => (r.filtered_resps !== undefined ? firstLeaf(r.filtered_resps) : firstLeaf(r.resps)),
    detect: (r) => 'doc_id' in r && ('filtered_resps' in r || 'resps' in r),
  },
};

/** The layout of a prediction record, or undefined when none fits. */
export function detectPredictionLayout(record: unknown): PredictionLayout | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  return PREDICTION_LAYOUTS.find((l) => LAYOUTS[l].detect(record as Record<string, unknown>));
}

/**
 * Prediction records in any of {@link PREDICTION_LAYOUTS} (or with the given keys) as
 * `{ id, prediction }`, in file order.
 * @param rows - the parsed JSON lines ({@link parseJsonLines}).
 * @throws ERR_SPATIAL_FORMAT when the first record fits no layout (naming the keys it has and the
 *   layouts), or a record lacks its id (naming the line) or has a non-string, non-number id.
 * @example readPredictions([{ question_id: 3, text: 'B' }]).records // [{ id: 3, prediction: 'B' }]
 */
export function readPredictions(rows: readonly unknown[], opts: ReadPredictionsOptions = {}): ReadPredictions {
  const name = opts.name ?? 'predictions';
  let layout: PredictionLayout | 'custom';
  if (opts.layout !== undefined) {
    if (!PREDICTION_LAYOUTS.includes(opts.layout)) throw spatialError('ERR_SPATIAL_FORMAT', `Expected a prediction layout (${PREDICTION_LAYOUTS.join(', ')}) but received ${describeValue(opts.layout)}`);
    layout = opts.layout;
  } else if (opts.idKey !== undefined && opts.predKey !== undefined) layout = 'custom';
  else if (rows.length === 0) layout = 'ours';
  else {
    const found = detectPredictionLayout(rows[0]);
    const keys = typeof rows[0] === 'object' && rows[0] !== null ? Object.keys(rows[0]) : [];
    // One key given: the other may come from a layout that fits, or must be given too.
    if (!found && (opts.idKey === undefined) === (opts.predKey === undefined))
      throw spatialError('ERR_SPATIAL_FORMAT',
        `${name} line 1: cannot tell the prediction layout from its keys (${keys.join(', ') || describeValue(rows[0])}); expected ` +
        `${PREDICTION_LAYOUTS.map((l) => `${l} {${LAYOUTS[l].idKey}, ${LAYOUTS[l].predKey}}`).join(', ')}, or give --id-key and --pred-key`);
    if (!found) throw spatialError('ERR_SPATIAL_FORMAT', `${name} line 1: no known layout fits its keys (${keys.join(', ')}); give both --id-key and --pred-key`);
    layout = found;
  }
  const base = layout === 'custom' ? undefined : LAYOUTS[layout];
  const idKey = opts.idKey ?? base!.idKey, predKey = opts.predKey ?? base!.predKey;
  const id = opts.idKey !== undefined ? atPath(opts.idKey) : base!.id;
  const pred = opts.predKey !== undefined ? atPath(opts.predKey) : base!.pred;
  const records = rows.map((r, i): PredictionRecord => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} line ${i + 1}: expected a JSON object but received ${describeValue(r)}`);
    const v = id(r as Record<string, unknown>);
    if (typeof v !== 'string' && typeof v !== 'number')
      throw spatialError('ERR_SPATIAL_FORMAT', `${name} line ${i + 1}: expected an id (string or number) at ${idKey} (${layout} layout) but received ${describeValue(v)}`);
    return { id: v, prediction: pred(r as Record<string, unknown>) };
  });
  return { layout, idKey, predKey, records };
}
