// Writers of .npy arrays and .npz (zip) archives for tests, with every field under the test's
// control: a member's declared uncompressed size can lie, its deflate stream can be hand-built.
import { deflateRawSync, constants as zc } from 'node:zlib';
import sharp from 'sharp';

/** A `.npy` (version 1) array: header for `descr` and `shape`, then `data` as given. */
export function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** Little-endian bytes of a typed array. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** `.npy` of float32 (`<f4`), float64 (`<f8`), uint8 (`|u1`), int32 (`<i4`) or bool (`|b1`) values. */
export function npyOf(values: ArrayLike<number>, shape: number[], descr: '<f4' | '<f8' | '|u1' | '<i4' | '|b1' = '<f8'): Uint8Array {
  const arr = descr === '<f4' ? Float32Array.from(values) : descr === '<f8' ? Float64Array.from(values) : descr === '<i4' ? Int32Array.from(values) : Uint8Array.from(values);
  return npy(descr, shape, bytesOf(arr));
}

/** `.npy` of fixed-width byte strings (`|S<n>`), as `np.asarray(list_of_bytes)` writes them. */
export function npyBytes(items: Uint8Array[]): Uint8Array {
  const n = Math.max(1, ...items.map((b) => b.length));
  const data = new Uint8Array(n * items.length);
  items.forEach((b, i) => data.set(b, i * n));
  return npy(`|S${n}`, [items.length], data);
}

/** One zip member: stored or deflated; `declaredSize` overrides the uncompressed size written. */
export interface ZipMember {
  name: string;
  data?: Uint8Array;
  deflate?: boolean;
  /** A ready raw deflate stream (then `data` is not used for the payload). */
  rawDeflate?: Uint8Array;
  declaredSize?: number;
}

/** A zip archive (no zip64): local headers, data, central directory, end record. CRCs are 0. */
export function zip(members: ZipMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const payload = m.rawDeflate ?? (m.deflate ? deflateRawSync(m.data!) : m.data!);
    const method = m.rawDeflate || m.deflate ? 8 : 0;
    const size = m.declaredSize ?? m.data?.length ?? 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(payload.length, 20);
    dir.writeUInt32LE(size >>> 0, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, payload);
    central.push(dir, name);
    offset += local.length + name.length + payload.length;
  }
  const dirSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/**
 * A raw deflate stream that inflates to `mib` MiB of zeros from about `mib` KiB: one flushed block
 * of 1 MiB of zeros repeated, then an empty final block (a zip bomb without the cost of compressing).
 */
export function zeroBomb(mib: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: zc.Z_FULL_FLUSH });
  const final = deflateRawSync(new Uint8Array(0));
  return Buffer.concat([...Array.from({ length: mib }, () => block), final]);
}

/**
 * The members of a valid TAPVid-3D clip: T frames of N tracks on a plane 2 m ahead, all visible,
 * fx_fy_cx_cy (30, 31, 15.5, 11.5), one 32x24 JPEG per frame as `|S` bytes, and with `extrinsics`
 * identity camera-from-world poses.
 */
export async function clipNpzMembers(t = 3, n = 8, opts: { extrinsics?: boolean } = {}): Promise<ZipMember[]> {
  const tracks = new Float32Array(t * n * 3);
  for (let f = 0; f < t; f++) for (let i = 0; i < n; i++) tracks.set([0.05 * (i % 4) - 0.1 + 0.01 * f, 0.05 * Math.floor(i / 4) - 0.05, 2], 3 * (f * n + i));
  const jpegs = await Promise.all(Array.from({ length: t }, (_, f) => sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 40 * f, g: 90, b: 20 } } }).jpeg().toBuffer()));
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  return [
    { name: 'tracks_XYZ.npy', data: npyOf(tracks, [t, n, 3], '<f4'), deflate: true },
    { name: 'visibility.npy', data: npyOf(new Uint8Array(t * n).fill(1), [t, n], '|b1') },
    { name: 'fx_fy_cx_cy.npy', data: npyOf([30, 31, 15.5, 11.5], [4]) },
    ...(opts.extrinsics ? [{ name: 'extrinsics_w2c.npy', data: npyOf(Array.from({ length: t }, () => identity).flat(), [t, 4, 4]), deflate: true }] : []),
    { name: 'images_jpeg_bytes.npy', data: npyBytes(jpegs.map((b) => new Uint8Array(b))) },
  ];
}
