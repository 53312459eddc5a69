/**
 * `spatial-geom eval`: scores a model's predictions against an eval split.
 * @module
 */
import type { Command } from 'commander';
import { type EvalSample, formatScoreMarkdown, formatScoreTable, parseJsonLines, type PredictionRecord, scoreEval, scoreSummaryJson } from '../../scoring/index.js';
import { choiceArg, readTextFile } from '../shared.js';

interface EvalValues {
  gt?: string;
  pred?: string;
  format: 'ours' | 'multispa';
  json: boolean;
  markdown: boolean;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description("score a model's predictions against an eval split (accuracy per question type)")
    .option('--gt <FILE>', 'the eval split (qa_eval.jsonl)')
    .option('--pred <FILE>', 'predictions JSONL')
    .option('--format <F>', "answer rules: ours or multispa (the reference engine's)", choiceArg('--format', ['ours', 'multispa'] as const), 'ours')
    .option('--json', 'print the scores as one JSON object', false)
    .option('--markdown', 'print the scores as a Markdown table', false)
    .action((values: EvalValues) => evaluate(values));
}

async function evaluate(values: EvalValues): Promise<void> {
  const gt = parseJsonLines(await readTextFile(values.gt, '--gt'), values.gt) as EvalSample[];
  const pred = parseJsonLines(await readTextFile(values.pred, '--pred'), values.pred) as PredictionRecord[];
  const result = scoreEval(gt, pred, { format: values.format });
  if (values.json) process.stdout.write(JSON.stringify(scoreSummaryJson(result)) + '\n');
  else process.stdout.write((values.markdown ? formatScoreMarkdown(result) : formatScoreTable(result)) + '\n');
}
