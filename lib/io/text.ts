/**
 * Strict parsing of the small text files of scene datasets (pose matrices, timestamp lists): every
 * error is `ERR_SPATIAL_FORMAT` naming the file and the 1-based line.
 * @module
 */
import { spatialError, type SpatialError } from '../errors.js';

/** One data line of a text file: its 1-based number and its whitespace-separated tokens. */
export interface TextLine {
  line: number;
  tokens: string[];
}

/** `ERR_SPATIAL_FORMAT` with the `file:line: message` prefix compilers use. */
export function formatError(file: string, line: number | undefined, message: string): SpatialError {
  return spatialError('ERR_SPATIAL_FORMAT', line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
}

/**
 * Splits a text into data lines: blank lines and lines whose first non-blank character starts a
 * comment (`#` by default, as in TUM's files) are dropped; CRLF and LF both end a line.
 */
export function dataLines(text: string, comment = '#'): TextLine[] {
  const out: TextLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith(comment)) continue;
    out.push({ line: i + 1, tokens: trimmed.split(/\s+/) });
  }
  return out;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(?:inf|infinity|nan)$/i;

/**
 * Parses one numeric token strictly: a decimal number, or `inf`/`-inf`/`nan` (any case; ScanNet
 * writes `-inf` for frames without a pose) when `allowNonFinite`. Anything else ("1.2.3", "0x10",
 * "", "1,5") is an error naming the file, the line and the token.
 */
export function parseNumberToken(token: string, file: string, line: number, what: string, allowNonFinite = false): number {
  if (DECIMAL.test(token)) return Number(token);
  const m = NON_FINITE.exec(token);
  if (m && allowNonFinite) return /nan/i.test(token) ? NaN : m[1] === '-' ? -Infinity : Infinity;
  throw formatError(file, line, `Expected a ${allowNonFinite ? 'number' : 'finite number'} for ${what} but received ${JSON.stringify(token)}`);
}

/** Parses a data line that must hold exactly `count` numbers. */
export function parseNumberRow(l: TextLine, count: number, file: string, what: string, allowNonFinite = false): number[] {
  if (l.tokens.length !== count)
    throw formatError(file, l.line, `Expected ${count} columns (${what}) but received ${l.tokens.length}: ${JSON.stringify(l.tokens.join(' '))}`);
  return l.tokens.map((t, c) => parseNumberToken(t, file, l.line, `${what} column ${c + 1}`, allowNonFinite));
}

/**
 * Parses a 4x4 matrix written as 4 lines of 4 numbers (ScanNet's pose and intrinsic files),
 * row-major. Non-finite values are kept (the caller decides what they mean).
 */
export function parseMatrix4(text: string, file: string, what = 'matrix'): Float64Array {
  const rows = dataLines(text);
  if (rows.length !== 4)
    throw formatError(file, rows[4]?.line, `Expected 4 rows of 4 numbers (${what}) but received ${rows.length} rows`);
  const m = new Float64Array(16);
  rows.forEach((r, i) => m.set(parseNumberRow(r, 4, file, `${what} row ${i + 1}`, true), 4 * i));
  return m;
}

/** Deepest nesting of arrays and objects {@link parseJson} accepts. */
export const MAX_JSON_DEPTH = 256;

/**
 * Parses a user's JSON file. A cheap scan first rejects nesting deeper than
 * {@link MAX_JSON_DEPTH} (brackets inside strings do not count), so no walker of the parsed value,
 * recursive or not, can overflow the stack on it; then `JSON.parse`, whose error becomes
 * `ERR_SPATIAL_FORMAT` with the file and the 1-based line.
 * @param file - the file the text came from, for error messages.
 */
export function parseJson(text: string, file: string): unknown {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: up to the next quote that is not escaped.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw formatError(file, lineOfOffset(text, i), `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 quotes the text around the error, newlines and control characters included: escape them
    // so that the message stays one line.
    const msg = (e as Error).message.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
    const pos = /position (\d+)/.exec(msg);
    throw formatError(file, pos ? lineOfOffset(text, Number(pos[1])) : undefined, `invalid JSON: ${msg}`);
  }
}

/**
 * 1-based line of every value in a JSON text, keyed by its path (`frames[2].pose`, root = `$`).
 * Used only to put line numbers into error messages about a parsed JSON document; assumes the text
 * already parsed with `JSON.parse`.
 */
export function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // ':'
        const root = path === '$' ? '' : path;
        value(/^[A-Za-z_$][\w$]*$/.test(key) ? (root ? `${root}.${key}` : key) : `${root}[${JSON.stringify(key)}]`);
        ws();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let k = 0; ; k++) {
        value(`${path === '$' ? '' : path}[${k}]`);
        ws();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  };
  value('$');
  return lines;
}

/** 1-based line of character offset `pos` in `text`. */
export function lineOfOffset(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
