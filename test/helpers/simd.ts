// Running a block of property tests at each SIMD level this CPU offers: `describe.each(simdLevels)`
// with `atSimdLevel(simd)` inside switches the native kernels for the block and restores, after it,
// the level the addon chose on load (the CPU's best unless SPATIAL_GEOM_SIMD says otherwise).
import { afterAll, beforeAll, expect } from 'vitest';
import * as native from '../../lib/index.js';
import type { SimdLevel } from '../../lib/types.js';

/** The SIMD levels this CPU offers, lowest first. */
export const simdLevels = native.info().simdLevels;

const loadedLevel = native.info().simd;

/** Inside a describe: its cases run at `simd`. */
export function atSimdLevel(simd: SimdLevel): void {
  beforeAll(() => {
    expect(native.configure({ simd }).simd).toBe(simd);
  });
  afterAll(() => {
    native.configure({ simd: loadedLevel });
  });
}
