// PLY vertex reader: ASCII and binary (both byte orders), skipped elements and lists, errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlyPoints } from '../../lib/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spatial-io-ply-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = (format: string, body: string[]) => ['ply', `format ${format} 1.0`, 'comment made by a test', ...body, 'end_header', ''].join('\n');

/** A binary PLY: faces (a list element) first, then vertices as double x, float y, uchar red, float z, list. */
function binaryPly(points: number[][], littleEndian: boolean): Buffer {
  const head = header(littleEndian ? 'binary_little_endian' : 'binary_big_endian', [
    'element face 2',
    'property list uchar int vertex_indices',
    `element vertex ${points.length}`,
    'property double x',
    'property float y',
    'property uchar red',
    'property float z',
    'property list uchar ushort extra',
  ]);
  const faces = [[0, 1, 2], [2, 1]];
  const size = faces.reduce((s, f) => s + 1 + 4 * f.length, 0) + points.length * (8 + 4 + 1 + 4 + 1 + 2 * 2);
  const view = new DataView(new ArrayBuffer(size));
  let o = 0;
  for (const f of faces) {
    view.setUint8(o++, f.length);
    for (const i of f) { view.setInt32(o, i, littleEndian); o += 4; }
  }
  for (const [x, y, z] of points) {
    view.setFloat64(o, x, littleEndian); o += 8;
    view.setFloat32(o, y, littleEndian); o += 4;
    view.setUint8(o++, 200);
    view.setFloat32(o, z, littleEndian); o += 4;
    view.setUint8(o++, 2);
    view.setUint16(o, 7, littleEndian); o += 2;
    view.setUint16(o, 9, littleEndian); o += 2;
  }
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(view.buffer)]);
}

describe('readPlyPoints', () => {
  it('reads ASCII vertices after a skipped element, with a list property before x', async () => {
    const path = join(dir, 'a.ply');
    const text =
      header('ascii', ['element camera 1', 'property float f', 'element vertex 2', 'property list uchar int idx', 'property float x', 'property float y', 'property float z', 'element face 1', 'property list uchar int vertex_indices']) +
      '35.0\n2 7 8 1.5 -2 3e-1\n0 4 5 6\n3 0 1 1\n';
    await writeFile(path, text);
    expect(Array.from(await readPlyPoints(path))).toEqual(Array.from(Float32Array.of(1.5, -2, 0.3, 4, 5, 6)));
  });

  it.each([true, false])('reads binary vertices (little endian: %s) like the ASCII writer would', async (le) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.float({ noNaN: true }), fc.float({ noNaN: true }), fc.float({ noNaN: true })), { minLength: 0, maxLength: 20 }), async (pts) => {
        const path = join(dir, `b${le}.ply`);
        await writeFile(path, binaryPly(pts, le));
        // Exact: every coordinate is a float32 value, stored as double or float32 and read back.
        expect(Array.from(await readPlyPoints(path))).toEqual(pts.flat().map(Math.fround));
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it('reports header errors with the 1-based line', async () => {
    const path = join(dir, 'bad-header.ply');
    await writeFile(path, 'ply\nformat ascii 1.0\nelement vertex 1\nproperty flot x\nend_header\n1\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(new RegExp(`^${path}:4: Expected "property <type> <name>"`)) });
    await writeFile(path, 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nend_header\n1 2\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${path}:3: Expected a property "z" in element vertex but found none` });
    await writeFile(path, 'plx\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining(`${path}:1: Expected the magic line "ply"`) });
  });

  it('reports ASCII body errors with the 1-based line', async () => {
    const path = join(dir, 'bad-body.ply');
    await writeFile(path, header('ascii', ['element vertex 3', 'property float x', 'property float y', 'property float z']) + '1 2 3\n4 five 6\n7 8 9\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${path}:10: Expected a number for vertex 1 property y but received "five"` });
    await writeFile(path, header('ascii', ['element vertex 2', 'property float x', 'property float y', 'property float z']) + '1 2 3 4\n5 6 7\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${path}:9: Expected 3 values for vertex 0 but received 4` });
    await writeFile(path, header('ascii', ['element vertex 2', 'property float x', 'property float y', 'property float z']) + '1 2 3\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('element vertex declares 2 instances of 3 values but the ASCII body has only 6 bytes') });
    await writeFile(path, header('ascii', ['element vertex 2', 'property float x', 'property float y', 'property float z']) + '1 2 3\n\n\n\n\n\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('Expected 2 vertex lines but the file ends after 1') });
  });

  it('reports a truncated binary body with the byte offset', async () => {
    const path = join(dir, 'short.ply');
    const full = binaryPly([[1, 2, 3], [4, 5, 6]], true);
    await writeFile(path, full.subarray(0, full.length - 5));
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/truncated binary body/) });
  });

  it('a declared count the file cannot hold is ERR_SPATIAL_FORMAT naming the file, before anything is allocated', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      // 2^53 - 1 vertices of 12 bytes over a 12-byte body: the count alone would ask for 2^56 bytes.
      ['huge-binary.ply', Buffer.concat([Buffer.from(header('binary_little_endian', ['element vertex 9007199254740991', 'property float x', 'property float y', 'property float z'])), Buffer.alloc(12)]),
        /huge-binary\.ply:\d+: element vertex declares 9007199254740991 instances of at least 12 bytes but only 12 bytes follow the header/],
      // A false count: 1e9 vertices in three lines of ASCII.
      ['false-ascii.ply', header('ascii', ['element vertex 1000000000', 'property float x', 'property float y', 'property float z']) + '1 2 3\n4 5 6\n7 8 9\n',
        /false-ascii\.ply:\d+: element vertex declares 1000000000 instances of 3 values but the ASCII body has only \d+ bytes/],
      // 2^53 and beyond cannot even be represented exactly.
      ['unsafe.ply', header('ascii', ['element vertex 9007199254740992', 'property float x', 'property float y', 'property float z']), /unsafe\.ply:4: Expected an element count below 2\^53/],
      // Elements before the vertices count too (a list element: at least its count byte each).
      ['faces.ply', Buffer.concat([Buffer.from(header('binary_little_endian', ['element face 4000000000', 'property list uchar int vertex_indices', 'element vertex 1', 'property float x', 'property float y', 'property float z'])), Buffer.alloc(12)]),
        /faces\.ply:4: element face declares 4000000000 instances of at least 1 bytes/],
    ];
    for (const [name, content, msg] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      await expect(readPlyPoints(path), name).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(msg) });
    }
  });

  it('a missing file is ERR_SPATIAL_IO', async () => {
    await expect(readPlyPoints(join(dir, 'none.ply'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: expect.stringContaining('Cannot read PLY file') });
  });
});
