/**
 * Vertex positions of a PLY mesh (ASCII or binary little-endian; float or double x, y, z; other
 * vertex properties skipped). Enough for ScanNet's `_vh_clean_2.ply`.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { spatialError } from '../errors.js';

const SIZES: Record<string, number> = { char: 1, uchar: 1, int8: 1, uint8: 1, short: 2, ushort: 2, int16: 2, uint16: 2, int: 4, uint: 4, int32: 4, uint32: 4, float: 4, float32: 4, double: 8, float64: 8 };

export async function readPlyVertices(path: string): Promise<Float32Array> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    throw spatialError('ERR_SPATIAL_IO', `cannot read ${path}: no such file`);
  }
  const end = buf.indexOf('end_header');
  if (buf.subarray(0, 3).toString() !== 'ply' || end < 0) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:1: not a PLY file`);
  const headerEnd = buf.indexOf('\n', end) + 1;
  const header = buf.subarray(0, headerEnd).toString('latin1').split(/\r?\n/);
  const format = header.find((l) => l.startsWith('format'))?.split(/\s+/)[1];
  let vertices = -1;
  const props: { name: string; type: string }[] = [];
  let inVertex = false;
  header.forEach((l, i) => {
    const f = l.trim().split(/\s+/);
    if (f[0] === 'element') {
      inVertex = f[1] === 'vertex';
      if (inVertex) vertices = Number(f[2]);
    } else if (f[0] === 'property' && inVertex) {
      if (f[1] === 'list') throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${i + 1}: list properties on vertices are not supported`);
      if (!(f[1] in SIZES)) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${i + 1}: unknown property type ${f[1]}`);
      props.push({ name: f[2], type: f[1] });
    }
  });
  const xi = props.findIndex((p) => p.name === 'x'), yi = props.findIndex((p) => p.name === 'y'), zi = props.findIndex((p) => p.name === 'z');
  if (!(vertices >= 0) || xi < 0 || yi < 0 || zi < 0) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: the header has no vertex element with x, y, z`);
  const out = new Float32Array(3 * vertices);
  if (format === 'ascii') {
    const lines = buf.subarray(headerEnd).toString('latin1').split(/\r?\n/);
    const headerLines = header.length - 1;
    for (let v = 0; v < vertices; v++) {
      const f = (lines[v] ?? '').trim().split(/\s+/).map(Number);
      if (f.length < props.length || [xi, yi, zi].some((k) => !Number.isFinite(f[k]))) throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${headerLines + v + 1}: bad vertex`);
      out.set([f[xi], f[yi], f[zi]], 3 * v);
    }
    return out;
  }
  if (format !== 'binary_little_endian') throw spatialError('ERR_SPATIAL_FORMAT', `${path}: PLY format ${format} is not supported (ascii or binary_little_endian)`);
  const offsets: number[] = [];
  let stride = 0;
  for (const p of props) { offsets.push(stride); stride += SIZES[p.type]; }
  if (headerEnd + stride * vertices > buf.length) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: file is shorter than its ${vertices} vertices`);
  const read = (o: number, type: string) => (SIZES[type] === 8 ? buf.readDoubleLE(o) : buf.readFloatLE(o));
  for (let v = 0; v < vertices; v++) {
    const base = headerEnd + v * stride;
    out[3 * v] = read(base + offsets[xi], props[xi].type);
    out[3 * v + 1] = read(base + offsets[yi], props[yi].type);
    out[3 * v + 2] = read(base + offsets[zi], props[zi].type);
  }
  return out;
}
