/**
 * `spatial-geom queue submit|status`: a dataset's units through a BullMQ queue (README: Scale out).
 * @module
 */
import type { Command } from 'commander';
import { completedKeys, readPlan } from '../../dataset.js';
import { lockOutput } from '../../output.js';
import { DEFAULT_QUEUE, QUEUE_DEFAULTS } from '../../queue-defaults.js';
import { addDatasetOptions, datasetUnits, type DatasetValues, mergeAndReport } from '../generation.js';
import { addRedisOptions, queueModule, redisTarget, type RedisValues } from '../queue-options.js';
import { intArg, logLine, progressBars, requireOut } from '../shared.js';

interface SubmitValues extends DatasetValues, RedisValues {
  attempts: number;
  backoffMs: number;
  wait: boolean;
  pollMs: number;
  merge: boolean;
}

export function register(program: Command): void {
  const queue = program.command('queue').description("a dataset's units through a Redis (BullMQ) queue: submit them, see where they stand");
  const submit = queue.command('submit').description("queue a dataset's units for `spatial-geom worker` processes (and with --wait, merge when done)");
  addDatasetOptions(submit);
  addRedisOptions(submit)
    .option('--attempts <N>', 'tries per unit', intArg('--attempts'), QUEUE_DEFAULTS.attempts)
    .option('--backoff-ms <MS>', 'first retry delay, doubling each attempt', intArg('--backoff-ms', 0), QUEUE_DEFAULTS.backoffMs)
    .option('--wait', 'wait until every unit is done, then merge', false)
    .option('--poll-ms <MS>', '--wait: how often to check', intArg('--poll-ms'), QUEUE_DEFAULTS.pollMs)
    .option('--no-merge', '--wait: leave the shards unmerged')
    .action((values: SubmitValues) => queueSubmit(values));
  const status = queue.command('status').description("the queue's job counts, and with --out the dataset's units done");
  addRedisOptions(status)
    .option('--out <DIR>', 'the dataset folder')
    .action((values: RedisValues & { out?: string }) => queueStatus(values));
}

async function queueStatus(values: RedisValues & { out?: string }): Promise<void> {
  const { queueCounts, resolveQueueTarget } = await queueModule();
  const counts = await queueCounts(await resolveQueueTarget(redisTarget(values)));
  process.stdout.write(`queue ${values.queue ?? DEFAULT_QUEUE}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  if (values.out) {
    const out = requireOut(values.out);
    const plan = await readPlan(out);
    const done = await completedKeys(out);
    process.stdout.write(`${out}: ${plan.units.filter((u) => done.has(u.key)).length} of ${plan.units.length} units done\n`);
  }
}

async function queueSubmit(values: SubmitValues): Promise<void> {
  const { resolveQueueTarget, submitUnits, waitForUnits } = await queueModule();
  const target = await resolveQueueTarget(redisTarget(values));
  const out = requireOut(values.out);
  const { units, evalPerType } = await datasetUnits(values);
  const submit = { ...target, attempts: values.attempts, backoffMs: values.backoffMs, evalPerType };
  const r = await submitUnits(units, out, submit);
  process.stdout.write(`queue ${target.queue ?? DEFAULT_QUEUE}: ${r.queued} units queued, ${r.retried} failed ones retried, ${r.done} already done, of ${units.length}\n`);
  if (!values.wait) return;
  const bars = progressBars();
  await waitForUnits(units, out, { ...submit, pollMs: values.pollMs, progress: (done, total) => bars.progress?.('units', done, total), log: logLine }).finally(() => bars.stop());
  process.stdout.write(`all ${units.length} units done\n`);
  if (!values.merge) return;
  const lock = await lockOutput(out, 'merge');
  try {
    await mergeAndReport(out, undefined, values.singleImageAsString);
  } finally {
    lock.release();
  }
}
