/**
 * Reference twin of {@link geometry!visibleSetsMultiSpa}.
 * @module
 */
import { checkMultiSpaArgs, type MultiSpaVisibilityOptions, multiSpaProjector } from './shared.js';
import type { Camera, DepthMap } from '../../types.js';
import { roundHalfEven } from '../../rounding.js';

/** numpy's round: half to even (lib/rounding.ts; still exported here, as before). */
export { roundHalfEven };

/**
 * Reference twin of {@link geometry!visibleSetsMultiSpa}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function visibleSetsMultiSpa(points: Float32Array, colorCameras: Camera[], depths: DepthMap[], opts?: MultiSpaVisibilityOptions): Uint32Array[] {
  const { cams, maps, scales } = checkMultiSpaArgs(points, colorCameras, depths, opts);
  return cams.map((cam, f) => {
    const project = multiSpaProjector(cam);
    const { width, height } = cam.intrinsics;
    const d = maps[f];
    const scale = scales ? scales[f] : 0;
    const unit = scale > 0 ? 1 / scale : 0;
    const out: number[] = [];
    for (let p = 0; p < points.length / 3; p++) {
      const { u, v, z: zc } = project(points[3 * p], points[3 * p + 1], points[3 * p + 2]);
      if (!(zc > 0)) continue;
      if (!(u >= 0 && u < width && v >= 0 && v < height)) continue;
      const ud = Math.min(Math.max(roundHalfEven(u * (d.width / width)), 0), d.width - 1);
      const vd = Math.min(Math.max(roundHalfEven(v * (d.height / height)), 0), d.height - 1);
      const stored = d.data[vd * d.width + ud];
      const D = scale > 0 ? roundHalfEven(stored * scale) * unit : stored;
      if (zc < D) out.push(p);
    }
    return Uint32Array.from(out);
  });
}
