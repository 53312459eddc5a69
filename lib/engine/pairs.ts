/**
 * Overlap-balanced selection of frame pairs (MultiSPA's pair sampler): pairs whose overlap
 * lies in a band are binned; a quota is spread evenly over the bins, bins are visited from the
 * least populated, and an unfilled quota carries to the next bin, so the output is as flat over
 * difficulty as the data allows.
 * @module
 */
import type { Rng } from '../random.js';

/** The defaults of {@link selectPairs}' band and bin width (the pipelines and the CLI's help read them here). */
export const PAIR_SELECTION_DEFAULTS: { readonly band: readonly [number, number]; readonly binWidth: number } = { band: [0.06, 0.35], binWidth: 0.01 };

export interface PairSelectionOptions {
  /** Overlap band [lo, hi] as fractions (default [0.06, 0.35]). */
  band?: [number, number];
  /** Bin width as a fraction (default 0.01). */
  binWidth?: number;
  /** Number of pairs wanted. */
  count: number;
}

export interface PairSelection {
  /** Selected pairs (i < j), in the order they were drawn. */
  pairs: [number, number][];
  /** Bin edges (fractions), length bins + 1. */
  edges: number[];
  /** Pairs per bin before selection (all pairs in the band). */
  before: number[];
  /** Pairs per bin after selection. */
  after: number[];
  /** Pairs outside the band (with overlap > 0) and with overlap 0. */
  outside: number;
  zero: number;
}

/**
 * Bin of an overlap value: the first bin is closed [lo, lo + w], the others (lo + k w, lo + (k+1) w]
 * (pandas `cut(..., include_lowest=True)`), or -1 outside the band.
 */
export function overlapBin(value: number, lo: number, binWidth: number, bins: number): number {
  const hi = lo + bins * binWidth;
  // Compare in percent units rounded to 1e-9 so that 0.07 lands in bin 0 as (6, 7] expects.
  const x = Math.round(((value - lo) / binWidth) * 1e9) / 1e9;
  if (value < lo - 1e-12 || value > hi + 1e-12) return -1;
  if (x <= 1) return 0;
  return Math.min(bins - 1, Math.ceil(x) - 1);
}

/** Selects up to `count` pairs (i < j) from an M*M overlap matrix. */
export function selectPairs(overlap: Float32Array, m: number, rng: Rng, opts: PairSelectionOptions): PairSelection {
  const [lo, hi] = opts.band ?? PAIR_SELECTION_DEFAULTS.band;
  const w = opts.binWidth ?? PAIR_SELECTION_DEFAULTS.binWidth;
  const bins = Math.max(1, Math.round((hi - lo) / w));
  const members: [number, number][][] = Array.from({ length: bins }, () => []);
  let outside = 0;
  let zero = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const v = overlap[i * m + j];
      if (v === 0) { zero++; continue; }
      const b = overlapBin(v, lo, w, bins);
      if (b < 0) outside++;
      else members[b].push([i, j]);
    }
  const quota = Array.from({ length: bins }, (_, b) => Math.floor(opts.count / bins) + (b < opts.count % bins ? 1 : 0));
  // Visit bins from the least populated (ties: lower overlap first); carry shortfalls forward.
  const order = members.map((p, b) => [p.length, b] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, b]) => b);
  const pairs: [number, number][] = [];
  const after = new Array<number>(bins).fill(0);
  let carry = 0;
  for (const b of order) {
    const want = quota[b] + carry;
    const pool = members[b];
    if (pool.length <= want) {
      pairs.push(...pool);
      after[b] = pool.length;
      carry = want - pool.length;
    } else {
      // Partial Fisher-Yates: `want` distinct random members.
      const copy = pool.slice();
      for (let k = 0; k < want; k++) {
        const r = k + Math.floor(rng.next() * (copy.length - k));
        [copy[k], copy[r]] = [copy[r], copy[k]];
        pairs.push(copy[k]);
      }
      after[b] = want;
      carry = 0;
    }
  }
  return { pairs, edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * w), before: members.map((p) => p.length), after, outside, zero };
}

/** Smallest and largest non-zero overlap over the frame pairs (i < j), and how many pairs overlap at all. */
export function overlapRange(overlap: Float32Array, m: number): { min: number; max: number; pairs: number } | null {
  let min = Infinity, max = -Infinity, pairs = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const v = overlap[i * m + j];
      if (!(v > 0)) continue;
      pairs++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return pairs ? { min, max, pairs } : null;
}

/**
 * The advice when an overlap band holds no pair: the band, the scene's overlap range and an
 * `--overlap` that holds every overlapping pair (the range widened to whole per cents).
 */
export function noPairMessage(band: readonly [number, number], range: { min: number; max: number; pairs: number } | null): string {
  const pct = (x: number) => x.toFixed(2);
  const head = `no frame pair has an overlap in the band [${pct(band[0])}, ${pct(band[1])}]`;
  if (!range) return `${head}, and no two frames of this scene see a common point: nothing would work (more frames, a smaller --frame-step)`;
  const lo = Math.max(0, Math.floor(range.min * 100) / 100), hi = Math.min(1, Math.max(lo + 0.01, Math.ceil(range.max * 100) / 100));
  return `${head}; this scene's ${range.pairs} overlapping pairs have overlaps from ${range.min.toFixed(3)} to ${range.max.toFixed(3)}: try --overlap ${pct(lo)},${pct(hi)}`;
}
