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
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isSpatialError, spatialError } from '../errors.js';
import { asIoError, fsReason } from '../io/files.js';
import { checkUnitSpec, completedKeys, type Unit, type UnitResult, writePlan } from './dataset.js';
import { UnitPool } from './pool.js';
import { redactUrl } from './redact.js';

import { DEFAULT_QUEUE, QUEUE_DEFAULTS } from './queue-defaults.js';

export { DEFAULT_QUEUE, QUEUE_DEFAULTS };

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
  /** Password, overriding one in the URL (from an environment variable or a file, never the command line). */
  password?: string;
  /** TLS material for `rediss://` (ioredis `tls` options): CA bundle, client certificate and key (PEM). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/** Where {@link resolveQueueTarget} looks, besides the command line. */
export const REDIS_URL_ENV = 'SPATIAL_GEOM_REDIS_URL';
export const REDIS_PASSWORD_ENV = 'SPATIAL_GEOM_REDIS_PASSWORD';

async function readSecretFile(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_IO', `${flag}: cannot read ${path}: ${fsReason(e)}`);
  }
}

/**
 * The queue target from the command line and the environment: the URL from `--redis` or
 * `SPATIAL_GEOM_REDIS_URL`; the password from `--redis-password-file` (its first line), else
 * `SPATIAL_GEOM_REDIS_PASSWORD`, else the URL; TLS files for `rediss://`.
 * @throws ERR_SPATIAL_FORMAT for a missing or malformed URL, TLS files without `rediss://`;
 *   ERR_SPATIAL_IO for an unreadable file.
 */
export async function resolveQueueTarget(
  o: { redis?: string; queue?: string; 'redis-password-file'?: string; 'redis-ca'?: string; 'redis-cert'?: string; 'redis-key'?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<QueueTarget> {
  const redis = o.redis ?? env[REDIS_URL_ENV];
  if (!redis) throw spatialError('ERR_SPATIAL_FORMAT', `--redis URL (or ${REDIS_URL_ENV}) is required (e.g. redis://127.0.0.1:6379)`);
  const url = parseRedisUrl(redis);
  const t: QueueTarget = { redis, queue: o.queue };
  if (o['redis-password-file'] !== undefined) t.password = (await readSecretFile(o['redis-password-file'], '--redis-password-file')).toString('utf8').split(/\r?\n/)[0];
  else if (env[REDIS_PASSWORD_ENV]) t.password = env[REDIS_PASSWORD_ENV];
  const files = { ca: o['redis-ca'], cert: o['redis-cert'], key: o['redis-key'] };
  if (Object.values(files).some((f) => f !== undefined)) {
    if (!url.tls) throw spatialError('ERR_SPATIAL_FORMAT', `--redis-ca, --redis-cert and --redis-key need a rediss:// URL (got ${redactUrl(redis)})`);
    t.tls = {};
    for (const [k, f] of Object.entries(files)) if (f !== undefined) t.tls[k as 'ca'] = await readSecretFile(f, `--redis-${k}`);
  }
  return t;
}

/** ioredis connection options of a target. */
function connectionOf(t: QueueTarget): Omit<ReturnType<typeof parseRedisUrl>, 'tls'> & { tls?: object } {
  const { tls, ...url } = parseRedisUrl(t.redis);
  return { ...url, ...(t.password !== undefined ? { password: t.password } : {}), ...(tls ? { tls: { ...tls, ...t.tls } } : {}) };
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
    throw spatialError('ERR_SPATIAL_FORMAT', `--redis must be a URL redis://host[:port][/db] (got ${redactUrl(url)})`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw spatialError('ERR_SPATIAL_FORMAT', `--redis must use redis:// or rediss:// (got ${redactUrl(url)})`);
  if (!u.hostname) throw spatialError('ERR_SPATIAL_FORMAT', `--redis has no host (got ${redactUrl(url)})`);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw spatialError('ERR_SPATIAL_FORMAT', `--redis database must be a number (got ${redactUrl(url)})`);
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
  const connection: ConnectionOptions = { ...connectionOf(t), maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy };
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

/** Seconds {@link checkRedis} waits for a connection and an answer. */
const PROBE_SECONDS = 3;

/**
 * Connects once, with no retries, and asks PING: resolves when Redis answers, else throws
 * ERR_SPATIAL_IO saying what failed (refused, no answer, needs a password, wrong password) within
 * a few seconds, with the URL's password redacted.
 */
export async function checkRedis(t: QueueTarget): Promise<void> {
  const where = redactUrl(t.redis);
  const queue = new Queue(queueName(t), {
    connection: { ...connectionOf(t), maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: PROBE_SECONDS * 1000, retryStrategy: () => null },
  });
  queue.on('error', () => {}); // the awaited client rejects with the same error
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswer('')), (PROBE_SECONDS + 1) * 1000)));
    await Promise.race([queue.client.then((c) => (c as unknown as { ping(): Promise<string> }).ping()), timeout]);
  } catch (e) {
    const m = (e as Error)?.message ?? String(e);
    const code = (e as { code?: string })?.code ?? '';
    const reason = /NOAUTH/.test(m) ? `Redis asks for a password: give it in ${REDIS_PASSWORD_ENV} or a file (--redis-password-file)`
      : /WRONGPASS|invalid password|invalid username-password/i.test(m) ? 'authentication failed (wrong user name or password)'
      : code === 'ECONNREFUSED' ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown host'
      : e instanceof NoAnswer || /ETIMEDOUT|timed? ?out/i.test(m) ? `no answer within ${PROBE_SECONDS} s`
      : redactUrl(m);
    throw spatialError('ERR_SPATIAL_IO', `--redis: cannot use ${where}: ${reason}`);
  } finally {
    clearTimeout(timer);
    await closeQuietly(queue);
  }
}

async function connected<T>(t: QueueTarget, fn: (q: Queue<UnitJobData>) => Promise<T>): Promise<T> {
  await checkRedis(t);
  const queue = openQueue(t);
  try {
    if (!(await ready(queue, 10_000))) throw spatialError('ERR_SPATIAL_IO', `--redis: cannot reach ${redactUrl(t.redis)} (waited 10 s)`);
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
  /** The merged eval split keeps exactly this many samples per question type (see `writePlan`). */
  evalPerType?: number;
}

/**
 * A job's id: the unit's key (its content) and a hash of where it is read from and written to
 * (the output directory and the scene's path), so the id covers everything that decides what a
 * worker reads and writes, and two datasets on one queue never share a job.
 */
export function jobKey(unit: Unit, out: string): string {
  const where = { out, path: unit.scene.source.kind === 'path' ? unit.scene.source.path : null };
  return `${unit.key}.o${createHash('sha256').update(JSON.stringify(where)).digest('hex').slice(0, 12)}`;
}

function jobOptions(unit: Unit, out: string, o: SubmitOptions): JobsOptions {
  return { jobId: jobKey(unit, out), attempts: o.attempts ?? QUEUE_DEFAULTS.attempts, backoff: { type: 'exponential', delay: o.backoffMs ?? QUEUE_DEFAULTS.backoffMs }, removeOnComplete: true, removeOnFail: false };
}

async function addUnits(queue: Queue<UnitJobData>, units: Unit[], out: string, o: SubmitOptions): Promise<void> {
  for (let i = 0; i < units.length; i += 500)
    await queue.addBulk(units.slice(i, i + 500).map((unit) => ({ name: 'unit', data: { unit, out }, opts: jobOptions(unit, out, o) })));
}

/**
 * Writes `out/plan.json` and enqueues every unit whose shard does not exist yet. A unit already
 * queued is not queued twice (job id = key); one that had failed is retried.
 * @returns how many units were queued, retried, and found done.
 */
export async function submitUnits(units: Unit[], out: string, o: SubmitOptions): Promise<{ queued: number; retried: number; done: number }> {
  out = resolve(out);
  return connected(o, async (queue) => {
    await writePlan(out, units, { evalPerType: o.evalPerType });
    const done = await completedKeys(out);
    const todo = units.filter((u) => !done.has(u.key));
    let retried = 0;
    const keys = new Set(todo.map((u) => jobKey(u, out)));
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
  const pollMs = o.pollMs ?? QUEUE_DEFAULTS.pollMs;
  const planned = new Map(units.map((u) => [jobKey(u, out), u.key]));
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
        if (!reachable) o.log?.(`redis reachable again at ${redactUrl(o.redis)}`);
        reachable = true;
        if (counts.failed > 0) failed = (await answerWithin(queue.getFailed(), 5000)).filter((j) => j.id && planned.has(j.id) && !done.has(planned.get(j.id)!));
        const pending = counts.active + counts.waiting + counts.delayed + counts.prioritized + counts.paused + counts['waiting-children'];
        idlePolls = pending === 0 && failed.length === 0 ? idlePolls + 1 : 0;
        if (idlePolls >= 2) {
          o.log?.(`queue holds no job for ${missing.length} missing unit(s): enqueueing them again`);
          await answerWithin(addUnits(queue, missing, out, o), 30_000);
          idlePolls = 0;
        }
      } catch (e) {
        if (reachable) o.log?.(`redis unreachable (${redactUrl((e as Error).message)}); still counting shards`);
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
  /** The dataset output directories this worker writes (absolute or relative to the cwd); jobs for any other are refused. */
  outs: string[];
  /** Directories whose scenes this worker may read; jobs for a scene path outside them are refused [none: synthetic scenes only]. */
  allowRoots?: string[];
  /** Units run at once, each on its own worker thread [1]. */
  concurrency?: number;
  /** Lock duration (ms): a worker silent this long (dead) loses its job to the stall check [30000]. */
  lockMs?: number;
  /** How often this worker looks for stalled jobs (ms) [30000]. */
  stalledMs?: number;
  /** Times a job may stall before it is failed [3]. */
  maxStalled?: number;
  /** One line per event (unit done, failed, refused, Redis errors). */
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  worker: Worker<UnitJobData, UnitResult>;
  /** Finishes the units in flight, then disconnects and stops the threads. */
  close(): Promise<void>;
}

/** The checked unit and output directory of a job, or an ERR_SPATIAL_FORMAT saying why it is refused. */
export async function checkJob(id: string | undefined, data: unknown, served: { outs: string[]; roots: string[] }): Promise<UnitJobData> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw spatialError('ERR_SPATIAL_FORMAT', 'job data must be an object { unit, out }');
  const extra = Object.keys(data).filter((k) => k !== 'unit' && k !== 'out');
  if (extra.length) throw spatialError('ERR_SPATIAL_FORMAT', `job data has an unexpected field ${JSON.stringify(extra[0].slice(0, 40))}`);
  const { out } = data as { out?: unknown };
  if (typeof out !== 'string' || !served.outs.includes(out)) throw spatialError('ERR_SPATIAL_FORMAT', 'job out is not an output directory this worker serves (its --out)');
  const unit = checkUnitSpec((data as { unit?: unknown }).unit);
  const src = unit.scene.source;
  if (src.kind === 'path') {
    let real: string;
    try {
      real = await realpath(src.path);
    } catch {
      throw spatialError('ERR_SPATIAL_FORMAT', 'job scene path is not inside a root this worker may read (--allow-root), or does not exist');
    }
    if (!served.roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)))
      throw spatialError('ERR_SPATIAL_FORMAT', served.roots.length ? 'job scene path is not inside a root this worker may read (--allow-root)' : 'job reads a scene from disk, and this worker was given no --allow-root');
  }
  if (id !== jobKey(unit, out)) throw spatialError('ERR_SPATIAL_FORMAT', `job id is not the key of its spec (this engine computes ${jobKey(unit, out)})`);
  return { unit, out };
}

/** Creates each output directory and checks it can be written (create and remove a probe file). */
async function probeOutputs(outs: string[]): Promise<void> {
  for (const out of outs) {
    const probe = join(out, `.spatial-geom-probe-${process.pid}`);
    try {
      await mkdir(out, { recursive: true });
      await writeFile(probe, '');
      await rm(probe);
    } catch (e) {
      throw asIoError(e, probe);
    }
  }
}

/**
 * Starts a worker that takes units from the queue and runs each on a worker thread (so the event
 * loop stays free to renew job locks), reporting stage progress with `job.updateProgress`.
 *
 * Redis is not trusted to say what to read and write: a job is run only when its data is exactly
 * `{ unit, out }` with `out` one of `o.outs`, its unit passes {@link checkUnitSpec} (every field,
 * no extras, key recomputed), a scene path resolves (symlinks followed) inside `o.allowRoots`, and
 * the job id is {@link jobKey} of the two. Any other job fails at once, without retry, with a reason
 * that names the offending field and never file contents (nothing was read).
 * @throws ERR_SPATIAL_FORMAT when `outs` is empty; ERR_SPATIAL_IO when an output directory cannot be written.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  if (!o.outs.length) throw spatialError('ERR_SPATIAL_FORMAT', 'worker needs --out DIR: the dataset output it writes (repeatable)');
  const outs = o.outs.map((d) => resolve(d));
  await probeOutputs(outs);
  const roots: string[] = [];
  for (const r of o.allowRoots ?? []) {
    try {
      roots.push(await realpath(resolve(r)));
    } catch (e) {
      throw spatialError('ERR_SPATIAL_IO', `--allow-root: cannot use ${r}: ${fsReason(e)}`);
    }
  }
  const log = (line: string) => o.log?.(redactUrl(line));
  try {
    await checkRedis(o);
  } catch (e) {
    // A wrong or missing password will not mend itself; an unreachable Redis may come up later.
    if (/password/.test((e as Error).message)) throw e;
    log(`${(e as Error).message}; retrying until it answers`);
  }
  const concurrency = o.concurrency ?? QUEUE_DEFAULTS.concurrency;
  const pool = new UnitPool(concurrency);
  const processor = async (job: Job<UnitJobData, UnitResult>): Promise<UnitResult> => {
    let checked: UnitJobData;
    try {
      checked = await checkJob(job.id, job.data, { outs, roots });
    } catch (e) {
      const reason = isSpatialError(e) ? e.message : 'malformed job';
      log(`refused job ${String(job.id).slice(0, 120)}: ${reason}`);
      throw new UnrecoverableError(`refused: ${reason}`);
    }
    const { unit, out } = checked;
    let stage = '';
    const result = await pool.run(unit, out, (s, done, total) => {
      if (s === stage) return;
      stage = s;
      job.updateProgress({ stage: s, done, total }).catch(() => {});
    });
    log(`${result.status} ${unit.key}`);
    return result;
  };
  const connection: ConnectionOptions = { ...connectionOf(o), maxRetriesPerRequest: null, retryStrategy };
  const worker = new Worker<UnitJobData, UnitResult>(queueName(o), processor, {
    connection, concurrency, lockDuration: o.lockMs ?? QUEUE_DEFAULTS.lockMs, stalledInterval: o.stalledMs ?? QUEUE_DEFAULTS.stalledMs, maxStalledCount: o.maxStalled ?? QUEUE_DEFAULTS.maxStalled,
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
  worker.on('failed', (job, e) => {
    if (!e.message.startsWith('refused: ')) log(`failed ${job?.id} (attempt ${job?.attemptsMade}): ${e.message}`);
  });
  return {
    worker,
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
