/**
 * File helpers shared by the image codecs and the scene loaders: reads that fail with
 * `ERR_SPATIAL_IO` naming the path, and writes that never leave a partial file behind.
 * @module
 */
import { constants, type Stats } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeValue, isSpatialError, spatialError } from '../errors.js';

/** Checks a path argument: a non-empty string. */
export function checkPath(path: unknown, name = 'path'): string {
  if (typeof path !== 'string' || path.length === 0)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a non-empty string for ${name} but received ${describeValue(path)}`);
  return path;
}

function ioError(path: string, what: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error)?.message ?? String(e);
  return spatialError('ERR_SPATIAL_IO', `Cannot read ${what} ${path}: ${reason}`);
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

let tempCounter = 0;

/**
 * Writes `bytes` to a temporary file beside `path` and renames it over `path`. A rename within one
 * directory is atomic on POSIX file systems, so readers see either the old file or the complete new
 * one, and a failed or interrupted write leaves no partial file under `path`.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, what = 'file'): Promise<void> {
  // pid + counter: unique among concurrent writers of this process and of other processes.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException)?.code;
    const reason = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : (e as Error)?.message ?? String(e);
    throw spatialError('ERR_SPATIAL_IO', `Cannot write ${what} ${path}: ${reason}`);
  }
}
