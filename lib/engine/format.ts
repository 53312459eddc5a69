/**
 * How numbers become answer text and ground truth, in our default rules and in MultiSPA's
 * (`--compat multispa`, the reference engine's answer formatting). Our rules: normalised image coordinates
 * `floor(x / W * 1000)` in [0, 999] (the paper's rule), lengths in millimetres rounded to the
 * nearest integer, angles rounded to whole degrees, vectors in mm with `gt_value` in mm.
 * MultiSPA's code: coordinates `round(x / W * 1000)` half-to-even, truncated mm for camera distances
 * and vectors, truncated degrees, camera-vector `gt_value` in metres; object movement: text rounded
 * half-to-even, distance `gt_value` truncated, vector `gt_value` in metres (as MultiSPA's engine writes them).
 * @module
 */
import { roundHalfEven } from '../rounding.js';

export type CompatMode = 'ours' | 'multispa';

export interface NumberRules {
  mode: CompatMode;
  /** Pixel coordinate -> normalised benchmark coordinate. */
  coord(x: number, size: number): number;
  /** Point depth (metres) -> mm. */
  depthMm(z: number): number;
  /** Camera distance (metres) -> mm in the text. */
  distanceMm(d: number): number;
  /** Camera displacement vector (metres) -> mm in the text. */
  vectorMm(v: [number, number, number]): [number, number, number];
  /** Camera displacement vector gt_value (mm for ours, metres for MultiSPA). */
  vectorGt(v: [number, number, number]): [number, number, number];
  /** Angle (degrees) -> whole degrees of its magnitude. */
  angleDeg(a: number): number;
  /** Object size (metres) -> mm. */
  sizeMm(s: number): number;
  /** Object movement (metres) -> mm in the text (distance and vector components). */
  motionMm(m: number): number;
  /** Object movement distance gt_value (mm; MultiSPA truncates, its text rounds). */
  motionDistanceGt(d: number): number;
  /** Object displacement vector gt_value (mm for ours, metres for MultiSPA). */
  motionVectorGt(v: [number, number, number]): [number, number, number];
  /** Minimum |component| (metres) / |angle| (degrees) for a direction question to be asked. */
  directionDeadZone: { metres: number; degrees: number };
}

const roundMm = (m: number) => Math.round(m * 1000);

export const OUR_RULES: NumberRules = {
  mode: 'ours',
  coord: (x, size) => Math.min(999, Math.max(0, Math.floor((x / size) * 1000))),
  depthMm: roundMm,
  distanceMm: roundMm,
  vectorMm: (v) => [roundMm(v[0]), roundMm(v[1]), roundMm(v[2])],
  vectorGt: (v) => [roundMm(v[0]), roundMm(v[1]), roundMm(v[2])],
  angleDeg: (a) => Math.round(Math.abs(a)),
  sizeMm: roundMm,
  motionMm: roundMm,
  motionDistanceGt: roundMm,
  motionVectorGt: (v) => [roundMm(v[0]), roundMm(v[1]), roundMm(v[2])],
  // A sideways motion of 2 cm or a 1 degree turn is not a question a person could answer from two
  // images; MultiSPA asks them anyway (no dead zone).
  directionDeadZone: { metres: 0.05, degrees: 3 },
};

export const MULTISPA_RULES: NumberRules = {
  mode: 'multispa',
  coord: (x, size) => roundHalfEven((x / size) * 1000),
  depthMm: (z) => roundHalfEven(z * 1000),
  distanceMm: (d) => Math.trunc(d * 1000),
  vectorMm: (v) => [Math.trunc(v[0] * 1000), Math.trunc(v[1] * 1000), Math.trunc(v[2] * 1000)],
  vectorGt: (v) => [v[0], v[1], v[2]],
  angleDeg: (a) => Math.trunc(Math.abs(a)),
  sizeMm: (s) => roundHalfEven(s * 1000),
  motionMm: (m) => roundHalfEven(m * 1000),
  motionDistanceGt: (d) => Math.trunc(d * 1000),
  motionVectorGt: (v) => [v[0], v[1], v[2]],
  directionDeadZone: { metres: 0, degrees: 0 },
};

export function numberRules(mode: CompatMode): NumberRules {
  return mode === 'multispa' ? MULTISPA_RULES : OUR_RULES;
}
