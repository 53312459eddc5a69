// lib/random.ts: the seeded generator every random choice of the library draws from. Published
// FNV-1a values, the first outputs of SplitMix32-seeded xoshiro128** checked against an independent
// implementation (Python, integer arithmetic, written from the algorithms' papers), and the rules of
// int / pick / shuffle / fork / cloneRng.
import { describe, expect, it } from 'vitest';
import { cloneRng, createRng, hashString, type Rng } from '../lib/random.js';
import { expectCode } from './helpers/errors.js';

const u32 = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next() * 2 ** 32);

describe('hashString (32-bit FNV-1a)', () => {
  it('gives the published values', () => {
    expect(hashString('')).toBe(0x811c9dc5); // the offset basis
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});

describe('createRng', () => {
  it('first outputs of xoshiro128** seeded by SplitMix32 (independent implementation)', () => {
    expect(u32(createRng(0), 4)).toEqual([3809008728, 1133695204, 53579671, 2891528803]);
    expect(u32(createRng(42), 4)).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect(u32(createRng('demo'), 4)).toEqual([3140431036, 2542021414, 3227273770, 2994508300]);
  });

  it('a string seed is its FNV-1a hash; next() is in [0, 1) with 32-bit resolution', () => {
    expect(u32(createRng('scene0000_00'), 8)).toEqual(u32(createRng(hashString('scene0000_00')), 8));
    for (const x of u32(createRng(7), 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it('int(lo, hi) is inclusive and hits every value; uniform(lo, hi) stays in [lo, hi)', () => {
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.int(-2, 3);
      expect(Number.isInteger(v) && v >= -2 && v <= 3).toBe(true);
      seen.add(v);
      const f = rng.uniform(5, 6);
      expect(f >= 5 && f < 6).toBe(true);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2, 3].sort());
  });

  it('shuffle returns the same array as a permutation; pick needs a non-empty array', () => {
    const rng = createRng(3);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const same = rng.shuffle(items);
    expect(same).toBe(items);
    expect(items.slice().sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(rng.pick(['only'])).toBe('only');
  });

  it('fork: same state and label, same sequence; another label differs; the parent does not advance', () => {
    const a = createRng(5), b = createRng(5);
    expect(u32(a.fork('x'), 4)).toEqual(u32(b.fork('x'), 4));
    expect(u32(a.fork('x'), 4)).not.toEqual(u32(a.fork('y'), 4));
    expect(u32(a, 4)).toEqual(u32(createRng(5), 4));
  });
});

describe('cloneRng', () => {
  it('yields the original sequence from here on, and drawing from one leaves the other untouched', () => {
    const rng = createRng(9);
    rng.next();
    const copy = cloneRng(rng);
    const ahead = u32(copy, 5);
    expect(u32(rng, 5)).toEqual(ahead);
    copy.next();
    expect(u32(cloneRng(rng), 3)).toEqual(u32(rng, 3));
  });

  it('clones forks too (they are made by createRng)', () => {
    const f = createRng(2).fork('depth');
    expect(u32(cloneRng(f), 3)).toEqual(u32(f, 3));
  });

  it('rejects a generator it did not make (ERR_SPATIAL_TYPE)', () => {
    const own: Rng = { ...createRng(1) };
    expectCode(() => cloneRng(own), 'ERR_SPATIAL_TYPE', /Expected a generator made by createRng for rng/);
  });
});
