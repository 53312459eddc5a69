/**
 * Small text-file parsing helpers for the loaders: numeric tables with '#' comments, and errors
 * that name the file and the 1-based line.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { spatialError } from '../errors.js';

/** Reads a text file or throws ERR_SPATIAL_IO naming it. */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `cannot read ${path}: no such file`);
  }
}

/** Non-empty, non-comment lines with their 1-based line numbers, split on white space. */
export function tableRows(text: string): { line: number; fields: string[] }[] {
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, fields: l.trim().split(/\s+/) }))
    .filter((r) => r.fields[0] !== '' && !r.fields[0].startsWith('#'));
}

/** Parses a number field, or throws ERR_SPATIAL_FORMAT naming file and line. `inf`/`-inf`/`nan` parse. */
export function numberField(s: string, path: string, line: number, what: string): number {
  const t = s.toLowerCase();
  const v = t === 'inf' || t === '+inf' ? Infinity : t === '-inf' ? -Infinity : t === 'nan' || t === '-nan' ? NaN : Number(s);
  if (Number.isNaN(v) && !t.includes('nan')) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${line}: ${what} is not a number (got ${JSON.stringify(s)})`);
  return v;
}

/** A 4x4 matrix written as 4 rows of 4 numbers (ScanNet pose and intrinsic files). */
export async function readMatrix4(path: string): Promise<Float64Array> {
  const rows = tableRows(await readText(path));
  if (rows.length !== 4) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: expected 4 rows of 4 numbers (got ${rows.length} rows)`);
  const m = new Float64Array(16);
  rows.forEach((r, i) => {
    if (r.fields.length !== 4) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${r.line}: expected 4 numbers (got ${r.fields.length})`);
    r.fields.forEach((f, j) => (m[i * 4 + j] = numberField(f, path, r.line, `element ${j + 1}`)));
  });
  return m;
}
