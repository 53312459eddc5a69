/**
 * Row-major 4x4 rigid-transform arithmetic shared by the engine, the loaders and the targets.
 * (The reference kernels keep their own 3x4 `camFromWorld` in lib/reference/camera.ts, which
 * mirrors the C++ core's operation order for bit-exact comparisons.)
 * @module
 */

/** Row-major 4x4 product `a * b` (sums in k order, starting from 0). */
export function multiplyPoses(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  return out;
}

/** Inverse of a rigid row-major 4x4 `[R t; 0 1]`: `[R^T -R^T t; 0 1]`. */
export function invertRigidPose(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 4 + c] = p[c * 4 + r];
    out[r * 4 + 3] = -(p[0 * 4 + r] * p[3] + p[1 * 4 + r] * p[7] + p[2 * 4 + r] * p[11]);
  }
  out[15] = 1;
  return out;
}
