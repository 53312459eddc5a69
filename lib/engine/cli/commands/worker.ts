/**
 * `spatial-geom worker`: runs queued units until stopped (README: Scale out).
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_QUEUE, QUEUE_DEFAULTS } from '../../queue-defaults.js';
import { redactUrl } from '../../redact.js';
import { addRedisOptions, queueModule, redisTarget, type RedisValues } from '../queue-options.js';
import { collect, intArg } from '../shared.js';

interface WorkerValues extends RedisValues {
  out?: string[];
  allowRoot?: string[];
  concurrency: number;
  lockMs?: number;
  stalledMs?: number;
  maxStalled?: number;
}

export function register(program: Command): void {
  const cmd = program.command('worker').description('run queued units until SIGINT or SIGTERM (then finish the units in flight)');
  addRedisOptions(cmd)
    .option('--out <DIR>', 'a dataset output this worker writes (repeatable)', collect)
    .option('--allow-root <DIR>', 'scene paths of jobs must lie under one of these (repeatable)', collect)
    .option('--concurrency <K>', 'units run at once', intArg('--concurrency'), QUEUE_DEFAULTS.concurrency)
    .option('--lock-ms <MS>', `a job's lock; a worker that dies loses it after this (default: ${QUEUE_DEFAULTS.lockMs})`, intArg('--lock-ms', 100))
    .option('--stalled-ms <MS>', `how often stalled jobs are looked for (default: ${QUEUE_DEFAULTS.stalledMs})`, intArg('--stalled-ms', 100))
    .option('--max-stalled <N>', `stalls before a job fails (default: ${QUEUE_DEFAULTS.maxStalled})`, intArg('--max-stalled', 0))
    .action((values: WorkerValues) => worker(values));
}

async function worker(values: WorkerValues): Promise<void> {
  const { resolveQueueTarget, startQueueWorker } = await queueModule();
  const target = await resolveQueueTarget(redisTarget(values));
  const prefix = `worker ${process.pid}: `;
  const w = await startQueueWorker({
    ...target, outs: values.out ?? [], allowRoots: values.allowRoot, concurrency: values.concurrency, lockMs: values.lockMs,
    stalledMs: values.stalledMs, maxStalled: values.maxStalled, log: (l) => process.stdout.write(prefix + l + '\n'),
  });
  process.stdout.write(`${prefix}queue ${target.queue ?? DEFAULT_QUEUE} at ${redactUrl(target.redis)}, writing ${(values.out ?? []).map((d) => resolve(d)).join(', ')}, concurrency ${values.concurrency}; stop with Ctrl-C (SIGINT) or SIGTERM\n`);
  const signal = await new Promise<string>((res) => {
    process.once('SIGINT', () => res('SIGINT'));
    process.once('SIGTERM', () => res('SIGTERM'));
  });
  process.stdout.write(`${prefix}${signal}: finishing the units in flight\n`);
  await w.close();
}
