// .npz reading under hostile sizes: only the members asked for are inflated, declared sizes are
// checked against what deflate can produce and against the budget, shapes against the bytes held.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteStrings, parseNpy, readNpz } from '../../lib/io/npy.js';
import { npy, npyBytes, npyOf, zeroBomb, zip } from '../helpers/npz.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-npy-');
const file = (bytes: Uint8Array) => {
  const p = join(tmp(), 'a.npz');
  writeFileSync(p, bytes);
  return p;
};

describe('readNpz limits', () => {
  it('inflates only the keys asked for', async () => {
    const p = file(zip([{ name: 'a.npy', data: npyOf([1, 2], [2]) }, { name: 'bomb.npy', rawDeflate: zeroBomb(64), declaredSize: 64 << 20 }]));
    const only = await readNpz(p, { keys: ['a'] });
    expect([...only.keys()]).toEqual(['a']);
    expect(Array.from(only.get('a')!.data as Float64Array)).toEqual([1, 2]);
  });

  it('checks the budget (option and SPATIAL_NPZ_MAX_BYTES) before inflating', async () => {
    const p = file(zip([{ name: 'a.npy', data: npyOf(new Float64Array(1000), [1000]), deflate: true }]));
    await expect(readNpz(p, { maxBytes: 4000 })).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/a\.npz a: .*over the 4000-byte budget/) });
    process.env.SPATIAL_NPZ_MAX_BYTES = '4000';
    try {
      await expect(readNpz(p)).rejects.toMatchObject({ message: expect.stringMatching(/4000-byte budget/) });
    } finally {
      delete process.env.SPATIAL_NPZ_MAX_BYTES;
    }
    expect((await readNpz(p)).get('a')!.shape).toEqual([1000]);
  });

  it('rejects stored members whose declared size differs from the stored one', async () => {
    const data = npyOf([1, 2], [2]);
    await expect(readNpz(file(zip([{ name: 'a.npy', data, declaredSize: data.length + 8 }])))).rejects.toMatchObject({
      code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/declares \d+ bytes but stores \d+ uncompressed/),
    });
  });
});

describe('parseNpy sizes', () => {
  it('a shape that does not match the bytes is rejected for numeric, |S and |O dtypes', () => {
    expect(() => parseNpy(npy('<f4', [1e9, 1e9], new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/x: shape \(1000000000,1000000000\) of dtype <f4 needs 4000000000000000000 bytes but the array holds 8/) }));
    expect(() => parseNpy(npy('|S4', [3], new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT' }));
    expect(() => parseNpy(npy('|O', [1e8], new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/100000000 objects/) }));
  });

  it('byte strings are views made on demand, NULs trimmed', () => {
    const a = parseNpy(npyBytes([Uint8Array.of(1, 2), Uint8Array.of(3)]), 'x');
    expect(a.data).toBeInstanceOf(ByteStrings);
    const s = a.data as ByteStrings;
    expect([s.length, Array.from(s.at(0)), Array.from(s.at(1))]).toEqual([2, [1, 2], [3]]);
    expect(() => s.at(2)).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE' }));
    const empty = parseNpy(npy('|S0', [80_000_000], new Uint8Array(0)), 'x').data as ByteStrings;
    expect([empty.length, empty.at(79_999_999).length]).toEqual([80_000_000, 0]);
  });

  it('booleans are 0/1 bytes', () => {
    const a = parseNpy(npy('|b1', [3], Uint8Array.of(1, 0, 1)), 'x');
    expect(Array.from(a.data as Uint8Array)).toEqual([1, 0, 1]);
  });
});
