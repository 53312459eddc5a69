/**
 * `spatial-geom eval`: scores a model's predictions against an eval split. Predictions may be in
 * any layout of {@link PREDICTION_LAYOUTS} (told from the file) or name their keys.
 * @module
 */
import type { Command } from 'commander';
import { spatialError } from '../../../errors.js';
import {
  type EvalSample, formatScoreMarkdown, formatScoreTable, parseJsonLines, PREDICTION_LAYOUTS, type PredictionLayout, readPredictions, scoreEval, scoreSummaryJson,
} from '../../scoring/index.js';
import { choiceArg, logLine, readTextFile } from '../shared.js';

interface EvalValues {
  gt?: string;
  pred?: string;
  format: 'ours' | 'multispa';
  layout?: PredictionLayout;
  idKey?: string;
  predKey?: string;
  strict: boolean;
  json: boolean;
  markdown: boolean;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description("score a model's predictions against an eval split (accuracy per question type); eval ids without a prediction count as wrong")
    .option('--gt <FILE>', 'the eval split (qa_eval.jsonl)')
    .option('--pred <FILE>', 'predictions JSONL: {id, prediction}, LLaVA model_vqa {question_id, text}, {question_id, answer}, or lmms-eval --log_samples lines')
    .option('--format <F>', "answer rules: ours or multispa (the reference engine's)", choiceArg('--format', ['ours', 'multispa'] as const), 'ours')
    .option('--layout <L>', `prediction layout: ${PREDICTION_LAYOUTS.join(', ')} (default: told from the first line)`, choiceArg('--layout', PREDICTION_LAYOUTS))
    .option('--id-key <KEY>', 'the id key of the predictions (dotted path for nested objects, e.g. doc.id)')
    .option('--pred-key <KEY>', 'the prediction key of the predictions (dotted path)')
    .option('--strict', 'exit 1 when an eval id has no prediction or a prediction id is in no eval sample', false)
    .option('--json', 'print { overall, tasks, unparsed, missing, unknown } as one JSON object', false)
    .option('--markdown', 'print the scores as a Markdown table', false)
    .action((values: EvalValues) => evaluate(values));
}

async function evaluate(values: EvalValues): Promise<void> {
  const gt = parseJsonLines(await readTextFile(values.gt, '--gt'), values.gt) as EvalSample[];
  const rows = parseJsonLines(await readTextFile(values.pred, '--pred'), values.pred);
  const pred = readPredictions(rows, { layout: values.layout, idKey: values.idKey, predKey: values.predKey, name: values.pred });
  logLine(`--pred ${values.pred}: ${pred.records.length} predictions, ${pred.layout} layout (id ${pred.idKey}, prediction ${pred.predKey})`);
  const result = scoreEval(gt, pred.records, { format: values.format });
  if (values.json) process.stdout.write(JSON.stringify(scoreSummaryJson(result)) + '\n');
  else process.stdout.write((values.markdown ? formatScoreMarkdown(result) : formatScoreTable(result)) + '\n');
  const { missing, unknown } = result;
  if (missing.length) logLine(`warning: ${missing.length} of ${result.n} eval ids have no prediction (scored wrong): ${listIds(missing)}`);
  if (unknown.length) logLine(`warning: ${unknown.length} prediction ids are in no eval sample (not scored): ${listIds(unknown)}`);
  if (values.strict && (missing.length || unknown.length))
    throw spatialError('ERR_SPATIAL_FORMAT', `--strict: ${missing.length} eval ids without a prediction, ${unknown.length} prediction ids not in ${values.gt}`);
}

function listIds(ids: (string | number)[]): string {
  return ids.slice(0, 20).map((id) => JSON.stringify(id)).join(', ') + (ids.length > 20 ? `, ... (all of them in --json)` : '');
}
