// Checks a sample's pixel-referenced answers against its own camera lists (intrinsics_list, pose_list):
// the answer's 3-D point, projected in double precision with nothing but the sample's lists, must land
// on the stated pixels, inside the written image, and give the stated 0-1000 coordinates.
import { expect } from 'vitest';
import type { NumberRules } from '../../lib/engine/format.js';

/** The fields of a written sample that the checks read. */
export interface ListedSample {
  id: string;
  question_type: string;
  image: string[];
  width_list: number[];
  height_list: number[];
  intrinsics_list: number[][];
  pose_list: number[][];
  answer_values: Record<string, unknown>;
  gt_value: unknown;
  conversations?: unknown;
}

/**
 * Largest distance (pixels) allowed between a stated pixel and the double-precision projection of
 * the answer's point: the engine projects float32 world points in float32 (about 1e-7 relative,
 * i.e. ~1e-4 px on images up to 1300 px), so 1e-3 px leaves a margin of 10.
 */
export const PIXEL_TOLERANCE = 1e-3;

/** `Xc = R^T (Xw - t)` for the row-major worldFromCam `pose`, then `u = fx x / z + cx`, `v = fy y / z + cy`. */
export function projectWithLists(k: number[], pose: number[], xw: number[]): { u: number; v: number; z: number } {
  const d = [xw[0] - pose[3], xw[1] - pose[7], xw[2] - pose[11]];
  const c = [0, 1, 2].map((j) => pose[j] * d[0] + pose[4 + j] * d[1] + pose[8 + j] * d[2]);
  return { u: (k[0] * c[0]) / c[2] + k[2], v: (k[1] * c[1]) / c[2] + k[3], z: c[2] };
}

/** Projections checked per question type, and the largest pixel error seen. */
export interface ProjectionCheck {
  byType: Record<string, number>;
  maxError: number;
}

/**
 * For every sample whose answer names a 3-D point and its pixel(s): checks the projection with the
 * sample's lists (image n of `pixel`, `pixel1`/`pixel2`, `pixels`), that the pixel is inside the
 * written image (`width_list`/`height_list`), and that the stated coordinates equal `rules.coord`
 * of the stated pixel (and of the projection, unless it lies within the tolerance of a rounding
 * boundary). Multiple-choice answers: the true option is the nearest whole pixel of `pixel2`.
 */
export function checkSampleProjections(samples: ListedSample[], rules: NumberRules, tolerance = PIXEL_TOLERANCE): ProjectionCheck {
  const byType: Record<string, number> = {};
  let maxError = 0;
  const coordOf = (s: ListedSample, n: number, px: number[], projected: { u: number; v: number }) => {
    const [W, H] = [s.width_list[n], s.height_list[n]];
    const stated = [rules.coord(px[0], W), rules.coord(px[1], H)];
    // The projection gives the same coordinate unless it is within the tolerance of a boundary.
    for (const [i, x, size] of [[0, projected.u, W], [1, projected.v, H]] as const) {
      const near = rules.coord(x - tolerance, size) !== rules.coord(x + tolerance, size);
      if (!near) expect(rules.coord(x, size), `${s.id}: coordinate ${i} of the projection`).toBe(stated[i]);
    }
    return stated;
  };
  const check = (s: ListedSample, n: number, xw: unknown, px: unknown): number[] => {
    expect(Array.isArray(xw) && xw.length === 3, `${s.id}: 3-D point`).toBe(true);
    expect(Array.isArray(px) && px.length === 2, `${s.id}: pixel`).toBe(true);
    const [u, v] = px as number[];
    const p = projectWithLists(s.intrinsics_list[n], s.pose_list[n], xw as number[]);
    expect(p.z, `${s.id}: in front of camera ${n}`).toBeGreaterThan(0);
    const err = Math.hypot(p.u - u, p.v - v);
    maxError = Math.max(maxError, err);
    expect(err, `${s.id}: image ${n + 1} pixel (${u}, ${v}) vs projection (${p.u}, ${p.v})`).toBeLessThan(tolerance);
    expect(u >= -0.5 && u < s.width_list[n] - 0.5 && v >= -0.5 && v < s.height_list[n] - 0.5, `${s.id}: pixel inside the written image`).toBe(true);
    byType[s.question_type] = (byType[s.question_type] ?? 0) + 1;
    return coordOf(s, n, [u, v], p);
  };
  for (const s of samples) {
    const a = s.answer_values;
    const t = s.question_type;
    if (t.startsWith('depth_estimation') || t.startsWith('tapvid3d_')) {
      const c = check(s, 0, a.point_world, a.pixel);
      expect(a.coordinates, `${s.id}: coordinates`).toEqual(c);
    } else if (t.startsWith('depth_comparison')) {
      const pts = a.points_world as number[][], pxs = a.pixels as number[][];
      const cs = [check(s, 0, pts[0], pxs[0]), check(s, 0, pts[1], pxs[1])];
      if (t === 'depth_comparison_coordinate') {
        expect(a.coordinates, s.id).toEqual(cs);
        expect(cs, s.id).toContainEqual(s.gt_value);
      }
    } else if (t.startsWith('visual_correspondence')) {
      const c1 = check(s, 0, a.point_world, a.pixel1);
      const c2 = check(s, 1, a.point_world, a.pixel2);
      if (t === 'visual_correspondence_coor_2_coor') {
        expect(a.coordinates1, s.id).toEqual(c1);
        expect(s.gt_value, s.id).toEqual(c2);
      } else {
        const options = a.options as number[][], labels = a.labels as string[];
        const p2 = a.pixel2 as number[];
        expect(options[labels.indexOf(s.gt_value as string)], s.id).toEqual([Math.floor(p2[0] + 0.5), Math.floor(p2[1] + 0.5)]);
        for (const o of options) expect(o[0] >= 0 && o[0] < s.width_list[1] && o[1] >= 0 && o[1] < s.height_list[1], `${s.id}: option inside image 2`).toBe(true);
      }
    }
  }
  return { byType, maxError };
}
