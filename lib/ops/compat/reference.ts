/**
 * Reference twin of {@link geometry!visibleSetsMultiSpa}.
 * @module
 */
import { checkMultiSpaArgs } from './shared.js';
import type { Camera, DepthMap } from '../../types.js';
import { roundHalfEven } from '../../rounding.js';
import { cameraMath } from '../geometry/reference-camera.js';

/** numpy's round: half to even (lib/rounding.ts; still exported here, as before). */
export { roundHalfEven };

/**
 * Reference twin of {@link geometry!visibleSetsMultiSpa}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function visibleSetsMultiSpa(points: Float32Array, colorCameras: Camera[], depths: DepthMap[]): Uint32Array[] {
  const { cams, maps } = checkMultiSpaArgs(points, colorCameras, depths);
  return cams.map((cam, f) => {
    const c = cameraMath(cam);
    const d = maps[f];
    const out: number[] = [];
    for (let p = 0; p < points.length / 3; p++) {
      const [x, y, z] = [points[3 * p], points[3 * p + 1], points[3 * p + 2]];
      const m = c.camFromWorld;
      const xc = m[0] * x + m[1] * y + m[2] * z + m[3];
      const yc = m[4] * x + m[5] * y + m[6] * z + m[7];
      const zc = m[8] * x + m[9] * y + m[10] * z + m[11];
      if (!(zc > 0)) continue;
      const u = (c.fx * xc) / zc + c.cx, v = (c.fy * yc) / zc + c.cy;
      if (!(u >= 0 && u < c.width && v >= 0 && v < c.height)) continue;
      const ud = Math.min(Math.max(roundHalfEven(u * (d.width / c.width)), 0), d.width - 1);
      const vd = Math.min(Math.max(roundHalfEven(v * (d.height / c.height)), 0), d.height - 1);
      if (zc < d.data[vd * d.width + ud]) out.push(p);
    }
    return Uint32Array.from(out);
  });
}
