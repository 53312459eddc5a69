/**
 * Errors thrown by `@spatial/geom`: a `TypeError` (wrong type) or `RangeError` (wrong value) with a
 * stable `code`, and a message that names the argument and what was expected.
 * @module
 */

/** The stable error codes. */
export type SpatialErrorCode =
  | 'ERR_SPATIAL_SHAPE'
  | 'ERR_SPATIAL_TYPE'
  | 'ERR_SPATIAL_CAMERA'
  | 'ERR_SPATIAL_POSE'
  | 'ERR_SPATIAL_FORMAT'
  | 'ERR_SPATIAL_IO'
  /** A command line the CLI cannot run: unknown command or option, missing or bad option value (exit code 2). */
  | 'ERR_SPATIAL_USAGE';

/** An error with one of the stable codes. */
export type SpatialError = (TypeError | RangeError) & { code: SpatialErrorCode };

/** Creates the error: `TypeError` for `ERR_SPATIAL_TYPE`, `RangeError` otherwise. */
export function spatialError(code: SpatialErrorCode, message: string): SpatialError {
  const err = (code === 'ERR_SPATIAL_TYPE' ? new TypeError(message) : new RangeError(message)) as SpatialError;
  err.code = code;
  return err;
}

/** True for errors created by this library (native or TypeScript). */
export function isSpatialError(e: unknown): e is SpatialError {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_SPATIAL_');
}

/** A short description of a value for error messages ("Float32Array of length 10", "undefined"). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of length ${(v as unknown as { length: number }).length ?? v.byteLength}`;
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
