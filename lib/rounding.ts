/**
 * Number rounding shared by the engine's answer rules (lib/engine/format.ts) and the reference
 * kernels (lib/ops/compat/reference.ts): numpy's conventions, which MultiSPA's code follows.
 * @module
 */

/**
 * numpy's `round`: to the nearest integer, halves to the even neighbour.
 * @example roundHalfEven(2.5); // 2
 * @example roundHalfEven(3.5); // 4
 * @example roundHalfEven(-0.5); // -0
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
