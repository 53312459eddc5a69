/**
 * An exclusive lock on an output directory: a lock file holding the pid and host of its holder,
 * created atomically (`O_CREAT | O_EXCL`), so two runs into one directory never mix their outputs.
 * A lock left by a dead process on this host is detected and taken over; one held by a process on
 * another host is reported (this host cannot tell whether it still runs). The lock is removed on
 * every exit path: release, errors (callers use try/finally), SIGINT/SIGTERM and `process.exit`.
 * @module
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync, linkSync } from 'node:fs';
import { hostname } from 'node:os';
import { spatialError } from '../errors.js';
import { asIoError } from './files.js';

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it, e.g. `dataset`. */
  command: string;
}

/** A held lock. */
export interface Lock {
  path: string;
  holder: LockHolder;
  /** Removes the lock file (when it is still ours); idempotent. */
  release(): void;
}

const held = new Set<Lock>();
let handlersInstalled = false;

function releaseAll(): void {
  for (const l of [...held]) l.release();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', releaseAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const)
    process.on(signal, () => {
      // Only when no one else handles the signal (a queue worker finishes its units first).
      if (process.listenerCount(signal) > 1) return;
      releaseAll();
      process.exit(code);
    });
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return Number.isInteger(h?.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` runs on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeHolder(h: LockHolder | undefined): string {
  return h ? `${h.command} pid ${h.pid} on ${h.host} since ${h.since}` : 'an unreadable lock file';
}

/**
 * Takes the lock file `path` for `command` (e.g. `OUT/.spatial-geom.lock`). Creating it is also the
 * writability probe of its directory: a read-only or full output fails here, before any work.
 * @throws ERR_SPATIAL_IO naming the lock file and its holder when another live run holds it (or one
 *   on another host, or an unreadable lock), and naming the path and reason when it cannot be written.
 */
export function acquireLock(path: string, command: string): Lock {
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  const text = JSON.stringify(holder) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, text, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw asIoError(e, path);
    }
    const other = readHolder(path);
    const stale = other !== undefined && other.host === holder.host && other.pid !== process.pid && !alive(other.pid);
    if (!stale || attempt > 2)
      throw spatialError('ERR_SPATIAL_IO', `${path} is held by ${describeHolder(other)}: another run writes into this directory${other && other.host !== holder.host ? ` (if it is gone, delete ${path})` : ''}`);
    takeOver(path, other);
  }
  const lock: Lock = {
    path, holder,
    release: () => {
      if (!held.delete(lock)) return;
      if (readHolder(path)?.pid === process.pid && readHolder(path)?.since === holder.since) {
        try {
          unlinkSync(path);
        } catch {
          // gone already
        }
      }
    },
  };
  held.add(lock);
  installHandlers();
  return lock;
}

/**
 * Moves a stale lock aside. Atomic: of several processes taking over the same stale lock, one
 * renames it; if what was renamed is not the stale lock (another process took it over and holds it
 * now), it is linked back without replacing anything.
 */
function takeOver(path: string, stale: LockHolder): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it: try to create ours again
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, path);
    } catch {
      // a third lock exists now: that one rules
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // nothing to clean
  }
}

/** Runs `fn` holding the lock file `path`; the lock is released however `fn` ends. */
export async function withLock<T>(path: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireLock(path, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * Throws like {@link acquireLock} when the lock file `path` is held by a live process (or one on
 * another host), without taking it: for runs that share a directory with each other (the copies of
 * a `--shard i/n` array) but not with a run that holds it whole.
 */
export function assertUnlocked(path: string): void {
  const other = readHolder(path);
  if (other === undefined) return;
  if (other.host === hostname() && !alive(other.pid)) return;
  throw spatialError('ERR_SPATIAL_IO', `${path} is held by ${describeHolder(other)}: another run writes into this directory${other.host !== hostname() ? ` (if it is gone, delete ${path})` : ''}`);
}
