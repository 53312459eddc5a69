/**
 * `spatial-geom dataset`: a dataset of many scenes as units, run here or as one shard of a
 * batch-job array (README: Scale out).
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { assertUnlocked } from '../../../io/lock.js';
import { DATASET_DEFAULTS, parseShardArg, shardsDir, shardUnits, type Unit, writePlan } from '../../dataset.js';
import { LOCK_FILE, lockOutput } from '../../output.js';
import { RUN_UNITS_DEFAULTS, runUnits } from '../../pool.js';
import { addDatasetOptions, datasetUnits, type DatasetValues, mergeAndReport, verifyArg } from '../generation.js';
import { intArg, progressBars, requireOut, usageError } from '../shared.js';

/** `--shard I/N` ({@link parseShardArg}'s check, as a usage error). */
function shardArg(s: string): { index: number; count: number } {
  try {
    return parseShardArg(s);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

interface DatasetCommandValues extends DatasetValues {
  shard?: { index: number; count: number };
  workers: number;
  merge: boolean;
  verify: 'all' | 'jsonl';
}

export function register(program: Command): void {
  const cmd = program
    .command('dataset')
    .description('generate a dataset of many scenes as units (one per scene, or per scene and task family), resumable, then merge them');
  addDatasetOptions(cmd)
    .option('--shard <I/N>', 'run only shard I of N (a batch-job array); merge when all have finished', shardArg)
    .option('--workers <K>', 'units run at once (worker threads)', intArg('--workers'), RUN_UNITS_DEFAULTS.workers)
    .option('--no-merge', 'leave the shards unmerged')
    .option('--verify <MODE>', 'merge checks the sha256 of every shard file (all) or of the JSONL only (jsonl)', verifyArg, DATASET_DEFAULTS.verify)
    .action((values: DatasetCommandValues) => dataset(values));
}

async function dataset(values: DatasetCommandValues): Promise<void> {
  const out = requireOut(values.out);
  const { shard } = values;
  const { units, evalPerType } = await datasetUnits(values);
  const mine = shard ? shardUnits(units, shard.index, shard.count) : units;
  // Copies of one array share OUT by design (each holds its own slot's lock); a whole run holds OUT.
  const sharded = shard !== undefined && shard.count > 1;
  const lock = await lockOutput(out, 'dataset', sharded ? `.spatial-geom.shard-${shard.index}-of-${shard.count}.lock` : undefined);
  try {
    if (sharded) assertUnlocked(join(out, LOCK_FILE));
    await datasetLocked(values, out, units, mine, shard, evalPerType);
  } finally {
    lock.release();
  }
}

async function datasetLocked(
  values: DatasetCommandValues, out: string, units: Unit[], mine: Unit[], shard: { index: number; count: number } | undefined, evalPerType?: number,
): Promise<void> {
  const { workers } = values;
  await writePlan(out, units, { evalPerType });
  const bars = progressBars();
  const t = performance.now();
  const results = await runUnits(mine, out, { workers, onUnit: (_, done, total) => bars.progress?.('units', done, total) }).finally(() => bars.stop());
  const done = results.filter((r) => r.status === 'done').length;
  const minutes = (performance.now() - t) / 60_000;
  process.stdout.write(`${shard ? `shard ${shard.index}/${shard.count}: ` : ''}${mine.length} of ${units.length} units: ${done} generated, ${mine.length - done} already done` +
    `${done ? ` (${(done / minutes).toFixed(1)} units/min on ${workers} worker${workers > 1 ? 's' : ''})` : ''} -> ${shardsDir(out)}\n`);
  if (shard && shard.count > 1) process.stdout.write(`when every shard has finished: spatial-geom merge --out ${out}\n`);
  else if (values.merge) await mergeAndReport(out, values.verify, values.singleImageAsString);
}
