/**
 * PLY vertex positions (e.g. ScanNet's `<scene>_vh_clean_2.ply` mesh): the x, y, z of the `vertex`
 * element, nothing else (faces, colours and normals are skipped).
 *
 * Supported: `format ascii 1.0`, `binary_little_endian 1.0` and `binary_big_endian 1.0`; scalar
 * types char/uchar/short/ushort/int/uint/float/double and their sized aliases (int8 ... float64);
 * list properties in any element (elements before `vertex` are skipped, element by element);
 * `comment` and `obj_info` header lines. Not supported: x, y or z as list properties.
 * @module
 */
import { formatError, parseNumberToken } from './text.js';
import { checkPath, readBytes } from './files.js';

type ScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const TYPES: Record<string, ScalarType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};

const SIZE: Record<ScalarType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

interface Property {
  name: string;
  type: ScalarType;
  /** Type of the item count for list properties. */
  countType?: ScalarType;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
  line: number;
}

interface Header {
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  elements: Element[];
  /** Byte offset of the body. */
  bodyOffset: number;
  /** Number of header lines (the body's first line is headerLines + 1). */
  headerLines: number;
}

function parseHeader(bytes: Uint8Array, file: string): Header {
  // The header is ASCII and ends with the line "end_header".
  const limit = Math.min(bytes.length, 1 << 20);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, limit).toString('latin1');
  const end = /(^|\n)end_header\r?\n/.exec(head);
  if (!head.startsWith('ply')) throw formatError(file, 1, `Expected the magic line "ply" but received ${JSON.stringify(head.slice(0, 16).split('\n')[0])}`);
  if (!end) throw formatError(file, undefined, 'Expected an "end_header" line in the first 1 MiB but found none');
  const bodyOffset = end.index + end[0].length;
  const lines = head.slice(0, bodyOffset).split('\n').map((l) => l.replace(/\r$/, ''));
  lines.pop(); // empty string after the final newline
  let format: Header['format'] | undefined;
  const elements: Element[] = [];
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const tokens = lines[i].trim().split(/\s+/);
    const kw = tokens[0];
    if (kw === 'comment' || kw === 'obj_info' || kw === '' || kw === 'end_header') continue;
    if (kw === 'format') {
      if (tokens[1] !== 'ascii' && tokens[1] !== 'binary_little_endian' && tokens[1] !== 'binary_big_endian')
        throw formatError(file, lineNo, `Expected format ascii, binary_little_endian or binary_big_endian but received ${JSON.stringify(tokens[1] ?? '')}`);
      format = tokens[1];
    } else if (kw === 'element') {
      const count = Number(tokens[2]);
      if (tokens.length !== 3 || !/^\d+$/.test(tokens[2])) throw formatError(file, lineNo, `Expected "element <name> <count>" but received ${JSON.stringify(lines[i])}`);
      if (!Number.isSafeInteger(count)) throw formatError(file, lineNo, `Expected an element count below 2^53 but received ${tokens[2]}`);
      elements.push({ name: tokens[1], count, properties: [], line: lineNo });
    } else if (kw === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw formatError(file, lineNo, 'Expected an "element" line before the first "property"');
      if (tokens[1] === 'list') {
        const countType = TYPES[tokens[2]], type = TYPES[tokens[3]];
        if (tokens.length !== 5 || !countType || !type) throw formatError(file, lineNo, `Expected "property list <count-type> <item-type> <name>" but received ${JSON.stringify(lines[i])}`);
        el.properties.push({ name: tokens[4], type, countType });
      } else {
        const type = TYPES[tokens[1]];
        if (tokens.length !== 3 || !type) throw formatError(file, lineNo, `Expected "property <type> <name>" with a PLY scalar type but received ${JSON.stringify(lines[i])}`);
        el.properties.push({ name: tokens[2], type });
      }
    } else {
      throw formatError(file, lineNo, `Unexpected PLY header line ${JSON.stringify(lines[i])}`);
    }
  }
  if (!format) throw formatError(file, undefined, 'Expected a "format" line in the header but found none');
  return { format, elements, bodyOffset, headerLines: lines.length };
}

/**
 * Checks every element's declared count against the body before anything is allocated for it: an
 * instance takes at least its scalars' bytes plus one count per list (binary), or two bytes (a digit
 * and a separator) per value (ASCII), so a count the file cannot hold is a false one.
 */
function checkCounts(header: Header, bodyBytes: number, file: string): void {
  const binary = header.format !== 'ascii';
  // ASCII: the last value of the file needs no separator after it.
  let left = binary ? bodyBytes : bodyBytes + 1;
  header.elements.forEach((el, k) => {
    const perInstance = el.properties.reduce((sum, p) => sum + (binary ? SIZE[p.countType ?? p.type] : 2), 0);
    if (el.count * perInstance <= left) {
      left -= el.count * perInstance;
      return;
    }
    const after = k > 0 ? ' and the elements before it' : '';
    throw formatError(
      file, el.line,
      binary
        ? `element ${el.name} declares ${el.count} instances of at least ${perInstance} bytes but only ${left} bytes follow the header${after}`
        : `element ${el.name} declares ${el.count} instances of ${el.properties.length} values but the ASCII body has only ${left - 1} bytes left for it (a value and its separator take at least 2)`,
    );
  });
}

function readScalar(view: DataView, offset: number, type: ScalarType, le: boolean): number {
  switch (type) {
    case 'int8': return view.getInt8(offset);
    case 'uint8': return view.getUint8(offset);
    case 'int16': return view.getInt16(offset, le);
    case 'uint16': return view.getUint16(offset, le);
    case 'int32': return view.getInt32(offset, le);
    case 'uint32': return view.getUint32(offset, le);
    case 'float32': return view.getFloat32(offset, le);
    case 'float64': return view.getFloat64(offset, le);
  }
}

function vertexLayout(el: Element | undefined, file: string): [number, number, number] {
  if (!el) throw formatError(file, undefined, 'Expected a "vertex" element in the header but found none');
  const idx = ['x', 'y', 'z'].map((n) => el.properties.findIndex((p) => p.name === n));
  for (let k = 0; k < 3; k++) {
    if (idx[k] < 0) throw formatError(file, el.line, `Expected a property "${'xyz'[k]}" in element vertex but found none`);
    if (el.properties[idx[k]].countType) throw formatError(file, el.line, `Expected "${'xyz'[k]}" to be a scalar property, not a list`);
  }
  return idx as [number, number, number];
}

function readAscii(text: string, header: Header, file: string): Float32Array {
  const vertexIndex = header.elements.findIndex((e) => e.name === 'vertex');
  const vertex = header.elements[vertexIndex];
  const [ix, iy, iz] = vertexLayout(vertex, file);
  const lines = text.split('\n');
  // The body's first line is header.headerLines + 1; one element instance per non-empty line.
  let li = 0;
  const next = (): { tokens: string[]; line: number } | undefined => {
    while (li < lines.length) {
      const t = lines[li++].trim();
      if (t !== '') return { tokens: t.split(/\s+/), line: header.headerLines + li };
    }
    return undefined;
  };
  for (let e = 0; e < vertexIndex; e++)
    for (let k = 0; k < header.elements[e].count; k++)
      if (!next()) throw formatError(file, header.headerLines + lines.length, `Expected ${header.elements[e].count} ${header.elements[e].name} lines but the file ends`);
  const out = new Float32Array(3 * vertex.count);
  const roles = vertex.properties.map((_, pi) => [ix, iy, iz].indexOf(pi));
  for (let k = 0; k < vertex.count; k++) {
    const l = next();
    if (!l) throw formatError(file, header.headerLines + lines.length, `Expected ${vertex.count} vertex lines but the file ends after ${k}`);
    // Walk the properties: a list property is its item count followed by that many items.
    let pos = 0;
    vertex.properties.forEach((p, pi) => {
      const tok = l.tokens[pos];
      if (tok === undefined) throw formatError(file, l.line, `Expected a value for vertex ${k} property ${p.name} but the line ends`);
      const v = parseNumberToken(tok, file, l.line, `vertex ${k} property ${p.name}`, true);
      if (p.countType) {
        if (!Number.isInteger(v) || v < 0) throw formatError(file, l.line, `Expected a list length for vertex ${k} property ${p.name} but received ${JSON.stringify(tok)}`);
        pos += 1 + v;
      } else {
        if (roles[pi] >= 0) out[3 * k + roles[pi]] = v;
        pos++;
      }
    });
    if (pos !== l.tokens.length) throw formatError(file, l.line, `Expected ${pos} values for vertex ${k} but received ${l.tokens.length}`);
  }
  return out;
}

function readBinary(bytes: Uint8Array, header: Header, file: string): Float32Array {
  const le = header.format === 'binary_little_endian';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = header.bodyOffset;
  const need = (n: number, what: string) => {
    if (offset + n > bytes.length)
      throw formatError(file, undefined, `Expected ${what} at byte ${offset} but the file ends at byte ${bytes.length} (truncated binary body)`);
  };
  const skipInstance = (props: Property[], what: string) => {
    for (const p of props) {
      if (p.countType) {
        need(SIZE[p.countType], what);
        const n = readScalar(view, offset, p.countType, le);
        offset += SIZE[p.countType];
        need(n * SIZE[p.type], what);
        offset += n * SIZE[p.type];
      } else {
        need(SIZE[p.type], what);
        offset += SIZE[p.type];
      }
    }
  };
  const vertexIndex = header.elements.findIndex((e) => e.name === 'vertex');
  const vertex = header.elements[vertexIndex];
  const idx = vertexLayout(vertex, file);
  for (let e = 0; e < vertexIndex; e++) {
    const el = header.elements[e];
    for (let k = 0; k < el.count; k++) skipInstance(el.properties, `${el.name} ${k}`);
  }
  const out = new Float32Array(3 * vertex.count);
  const fixed = vertex.properties.every((p) => !p.countType);
  if (fixed) {
    // Fixed stride: offsets of x, y, z inside one vertex record.
    const offs: number[] = [];
    let stride = 0;
    for (const p of vertex.properties) { offs.push(stride); stride += SIZE[p.type]; }
    need(stride * vertex.count, `${vertex.count} vertices of ${stride} bytes`);
    const [ox, oy, oz] = idx.map((i) => offs[i]);
    const [tx, ty, tz] = idx.map((i) => vertex.properties[i].type);
    for (let k = 0; k < vertex.count; k++, offset += stride) {
      out[3 * k] = readScalar(view, offset + ox, tx, le);
      out[3 * k + 1] = readScalar(view, offset + oy, ty, le);
      out[3 * k + 2] = readScalar(view, offset + oz, tz, le);
    }
    return out;
  }
  for (let k = 0; k < vertex.count; k++) {
    vertex.properties.forEach((p, pi) => {
      const c = idx.indexOf(pi);
      if (c >= 0) {
        need(SIZE[p.type], `vertex ${k}`);
        out[3 * k + c] = readScalar(view, offset, p.type, le);
        offset += SIZE[p.type];
      } else {
        skipInstance([p], `vertex ${k}`);
      }
    });
  }
  return out;
}

/**
 * Reads the vertex positions of a PLY file (ASCII or binary, either byte order).
 * @returns 3N interleaved xyz (Float32Array), in the file's coordinates and units.
 * @throws ERR_SPATIAL_IO when the file cannot be read; ERR_SPATIAL_FORMAT naming the file (and the
 *   1-based line for header and ASCII-body errors, the byte offset for binary ones) when it is not a
 *   PLY file with a vertex element holding scalar x, y, z.
 * @example const points = await readPlyPoints('scene0000_00/scene0000_00_vh_clean_2.ply');
 */
export async function readPlyPoints(path: string): Promise<Float32Array> {
  checkPath(path);
  const bytes = await readBytes(path, 'PLY file');
  const header = parseHeader(bytes, path);
  checkCounts(header, bytes.length - header.bodyOffset, path);
  if (header.format === 'ascii') {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset + header.bodyOffset, bytes.length - header.bodyOffset).toString('latin1');
    return readAscii(body, header, path);
  }
  return readBinary(bytes, header, path);
}
