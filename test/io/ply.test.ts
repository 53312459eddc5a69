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
    await writeFile(path, header('ascii', ['element vertex 2', 'property float x', 'property float y', 'property float z']) + '1 2 3 4\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: `${path}:9: Expected 3 values for vertex 0 but received 4` });
    await writeFile(path, header('ascii', ['element vertex 2', 'property float x', 'property float y', 'property float z']) + '1 2 3\n');
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining('Expected 2 vertex lines but the file ends after 1') });
  });

  it('reports a truncated binary body with the byte offset', async () => {
    const path = join(dir, 'short.ply');
    const full = binaryPly([[1, 2, 3], [4, 5, 6]], true);
    await writeFile(path, full.subarray(0, full.length - 5));
    await expect(readPlyPoints(path)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/truncated binary body/) });
  });

  it('a missing file is ERR_SPATIAL_IO', async () => {
    await expect(readPlyPoints(join(dir, 'none.ply'))).rejects.toMatchObject({ code: 'ERR_SPATIAL_IO', message: expect.stringContaining('Cannot read PLY file') });
  });
});
