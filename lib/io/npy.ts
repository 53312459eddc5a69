/**
 * NumPy `.npy` arrays and `.npz` archives, read and written with maintained packages: `fflate` opens
 * and writes the zip
 * (stored or deflated, as `np.savez` / `np.savez_compressed` write it) and `npyjs` decodes numeric
 * arrays. Two dtypes npyjs does not cover are handled here because TAPVid-3D stores its JPEG frames
 * in them: fixed-width bytes (`|S<n>`, what `np.asarray(list_of_bytes)` gives) and object arrays
 * (`|O`, pickled; the pickle is read by `pickleparser`). {@link encodeNpz} writes with npyjs's `dump`.
 * @module
 */
import { unzipSync, zipSync } from 'fflate';
import { dump as dumpNpy, parse as parseNumeric } from 'npyjs';
import { Parser as PickleParser } from 'pickleparser';
import { isSpatialError, spatialError } from '../errors.js';
import { readBytes } from './files.js';

/** Element arrays npyjs returns for numeric dtypes. */
export type NumericArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/**
 * The elements of a `|S` or `|O` array of byte strings, without one object per element: `at(i)`
 * makes the view of element i when it is asked for (an array of a million empty strings costs
 * nothing until read).
 */
export class ByteStrings {
  constructor(readonly length: number, private readonly get: (i: number) => Uint8Array) {}
  /** Element i (0 <= i < length). */
  at(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw spatialError('ERR_SPATIAL_SHAPE', `byte string index must be an integer in [0, ${this.length}) (got ${i})`);
    return this.get(i);
  }
}

/** One decoded array: numeric data, or byte strings for `|S` / `|O` arrays. */
export interface NpyArray {
  /** NumPy dtype without byte order, e.g. `f4`, `b1`, `S1234`, `O`. */
  dtype: string;
  shape: number[];
  /** Row-major (C order) elements. */
  data: NumericArray | ByteStrings;
}

/** Options of {@link readNpz}. */
export interface ReadNpzOptions {
  /** Read only these arrays (names without `.npy`); other members are never inflated. Default: all. */
  keys?: readonly string[];
  /**
   * Most bytes the arrays read may take once decompressed, all together [the environment variable
   * `SPATIAL_NPZ_MAX_BYTES`, else 2 GiB]. Checked against the sizes the zip declares before anything
   * is inflated.
   */
  maxBytes?: number;
}

/** The default decompressed-size budget of {@link readNpz}: `SPATIAL_NPZ_MAX_BYTES` or 2 GiB. */
export function defaultNpzMaxBytes(): number {
  const env = process.env.SPATIAL_NPZ_MAX_BYTES;
  if (env === undefined || env === '') return 2 ** 31;
  const v = Number(env);
  if (!Number.isSafeInteger(v) || v < 1) throw spatialError('ERR_SPATIAL_TYPE', `Expected a positive integer (bytes) for the environment variable SPATIAL_NPZ_MAX_BYTES but received ${JSON.stringify(env)}`);
  return v;
}

/** Deflate's best ratio is 1032:1 (258-byte matches in about 2 bits): a member declaring more lies. */
const MAX_DEFLATE_RATIO = 1032;

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
function fixedBytes(bytes: Uint8Array, h: NpyHeader, itemSize: number, count: number): ByteStrings {
  return new ByteStrings(count, (i) => {
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
function pickledBytes(bytes: Uint8Array, h: NpyHeader, count: number, source: string): ByteStrings {
  // Every element takes at least one opcode byte of the pickle: a larger shape is a false one.
  if (count > bytes.length - h.dataOffset)
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: shape (${h.shape}) declares ${count} objects but the pickle has only ${bytes.length - h.dataOffset} bytes`);
  let parsed: unknown;
  try {
    parsed = new PickleParser().parse(bytes.subarray(h.dataOffset));
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: cannot read the pickled object array: ${(e as Error).message}`);
  }
  const elements = (parsed as Record<string, unknown> | null)?.['4'];
  if (!Array.isArray(elements) || elements.length !== count || !elements.every((e) => e instanceof Uint8Array))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected an object array of ${count} byte strings but the pickle holds something else`);
  return new ByteStrings(count, (i) => elements[i] as Uint8Array);
}

/** Bytes per element of the dtypes read here (npyjs's numeric ones, `|S<n>`); undefined for `|O` and others. */
function itemSizeOf(descr: string): number | undefined {
  const s = /^\|S(\d+)$/.exec(descr);
  if (s) return Number(s[1]);
  const m = /^[<>|=]([iufb])(\d+)$/.exec(descr);
  return m ? Number(m[2]) : undefined;
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
  // The declared shape must match the bytes that are there, before anything is allocated for it.
  const itemSize = itemSizeOf(h.descr);
  const have = bytes.length - h.dataOffset;
  if (itemSize !== undefined && count * itemSize !== have)
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: shape (${h.shape}) of dtype ${h.descr} needs ${count * itemSize} bytes but the array holds ${have}`);
  const s = /^\|S(\d+)$/.exec(h.descr);
  if (s) return { dtype: `S${s[1]}`, shape: h.shape, data: fixedBytes(bytes, h, Number(s[1]), count) };
  if (h.descr === '|O') return { dtype: 'O', shape: h.shape, data: pickledBytes(bytes, h, count, source) };
  if (h.descr.startsWith('>') && !/^>[iuf]1$/.test(h.descr))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: big-endian dtype ${h.descr} is not supported`);
  if (!/^[<>|=]([iuf]\d+|b1)$/.test(h.descr))
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: unsupported dtype ${h.descr} (expected a numeric, bool, |S or |O array)`);
  // Booleans as 0/1 bytes like NumPy stores them (npyjs would make an Array of booleans).
  if (/^[|<>=]b1$/.test(h.descr)) return { dtype: 'b1', shape: h.shape, data: bytes.subarray(h.dataOffset, h.dataOffset + count) };
  let arr;
  try {
    // npyjs takes an ArrayBuffer: hand over the member's own buffer when it is exactly the member.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    arr = parseNumeric((own ? bytes : bytes.slice()).buffer as ArrayBuffer);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${source}: cannot decode dtype ${h.descr}: ${(e as Error).message}`);
  }
  const data = arr.data as unknown as NumericArray;
  if (!ArrayBuffer.isView(data) || data.length !== count) throw spatialError('ERR_SPATIAL_FORMAT', `${source}: Expected ${count} elements of dtype ${h.descr} for shape (${h.shape})`);
  return { dtype: h.descr.replace(/^[<>|=]/, ''), shape: h.shape, data };
}

/**
 * Reads the arrays of a `.npz` archive (`np.savez` or `np.savez_compressed`): all of them, or only
 * `opts.keys`, whose members alone are inflated.
 *
 * Sizes are checked before memory is allocated: a member's declared uncompressed size must be
 * possible for its compressed size (deflate compresses at most 1032:1; a stored member is as large
 * as it is stored), the members read must fit `opts.maxBytes` together, a member must inflate to
 * exactly its declared size, and an array's shape times its dtype size must be the bytes it holds.
 * @returns arrays by name (the member name without `.npy`).
 * @throws ERR_SPATIAL_IO when the file cannot be read; ERR_SPATIAL_FORMAT naming the file (and the
 *   member) when it is not a zip of `.npy` members, a size does not add up, or an array cannot be
 *   decoded.
 * @example const arrays = await readNpz('clip.npz', { keys: ['tracks_XYZ'] }); arrays.get('tracks_XYZ')?.shape // [T, N, 3]
 */
export async function readNpz(path: string, opts: ReadNpzOptions = {}): Promise<Map<string, NpyArray>> {
  const maxBytes = opts.maxBytes ?? defaultNpzMaxBytes();
  const bytes = await readBytes(path, '.npz archive');
  const wanted = (name: string) => name.endsWith('.npy') && (!opts.keys || opts.keys.includes(name.slice(0, -4)));
  const declared = new Map<string, number>();
  let budget = maxBytes;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      // Runs for every member before it is inflated: the place to refuse what cannot be true.
      filter: (f) => {
        if (!wanted(f.name)) return false;
        const key = f.name.slice(0, -4);
        const what = `${path} ${key}: the zip entry declares ${f.originalSize} bytes`;
        if (f.compression === 0 && f.originalSize !== f.size) throw spatialError('ERR_SPATIAL_FORMAT', `${what} but stores ${f.size} uncompressed`);
        if (f.compression === 8 && f.originalSize > MAX_DEFLATE_RATIO * f.size + 1024)
          throw spatialError('ERR_SPATIAL_FORMAT', `${what}, more than deflate can make of its ${f.size} compressed bytes`);
        if (f.originalSize > budget)
          throw spatialError('ERR_SPATIAL_FORMAT', `${what}, over the ${maxBytes}-byte budget for the arrays read (opts.maxBytes or SPATIAL_NPZ_MAX_BYTES)`);
        budget -= f.originalSize;
        declared.set(f.name, f.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (isSpatialError(e)) throw e;
    throw spatialError('ERR_SPATIAL_FORMAT', `${path}: Expected a .npz (zip) archive but it cannot be unzipped: ${(e as Error).message}`);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    const key = name.slice(0, -4);
    // fflate inflates into a buffer of the declared size: a stream that ends early comes back short,
    // one that runs on is cut at the declared size, where the .npy's own size check catches it.
    if (data.length !== declared.get(name))
      throw spatialError('ERR_SPATIAL_FORMAT', `${path} ${key}: the zip entry declares ${declared.get(name)} bytes but the member inflates to ${data.length}`);
    out.set(key, parseNpy(data, `${path} ${key}`));
  }
  return out;
}

/** Reads one `.npy` file. */
export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readBytes(path, '.npy array'), path);
}

/** One array to write: row-major data (numbers, or strings for a `<U` array) and its shape. */
export interface NpzMember {
  data: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | string[];
  /** Shape; `[]` for a scalar. Its product must equal the data's length. */
  shape: number[];
}

/**
 * An `.npz` archive of the arrays in `members` (in their order), as `np.savez_compressed` writes
 * one: each array an `.npy` (npyjs `dump`: `<f4`, `<f8`, `|u1`, `<i4`, `<u4`, ..., `<U<n>` for
 * strings) deflated in a zip (fflate). `np.load(path)[name]` gives each back with its dtype and shape.
 * @throws ERR_SPATIAL_SHAPE when a member's shape does not match its data's length.
 * @example await writeFileAtomic('t.npz', encodeNpz({ x: { data: Float32Array.of(1, 2), shape: [2] } }));
 */
export function encodeNpz(members: Record<string, NpzMember>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, m] of Object.entries(members)) {
    const count = m.shape.reduce((a, b) => a * b, 1);
    if (!m.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== m.data.length)
      throw spatialError('ERR_SPATIAL_SHAPE', `npz member ${name}: shape (${m.shape.join(', ')}) holds ${count} values but its data has ${m.data.length}`);
    files[`${name}.npy`] = new Uint8Array(dumpNpy(m.data, m.shape));
  }
  return zipSync(files, { level: 6 });
}
