/**
 * Queue mode's defaults, in a module without bullmq so that the CLI's `--help` can print them
 * without loading the optional peer dependency (`./queue.js` applies them).
 * @module
 */

/** The default BullMQ queue name. */
export const DEFAULT_QUEUE = 'spatial-geom';

/** The defaults of queue submission, waiting and workers. */
export const QUEUE_DEFAULTS = {
  /** Tries per unit before it is marked failed. */
  attempts: 3,
  /** First retry delay (ms), doubling each attempt. */
  backoffMs: 1000,
  /** How often `--wait` checks the shards and the queue (ms). */
  pollMs: 1000,
  /** Units one worker process runs at once. */
  concurrency: 1,
  /** A job's lock (ms): a worker that dies loses it after this. */
  lockMs: 30_000,
  /** How often stalled jobs are looked for (ms). */
  stalledMs: 30_000,
  /** Stalls before a job fails. */
  maxStalled: 3,
} as const;
