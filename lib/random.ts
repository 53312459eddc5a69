/**
 * A small seeded pseudo-random generator (SplitMix32 seeding + xoshiro128**), so that every
 * random choice in the library (augmentation, QA sampling) is reproducible from a seed and
 * independent of the platform.
 * @module
 */
import { spatialError } from './errors.js';

/** A seeded generator. Same seed, same sequence, on every machine. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[];
  /** A new independent generator derived from this one's state and a label. */
  fork(label: string | number): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a hash of a string (seeds derived from names, e.g. scene ids). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The xoshiro128** state of every generator createRng made, for {@link cloneRng}. */
const states = new WeakMap<Rng, Uint32Array>();

/** Creates a generator from an integer or string seed. */
export function createRng(seed: number | string): Rng {
  const init = splitmix32(typeof seed === 'string' ? hashString(seed) : Math.floor(seed) >>> 0 ^ Math.floor(seed / 2 ** 32));
  const s = new Uint32Array([init(), init(), init(), init()]);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return fromState(s);
}

/**
 * An independent copy of a generator made by {@link createRng}: it yields the same sequence as the
 * original from here on, and drawing from one leaves the other untouched. For looking ahead: the
 * engine draws a search's candidates from a copy, batches their native work in one call, then
 * advances the original by the draws the search actually used.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `rng` was not made by createRng (its state is unknown).
 */
export function cloneRng(rng: Rng): Rng {
  const s = states.get(rng);
  if (!s) throw spatialError('ERR_SPATIAL_TYPE', 'Expected a generator made by createRng for rng (only those can be cloned)');
  return fromState(Uint32Array.from(s));
}

function fromState(s: Uint32Array): Rng {
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    uniform: (lo, hi) => lo + (hi - lo) * rng.next(),
    int: (lo, hi) => lo + Math.floor(rng.next() * (hi - lo + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
      return items[Math.floor(rng.next() * items.length)];
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    fork: (label) => createRng(`${s[0]}:${s[1]}:${s[2]}:${s[3]}:${label}`),
  };
  states.set(rng, s);
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
