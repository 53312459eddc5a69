/**
 * Queue mode: dataset units as BullMQ jobs over Redis. `submit` enqueues one job per unit (job id =
 * unit key, so resubmitting is idempotent); any number of {@link startQueueWorker} processes, on any
 * machines that see the same output directory, take them. BullMQ gives retries with backoff
 * (`attempts`), stalled-job recovery (a worker that dies loses its lock after `lockMs`, and another
 * worker's stall check puts the job back), and progress (`job.updateProgress`). Workers reconnect
 * when Redis comes back (ioredis retries for ever; `maxRetriesPerRequest: null` as BullMQ requires).
 *
 * Completion is read from the shared filesystem (a unit is done when its shard exists), so
 * {@link waitForUnits} keeps counting while Redis is down, and re-enqueues units whose jobs Redis
 * lost (a restart without persistence).
 * @module
 */
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type JobsOptions } from 'bullmq';
import { resolve } from 'node:path';
import { spatialError } from '../errors.js';
import { completedKeys, type Unit, type UnitResult, unitKey, writePlan } from './dataset.js';
import { UnitPool } from './pool.js';

/** The default BullMQ queue name. */
export const DEFAULT_QUEUE = 'spatial-geom';

/** A job's data: the unit and the (shared) output directory. */
export interface UnitJobData {
  unit: Unit;
  out: string;
}

/** Where the queue lives. */
export interface QueueTarget {
  /** `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS). */
  redis: string;
  /** BullMQ queue name [{@link DEFAULT_QUEUE}]. */
  queue?: string;
}

/**
 * Connection options from a Redis URL.
 * @throws ERR_SPATIAL_FORMAT naming `--redis` when the URL is not `redis://` or `rediss://` with a
 *   host, a port in 1..65535 and a numeric database.
 */
export function parseRedisUrl(url: string): { host: string; port: number; db: number; username?: string; password?: string; tls?: object } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw spatialError('ERR_SPATIAL_FORMAT', `--redis must be a URL redis://host[:port][/db] (got ${url})`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw spatialError('ERR_SPATIAL_FORMAT', `--redis must use redis:// or rediss:// (got ${url})`);
  if (!u.hostname) throw spatialError('ERR_SPATIAL_FORMAT', `--redis has no host (got ${url})`);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw spatialError('ERR_SPATIAL_FORMAT', `--redis database must be a number (got ${url})`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port, db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function queueName(t: QueueTarget): string {
  const name = t.queue ?? DEFAULT_QUEUE;
  if (!/^[\w.-]+$/.test(name)) throw spatialError('ERR_SPATIAL_FORMAT', `--queue must be letters, digits, '_', '.' or '-' (got ${name})`);
  return name;
}

/** Reconnect every 0.5 s, backing off to 5 s, for ever. */
const retryStrategy = (times: number): number => Math.min(500 * times, 5000);

/** A Queue handle for producers and supervisors: commands fail fast while Redis is down. */
function openQueue(t: QueueTarget): Queue<UnitJobData> {
  const connection: ConnectionOptions = { ...parseRedisUrl(t.redis), maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy };
  const queue = new Queue<UnitJobData>(queueName(t), { connection });
  queue.on('error', () => {}); // reported by the calls that fail
  return queue;
}

async function closeQuietly(queue: Queue): Promise<void> {
  await Promise.race([queue.close().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  await queue.disconnect().catch(() => {});
}

/** Whether the queue's connection became ready within `ms`. */
async function ready(queue: Queue, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([queue.waitUntilReady().then(() => true, () => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function connected<T>(t: QueueTarget, fn: (q: Queue<UnitJobData>) => Promise<T>): Promise<T> {
  const queue = openQueue(t);
  try {
    if (!(await ready(queue, 10_000))) throw spatialError('ERR_SPATIAL_IO', `--redis: cannot reach ${t.redis} (waited 10 s)`);
    return await fn(queue);
  } finally {
    await closeQuietly(queue);
  }
}

/** Options of {@link submitUnits}. */
export interface SubmitOptions extends QueueTarget {
  /** Attempts per unit before it is marked failed [3]. */
  attempts?: number;
  /** First retry delay (ms), doubling each attempt [1000]. */
  backoffMs?: number;
}

function jobOptions(unit: Unit, o: SubmitOptions): JobsOptions {
  return { jobId: unit.key, attempts: o.attempts ?? 3, backoff: { type: 'exponential', delay: o.backoffMs ?? 1000 }, removeOnComplete: true, removeOnFail: false };
}

async function addUnits(queue: Queue<UnitJobData>, units: Unit[], out: string, o: SubmitOptions): Promise<void> {
  for (let i = 0; i < units.length; i += 500)
    await queue.addBulk(units.slice(i, i + 500).map((unit) => ({ name: 'unit', data: { unit, out }, opts: jobOptions(unit, o) })));
}

/**
 * Writes `out/plan.json` and enqueues every unit whose shard does not exist yet. A unit already
 * queued is not queued twice (job id = key); one that had failed is retried.
 * @returns how many units were queued, retried, and found done.
 */
export async function submitUnits(units: Unit[], out: string, o: SubmitOptions): Promise<{ queued: number; retried: number; done: number }> {
  out = resolve(out);
  return connected(o, async (queue) => {
    await writePlan(out, units);
    const done = await completedKeys(out);
    const todo = units.filter((u) => !done.has(u.key));
    let retried = 0;
    const keys = new Set(todo.map((u) => u.key));
    for (const job of await queue.getFailed()) {
      if (job.id && keys.has(job.id)) {
        await job.retry('failed');
        retried++;
      }
    }
    await addUnits(queue, todo, out, o);
    return { queued: todo.length - retried, retried, done: units.length - todo.length };
  });
}

/** Options of {@link waitForUnits}. */
export interface WaitOptions extends SubmitOptions {
  /** How often to look at the shards and the queue (ms) [1000]. */
  pollMs?: number;
  /** Units done so far (shards present) of the total. */
  progress?: (done: number, total: number) => void;
  /** One line when Redis becomes unreachable or reachable again. */
  log?: (line: string) => void;
}

/**
 * Waits until every unit's shard exists. Units whose job has failed (attempts exhausted) end the
 * wait with ERR_SPATIAL_IO naming them. While the queue holds no pending job for two polls in a row
 * but shards are still missing (Redis restarted without persistence, or jobs were removed), the
 * missing units are enqueued again. Redis being down only pauses those checks.
 */
export async function waitForUnits(units: Unit[], out: string, o: WaitOptions): Promise<void> {
  out = resolve(out);
  const pollMs = o.pollMs ?? 1000;
  const planned = new Set(units.map((u) => u.key));
  let queue = openQueue(o);
  let idlePolls = 0;
  let reachable = true;
  try {
    await ready(queue, 5000);
    for (;;) {
      const done = await completedKeys(out);
      const missing = units.filter((u) => !done.has(u.key));
      o.progress?.(units.length - missing.length, units.length);
      if (missing.length === 0) return;
      let failed: Job<UnitJobData>[] = [];
      try {
        // A bounded wait on every call: a connection lost during a restart may never answer.
        const counts = await answerWithin(queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'paused', 'waiting-children', 'failed'), 5000);
        if (!reachable) o.log?.(`redis reachable again at ${o.redis}`);
        reachable = true;
        if (counts.failed > 0) failed = (await answerWithin(queue.getFailed(), 5000)).filter((j) => j.id && planned.has(j.id) && !done.has(j.id));
        const pending = counts.active + counts.waiting + counts.delayed + counts.prioritized + counts.paused + counts['waiting-children'];
        idlePolls = pending === 0 && failed.length === 0 ? idlePolls + 1 : 0;
        if (idlePolls >= 2) {
          o.log?.(`queue holds no job for ${missing.length} missing unit(s): enqueueing them again`);
          await answerWithin(addUnits(queue, missing, out, o), 30_000);
          idlePolls = 0;
        }
      } catch (e) {
        if (reachable) o.log?.(`redis unreachable (${(e as Error).message}); still counting shards`);
        reachable = false;
        idlePolls = 0;
        if (e instanceof NoAnswer) {
          // Start afresh rather than wait on a connection that stopped answering.
          void closeQuietly(queue);
          queue = openQueue(o);
        }
      }
      if (failed.length)
        throw spatialError('ERR_SPATIAL_IO', `${failed.length} unit(s) failed after all attempts: ${failed.slice(0, 3).map((j) => `${j.id}: ${j.failedReason}`).join('; ')}${failed.length > 3 ? '; ...' : ''} (resubmit to retry them)`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await closeQuietly(queue);
  }
}

class NoAnswer extends Error {}

/** `p`, or a {@link NoAnswer} rejection after `ms`. */
async function answerWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Job counts of a queue (BullMQ states). */
export async function queueCounts(t: QueueTarget): Promise<Record<string, number>> {
  return connected(t, (queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'completed', 'failed'));
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions extends QueueTarget {
  /** Units run at once, each on its own worker thread [1]. */
  concurrency?: number;
  /** Lock duration (ms): a worker silent this long (dead) loses its job to the stall check [30000]. */
  lockMs?: number;
  /** How often this worker looks for stalled jobs (ms) [30000]. */
  stalledMs?: number;
  /** Times a job may stall before it is failed [3]. */
  maxStalled?: number;
  /** One line per event (unit done, failed, Redis errors). */
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  worker: Worker<UnitJobData, UnitResult>;
  /** Finishes the units in flight, then disconnects and stops the threads. */
  close(): Promise<void>;
}

/**
 * Starts a worker that takes units from the queue and runs each on a worker thread (so the event
 * loop stays free to renew job locks), reporting stage progress with `job.updateProgress`. A job
 * whose key differs from the key this engine computes for its unit (another engine version) fails
 * without retry.
 */
export function startQueueWorker(o: QueueWorkerOptions): QueueWorker {
  const concurrency = o.concurrency ?? 1;
  const pool = new UnitPool(concurrency);
  const log = o.log ?? (() => {});
  const processor = async (job: Job<UnitJobData, UnitResult>): Promise<UnitResult> => {
    const { unit, out } = job.data;
    const key = unitKey(unit);
    if (key !== job.id) throw new UnrecoverableError(`job ${job.id} was made by another engine version (this worker's key for it: ${key})`);
    let stage = '';
    const result = await pool.run(unit, out, (s, done, total) => {
      if (s === stage) return;
      stage = s;
      job.updateProgress({ stage: s, done, total }).catch(() => {});
    });
    log(`${result.status} ${unit.key}`);
    return result;
  };
  const connection: ConnectionOptions = { ...parseRedisUrl(o.redis), maxRetriesPerRequest: null, retryStrategy };
  const worker = new Worker<UnitJobData, UnitResult>(queueName(o), processor, {
    connection, concurrency, lockDuration: o.lockMs ?? 30_000, stalledInterval: o.stalledMs ?? 30_000, maxStalledCount: o.maxStalled ?? 3,
  });
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message !== lastError) log(`redis: ${e.message}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) log(`redis: connected again`);
    lastError = '';
  });
  worker.on('failed', (job, e) => log(`failed ${job?.id} (attempt ${job?.attemptsMade}): ${e.message}`));
  return {
    worker,
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
