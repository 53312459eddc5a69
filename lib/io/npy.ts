/**
 * NumPy `.npy` arrays and `.npz` archives, read with maintained packages: `fflate` opens the zip
 * (stored or deflated, as `np.savez` / `np.savez_compressed` write it) and `npyjs` decodes numeric
 * arrays. Two dtypes npyjs does not cover are handled here because TAPVid-3D stores its JPEG frames
 * in them: fixed-width bytes (`|S<n>`, what `np.asarray(list_of_bytes)` gives) and object arrays
 * (`|O`, pickled; the pickle is read by `pickleparser`).
 * @module
 */
import { unzipSync } from 'fflate';
import { parse as parseNumeric } from 'npyjs';
import { Parser as PickleParser } from 'pickleparser';
import { spatialError } from '../errors.js';
import { readBytes } from './files.js';

/** Element arrays npyjs returns for numeric dtypes. */
export type NumericArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** One decoded array: numeric data, or a list of byte strings for `|S` / `|O` arrays. */
export interface NpyArray {
  /** NumPy dtype without byte order, e.g. `f4`, `b1`, `S1234`, `O`. */
  dtype: string;
  shape: number[];
  /** Row-major (C order) elements. */
  data: NumericArray | Uint8Array[];
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

/** The `.npy` header (format versions 1-3). */
function parseHeader(bytes: Uint8Array, source: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected a .npy array (magic \\x93NUMPY) but the bytes do not start with it`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [len, start] = major === 1 ? [view.getUint16(8, true), 10] : [bytes.length >= 12 ? view.getUint32(8, true) : 0, 12];
  if (start + len > bytes.length) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: truncated .npy header`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + len));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: malformed .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: bad shape (${shapeText}) in .npy header`);
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + len };
}

/** Byte strings of a fixed-width `|S<n>` array; NumPy drops trailing NUL bytes on access, so do we. */
function fixedBytes(bytes: Uint8Array, h: NpyHeader, itemSize: number, count: number, source: string): Uint8Array[] {
  if (h.dataOffset + itemSize * count > bytes.length) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: truncated |S${itemSize} data`);
  return Array.from({ length: count }, (_, i) => {
    const item = bytes.subarray(h.dataOffset + i * itemSize, h.dataOffset + (i + 1) * itemSize);
    let end = item.length;
    while (end > 0 && item[end - 1] === 0) end--;
    return item.subarray(0, end);
  });
}

/**
 * Byte strings of a pickled object array. NumPy pickles `ndarray.__reduce__`: a reconstruct call,
 * then a BUILD whose state is `(version, shape, dtype, is_fortran, [elements])`; pickleparser
 * returns that state as an object with keys 0-4.
 */
function pickledBytes(bytes: Uint8Array, h: NpyHeader, count: number, source: string): Uint8Array[] {
  let parsed: unknown;
  try {
    parsed = new PickleParser().parse(bytes.subarray(h.dataOffset));
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: cannot read the pickled object array: ${(e as Error).message}`);
  }
  const elements = (parsed as Record<string, unknown> | null)?.['4'];
  if (!Array.isArray(elements) || elements.length !== count || !elements.every((e) => e instanceof Uint8Array))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected an object array of ${count} byte strings but the pickle holds something else`);
  return elements as Uint8Array[];
}

/**
 * Decodes one `.npy` array held in memory.
 * @param source - name for error messages (`clip.npz tracks_XYZ`).
 * @throws ERR_SPATIAL_FORMAT on a malformed array, a big-endian or unsupported dtype, or a
 *   Fortran-ordered array of more than one dimension.
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const h = parseHeader(bytes, source);
  if (h.fortranOrder && h.shape.filter((d) => d > 1).length > 1)
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Fortran-ordered arrays are not supported (save with np.ascontiguousarray)`);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const s = /^\|S(\d+)$/.exec(h.descr);
  if (s) return { dtype: `S${s[1]}`, shape: h.shape, data: fixedBytes(bytes, h, Number(s[1]), count, source) };
  if (h.descr === '|O') return { dtype: 'O', shape: h.shape, data: pickledBytes(bytes, h, count, source) };
  if (h.descr.startsWith('>') && !/^>[iuf]1$/.test(h.descr))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: big-endian dtype ${h.descr} is not supported`);
  let arr;
  try {
    arr = parseNumeric(bytes.slice().buffer);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: cannot decode dtype ${h.descr}: ${(e as Error).message}`);
  }
  // npyjs gives booleans (b1) as a plain array: store them as 0/1 bytes like NumPy does.
  const raw = arr.data as unknown as NumericArray | boolean[];
  const data = Array.isArray(raw) ? Uint8Array.from(raw, (b) => (b ? 1 : 0)) : raw;
  if (data.length !== count) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected ${count} elements for shape (${h.shape}) but received ${data.length}`);
  return { dtype: h.descr.replace(/^[<>|=]/, ''), shape: h.shape, data };
}

/**
 * Reads every array of a `.npz` archive (`np.savez` or `np.savez_compressed`).
 * @returns arrays by name (the member name without `.npy`).
 * @throws ERR_SPATIAL_IO when the file cannot be read; ERR_SPATIAL_FORMAT when it is not a zip of
 *   `.npy` members or an array cannot be decoded.
 * @example const arrays = await readNpz('clip.npz'); arrays.get('tracks_XYZ')?.shape // [T, N, 3]
 */
export async function readNpz(path: string): Promise<Map<string, NpyArray>> {
  const bytes = await readBytes(path, '.npz archive');
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${path}: Expected a .npz (zip) archive but it cannot be unzipped: ${(e as Error).message}`);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    out.set(key, parseNpy(data, `${path} ${key}`));
  }
  return out;
}

/** Reads one `.npy` file. */
export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readBytes(path, '.npy array'), path);
}
