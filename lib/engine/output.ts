/**
 * Output directories of the CLI's runs: an exclusive lock per directory ({@link lockOutput}) and,
 * for `generate`, outputs that appear complete or not at all ({@link generateInto}).
 * @module
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { spatialError } from '../errors.js';
import { asIoError } from '../io/files.js';
import { acquireLock, type Lock } from '../io/lock.js';

/** The lock file of an output directory. */
export const LOCK_FILE = '.spatial-geom.lock';

async function io<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw asIoError(e);
  }
}

/**
 * Creates `out` (when missing) and takes its lock (`out/.spatial-geom.lock`, or `name` in it). Taking
 * it is also the writability probe: a read-only or unwritable `out` fails here, before any work.
 */
export async function lockOutput(out: string, command: string, name = LOCK_FILE): Promise<Lock> {
  await io(mkdir(out, { recursive: true }));
  return acquireLock(join(out, name), command);
}

/**
 * Runs `fn` on a fresh temporary directory beside `out` (`.<name>.tmp-XXXXXX` in the same parent, so
 * relative paths from it are those from `out`) and then puts the result in place of `out`: `out` is
 * renamed aside, the temporary directory renamed to `out`, and the old one removed. A run killed at
 * any point leaves `out` as it was (or, between the two renames, absent), never a partial output;
 * temporaries of killed runs are removed by the next run (it holds the lock, so no other run makes them).
 * `out` must be missing, empty, or an earlier output (holding `stats.json`): anything else is refused
 * rather than replaced.
 */
export async function generateInto<T>(outArg: string, command: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const out = resolve(outArg);
  const parent = dirname(out), base = basename(out);
  const lock = await lockOutput(out, command);
  try {
    for (const d of await io(readdir(parent)))
      if (d.startsWith(`.${base}.tmp-`) || d.startsWith(`.${base}.old-`)) await io(rm(join(parent, d), { recursive: true, force: true }));
    const entries = (await io(readdir(out))).filter((n) => n !== LOCK_FILE);
    if (entries.length && !entries.includes('stats.json'))
      throw spatialError('ERR_SPATIAL_IO', `--out ${out} is not empty and holds no earlier spatial-geom output (no stats.json): give a new or empty directory`);
    const tmp = await io(mkdtemp(join(parent, `.${base}.tmp-`)));
    try {
      const result = await fn(tmp);
      // The lock travels with the new output, so no other run slips in between the renames.
      await io(writeFile(join(tmp, LOCK_FILE), JSON.stringify(lock.holder) + '\n'));
      const old = `${tmp.replace(/\.tmp-([^/]*)$/, '.old-$1')}`;
      await io(rename(out, old));
      await io(rename(tmp, out));
      await io(rm(old, { recursive: true, force: true }));
      return result;
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  } finally {
    lock.release();
  }
}
