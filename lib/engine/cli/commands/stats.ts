/**
 * `spatial-geom stats FILE.jsonl`: samples per question type and a summary of their answers.
 * @module
 */
import type { Command } from 'commander';
import { spatialError } from '../../../errors.js';
import { readTextFile } from '../shared.js';

/** One question type's count and answer summary. */
interface TypeStats {
  count: number;
  /** Numeric answers: min, median, max. */
  gt?: { min: number; median: number; max: number };
  /** Word answers (yes/no, letters): count per answer. */
  answers?: Record<string, number>;
}

export function register(program: Command): void {
  program
    .command('stats')
    .description('samples per question type of a QA JSONL file, with a summary of the answers (gt_value)')
    .argument('<file>', 'a QA JSONL file (qa_train.jsonl, qa_eval.jsonl)')
    .option('--json', 'print { types: { TYPE: { count, gt | answers } }, total } as one JSON object', false)
    .action((file: string, values: { json: boolean }) => stats(file, values));
}

async function stats(file: string, values: { json: boolean }): Promise<void> {
  const text = await readTextFile(file, 'stats');
  const byType = new Map<string, unknown[]>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let s: { question_type?: string; gt_value?: unknown };
    try {
      s = JSON.parse(line);
    } catch {
      throw spatialError('ERR_SPATIAL_FORMAT', `${file}:${i + 1}: not valid JSON`);
    }
    if (typeof s.question_type !== 'string') throw spatialError('ERR_SPATIAL_FORMAT', `${file}:${i + 1}: missing question_type`);
    const e = byType.get(s.question_type) ?? [];
    e.push(s.gt_value);
    byType.set(s.question_type, e);
  });
  const types: Record<string, TypeStats> = {};
  let total = 0;
  for (const [type, values] of [...byType].sort()) {
    total += values.length;
    const t: TypeStats = { count: values.length };
    const nums = values.filter((v): v is number => typeof v === 'number');
    const words = values.filter((v): v is string => typeof v === 'string');
    if (nums.length) {
      nums.sort((a, b) => a - b);
      t.gt = { min: nums[0], median: nums[nums.length >> 1], max: nums[nums.length - 1] };
    } else if (words.length) {
      const c = new Map<string, number>();
      for (const w of words) c.set(w, (c.get(w) ?? 0) + 1);
      t.answers = Object.fromEntries([...c].sort());
    }
    types[type] = t;
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ file, types, total }) + '\n');
    return;
  }
  for (const [type, t] of Object.entries(types)) {
    const summary = t.gt ? `gt min ${t.gt.min}, median ${t.gt.median}, max ${t.gt.max}` : t.answers ? Object.entries(t.answers).map(([w, n]) => `${w} ${n}`).join(', ') : '';
    process.stdout.write(`${type.padEnd(42)} ${String(t.count).padStart(6)}  ${summary}\n`);
  }
  process.stdout.write(`${'total'.padEnd(42)} ${String(total).padStart(6)}\n`);
}
