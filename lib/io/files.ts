/**
 * File helpers shared by the image codecs and the scene loaders: reads that fail with
 * `ERR_SPATIAL_IO` naming the path, and writes that never leave a partial file behind.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeValue, isSpatialError, spatialError } from '../errors.js';

/** Checks a path argument: a non-empty string. */
export function checkPath(path: unknown, name = 'path'): string {
  if (typeof path !== 'string' || path.length === 0)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a non-empty string for ${name} but received ${describeValue(path)}`);
  return path;
}

function ioError(path: string, what: string, e: unknown): Error {
  return spatialError('ERR_SPATIAL_IO', `Cannot read ${what} ${path}: ${fsReason(e)}`);
}

/** What a non-regular file is, for error messages. */
export function fileKind(s: Stats): string {
  return s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isSocket() ? 'a socket' : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : 'not a regular file';
}

/**
 * Reads a whole regular file. Every file the library reads goes through here: the path is opened
 * non-blocking and checked to be a regular file before a byte is read, so a FIFO, socket or device
 * in a scene folder is an error naming it instead of a read that never returns.
 */
async function readRegular(path: string, what: string): Promise<Buffer> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise block for ever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(path, what, e);
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw spatialError('ERR_SPATIAL_IO', `Cannot read ${what} ${path}: it is ${fileKind(s)}, not a regular file`);
    return await handle.readFile();
  } catch (e) {
    throw isSpatialError(e) ? e : ioError(path, what, e);
  } finally {
    await handle.close();
  }
}

/** Reads a whole regular file; a missing, unreadable or non-regular file is `ERR_SPATIAL_IO` naming `what` and the path. */
export async function readBytes(path: string, what = 'file'): Promise<Buffer> {
  return readRegular(path, what);
}

/** Reads a UTF-8 text file; a missing, unreadable or non-regular file is `ERR_SPATIAL_IO` naming `what` and the path. */
export async function readText(path: string, what = 'file'): Promise<string> {
  return (await readRegular(path, what)).toString('utf8');
}

/** True when `path` exists (file or directory). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is an existing regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A plain reason for a file-system error code (`ENOSPC` -> `no space left on device`). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EEXIST': return 'it already exists';
    case 'ENOTEMPTY': return 'the directory is not empty';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    case 'EIO': return 'input/output error';
    case 'EFBIG': case 'ERR_FS_FILE_TOO_LARGE': return 'file too large';
    case 'ENAMETOOLONG': return 'file name too long';
    case 'EXDEV': return 'not on the same file system';
  }
  return (e as Error)?.message ?? String(e);
}

/** True for a Node file-system error (an errno `code` such as ENOENT, ENOSPC, EROFS). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * `e` as `ERR_SPATIAL_IO` naming the path and a plain reason when it is a file-system error
 * (`Cannot write /out/x.png: no space left on device`); any other error unchanged.
 */
export function asIoError(e: unknown, fallbackPath?: string): unknown {
  if (!isFsError(e)) return e;
  const path = e.path ?? fallbackPath;
  const verb = { open: 'open', read: 'read', write: 'write', mkdir: 'create', mkdtemp: 'create', rename: 'rename', unlink: 'remove', rmdir: 'remove', scandir: 'list', stat: 'stat', lstat: 'stat', link: 'link', copyfile: 'copy', realpath: 'resolve' }[e.syscall ?? ''] ?? 'access';
  const dest = (e as { dest?: string }).dest;
  const target = dest ? `${path} to ${dest}` : path;
  return spatialError('ERR_SPATIAL_IO', `Cannot ${verb} ${target ?? '(unknown path)'}: ${fsReason(e)}`);
}

let tempCounter = 0;

/** A temporary name beside `path`, unique among this process's writers and other processes and machines. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.${randomBytes(4).toString('hex')}.tmp`);
}

/** True for a temporary name made by {@link tempPathFor} (a write interrupted by a crash). */
export function isTempName(name: string): boolean {
  return /^\..+\.\d+\.\d+\.[0-9a-f]{8}\.tmp$/.test(name);
}

/**
 * Removes the temporaries that {@link writeFileAtomic} (or another {@link tempPathFor} writer) left
 * for the files `names` in `dir` when its process died mid-write. Only for files whose writers are
 * serialised (by OUT's lock), so a temporary found is never one being written.
 */
export async function removeStaleTemporaries(dir: string, names: readonly string[]): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return; // no folder yet: nothing left behind
  }
  for (const entry of entries)
    if (isTempName(entry) && names.some((f) => entry.startsWith(`.${f}.`))) await rm(join(dir, entry), { force: true });
}

/** Options of {@link writeFileAtomic}. */
export interface WriteAtomicOptions {
  /** Create the file's directory (and parents) first [false: a missing directory is an error]. */
  mkdir?: boolean;
}

/**
 * Writes `data` to a temporary file beside `path` and renames it over `path`: the one atomic file
 * writer of the package. A rename within one directory is atomic on POSIX file systems, so readers
 * see either the old file or the complete new one; a failed write (full disk, read-only file
 * system) removes its temporary file and throws `ERR_SPATIAL_IO` naming `what`, the path and the
 * reason. Temporary names hold the pid, a counter and random bits, so writers on several machines
 * sharing a directory never collide.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, what = 'file', opts: WriteAtomicOptions = {}): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    if (opts.mkdir) await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException)?.code;
    throw spatialError('ERR_SPATIAL_IO', `Cannot write ${what} ${path}: ${code === 'ENOENT' ? 'its directory does not exist' : fsReason(e)}`);
  }
}
