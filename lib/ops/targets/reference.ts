/**
 * Reference twins of the geometric targets (native face: `native.ts` beside this file). The pose encoding, normalisation,
 * depth and scale targets are plain TypeScript already and are re-exported as they are;
 * {@link alignSim3} is re-derived independently of the native Umeyama/SVD: Horn's closed form
 * (the rotation is the top eigenvector, as a quaternion, of a 4x4 symmetric matrix, found by
 * cyclic Jacobi sweeps).
 * @module
 */
import { spatialError } from '../../errors.js';
import type { Points, View } from '../../types.js';
import { rayEmbedding } from '../rays/reference.js';
import { buildCameraTokens, checkAlignArgs, type CameraTokenOptions, type CameraTokens, type Sim3Alignment } from './shared.js';

export {
  encodePoseAbsTQuatFov, decodePoseAbsTQuatFov, relativePose, normalizeScene, denormalizeScene, depthPatchTargets,
  metricScaleFactor, alignDepthScaleShift,
} from './shared.js';
export type {
  CameraTokenOptions, CameraTokens, PoseDecodeOptions, SceneToNormalize, NormalizedScene, DepthPatchTargets,
  MetricScaleOptions, Sim3Alignment,
} from './shared.js';

/**
 * Eigen-decomposition of a symmetric 4x4 matrix (row-major, 16 values) by cyclic Jacobi rotations.
 * @returns eigenvalues and the eigenvectors as the columns of a row-major 4x4.
 */
export function symmetricEigen4(a: ArrayLike<number>): { values: number[]; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += A[p * 4 + q] ** 2;
    if (off === 0) break;
    for (let p = 0; p < 4; p++)
      for (let q = p + 1; q < 4; q++) {
        const apq = A[p * 4 + q];
        if (apq === 0) continue;
        // Zero A[p][q] with J^T A J, J = [[c, s], [-s, c]] in rows/cols p, q; t = tan of the smaller angle.
        const theta = (A[q * 4 + q] - A[p * 4 + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = A[k * 4 + p], akq = A[k * 4 + q];
          A[k * 4 + p] = c * akp - s * akq;
          A[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = A[p * 4 + k], aqk = A[q * 4 + k];
          A[p * 4 + k] = c * apk - s * aqk;
          A[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = V[k * 4 + p], vkq = V[k * 4 + q];
          V[k * 4 + p] = c * vkp - s * vkq;
          V[k * 4 + q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: [A[0], A[5], A[10], A[15]], vectors: V };
}

const finite3 = (p: Points, i: number) => Number.isFinite(p[3 * i]) && Number.isFinite(p[3 * i + 1]) && Number.isFinite(p[3 * i + 2]);

/**
 * Reference twin of {@link sampling-targets!alignSim3}, the native op: the same contract
 * (parameters, shapes, units, edge cases, results), so its documentation and example apply. Here:
 * Horn's quaternion method; equal to the native Umeyama/SVD within 1e-6 on non-degenerate inputs.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function alignSim3(src: Points, dst: Points, opts: { withScale?: boolean } = {}): Sim3Alignment {
  const { n, withScale } = checkAlignArgs(src, dst, opts);
  const ok = (i: number) => finite3(src, i) && finite3(dst, i);
  let count = 0, first = -1, distinct = false;
  const ms = [0, 0, 0], md = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    count++;
    if (first < 0) first = i;
    else distinct ||= src[3 * i] !== src[3 * first] || src[3 * i + 1] !== src[3 * first + 1] || src[3 * i + 2] !== src[3 * first + 2];
    for (let a = 0; a < 3; a++) {
      ms[a] += src[3 * i + a];
      md[a] += dst[3 * i + a];
    }
  }
  if (count < 3) throw spatialError('ERR_SPATIAL_SHAPE', `alignSim3 needs at least 3 pairs of finite points in src and dst (got ${count})`);
  for (let a = 0; a < 3; a++) {
    ms[a] /= count;
    md[a] /= count;
  }
  // S[a][b] = Σ (src - ms)_a (dst - md)_b ; varS = Σ |src - ms|^2.
  const S = new Float64Array(9);
  let varS = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    const x = [src[3 * i] - ms[0], src[3 * i + 1] - ms[1], src[3 * i + 2] - ms[2]];
    const y = [dst[3 * i] - md[0], dst[3 * i + 1] - md[1], dst[3 * i + 2] - md[2]];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) S[a * 3 + b] += x[a] * y[b];
    varS += x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
  }
  if (!distinct || !(varS > 0))
    throw spatialError('ERR_SPATIAL_SHAPE', 'alignSim3: every finite src point is the same point, so the rotation and scale are undefined');
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = S;
  const N = [
    xx + yy + zz, yz - zy, zx - xz, xy - yx,
    yz - zy, xx - yy - zz, xy + yx, zx + xz,
    zx - xz, xy + yx, -xx + yy - zz, yz + zy,
    xy - yx, zx + xz, yz + zy, -xx - yy + zz,
  ];
  const { values, vectors } = symmetricEigen4(N);
  let top = 0;
  for (let i = 1; i < 4; i++) if (values[i] > values[top]) top = i;
  let [w, qx, qy, qz] = [vectors[top], vectors[4 + top], vectors[8 + top], vectors[12 + top]];
  const norm = Math.hypot(w, qx, qy, qz);
  w /= norm; qx /= norm; qy /= norm; qz /= norm;
  const R = Float64Array.of(
    1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - w * qz), 2 * (qx * qz + w * qy),
    2 * (qx * qy + w * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - w * qx),
    2 * (qx * qz - w * qy), 2 * (qy * qz + w * qx), 1 - 2 * (qx * qx + qy * qy),
  );
  // Σ_i y_i . R x_i = Σ_ab R[a][b] S[b][a].
  let dot = 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) dot += R[a * 3 + b] * S[b * 3 + a];
  const scale = withScale ? dot / varS : 1;
  const t = [0, 1, 2].map((a) => md[a] - scale * (R[a * 3] * ms[0] + R[a * 3 + 1] * ms[1] + R[a * 3 + 2] * ms[2]));
  let sq = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    for (let a = 0; a < 3; a++) {
      const r = scale * (R[a * 3] * src[3 * i] + R[a * 3 + 1] * src[3 * i + 1] + R[a * 3 + 2] * src[3 * i + 2]) + t[a] - dst[3 * i + a];
      sq += r * r;
    }
  }
  return { scale, rotation: R, translation: Float64Array.from(t), rmse: Math.sqrt(sq / count), count };
}

/*
 * Reference twin of `cameraTokens` (native face: `native.ts` beside this file), on the pure-TS `rayEmbedding`.
 */

/**
 * Reference twin of {@link sampling-targets!cameraTokens}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function cameraTokens(view: View, opts: CameraTokenOptions): CameraTokens {
  return buildCameraTokens(view, opts, rayEmbedding);
}
