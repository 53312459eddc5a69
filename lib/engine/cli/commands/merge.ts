/**
 * `spatial-geom merge`: merges a dataset's shards into its splits and manifest.
 * @module
 */
import type { Command } from 'commander';
import { DATASET_DEFAULTS } from '../../dataset.js';
import { lockOutput } from '../../output.js';
import { mergeAndReport, verifyArg } from '../generation.js';
import { requireOut } from '../shared.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description("merge a dataset's finished shards into qa_train.jsonl, qa_eval.jsonl, by_type/, the dataset card and manifest.json")
    .option('--out <DIR>', 'the dataset folder')
    .option('--verify <MODE>', 'check the sha256 of every shard file (all) or of the JSONL only (jsonl)', verifyArg, DATASET_DEFAULTS.verify)
    .option('--single-image-as-string', 'in the merged qa_train.jsonl / qa_eval.jsonl, one-image samples get "image": "path" (LLaVA-1.5) instead of a list')
    .action(async (values: { out?: string; verify: 'all' | 'jsonl'; singleImageAsString?: boolean }) => {
      const out = requireOut(values.out);
      const lock = await lockOutput(out, 'merge');
      try {
        await mergeAndReport(out, values.verify, values.singleImageAsString === true);
      } finally {
        lock.release();
      }
    });
}
