/**
 * Camera augmentation inside QA generation (CA-MLLM's camera-aware augmentation, issue 16 section
 * 3): every image of every sample gets its own seeded augmentation, drawn before the question's
 * point is chosen, so every pixel the sample mentions is a pixel of the written image, and the
 * sample's `intrinsics_list` is the augmented camera. Built on the exact ops of `lib/augment.ts`:
 * the draw of `randomCameraAugment` (scale, then principal-point shift) followed by a crop.
 * @module
 */
import { sampleAugmentOps, type AugmentOp } from '../ops/augment/shared.js';
import { spatialError } from '../errors.js';
import type { Rng } from '../random.js';
import type { Intrinsics } from '../types.js';
import type { CameraAugmentation } from './context.js';

/**
 * What `--camera-augment` draws per image (defaults in brackets; every draw is uniform):
 * 1. a scale `s` in `scale` `[0.8, 1.2]`; the image is resized to `round(s*W) x round(s*H)`;
 * 2. a principal-point shift per axis in `shift` [-0.05, 0.05] of the resized size, rounded to
 *    whole pixels (content moves with the principal point; uncovered pixels are black);
 * 3. a crop keeping a fraction `c` in `crop` [0.9, 1.0] of each side (`round(c*W') x round(c*H')`),
 *    at a uniformly drawn whole-pixel position (no crop when the box is the whole image).
 * `fixedScale` instead applies one resize by that factor to every image (no shift, no crop, no draw):
 * CA-MLLM's cross-camera test sets ("ScanNet-val x1.2").
 */
export interface CameraAugmentOptions {
  scale?: [number, number];
  shift?: [number, number];
  crop?: [number, number];
  fixedScale?: number;
}

function checkRange(r: unknown, name: string, lo: number, hi: number): [number, number] {
  if (!(Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi) && r[0] <= r[1]))
    throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be LO,HI with ${lo} <= LO <= HI <= ${hi} (got ${JSON.stringify(r)})`);
  return [r[0], r[1]];
}

/** Checks camera-augmentation options (plain JSON; from the CLI or a queue job) and returns a normalised copy. */
export function checkCameraAugmentOptions(v: unknown, name = 'cameraAugment'): CameraAugmentOptions {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} must be an object of scale, shift, crop or fixedScale`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['scale', 'shift', 'crop', 'fixedScale'].includes(k)) throw spatialError('ERR_SPATIAL_FORMAT', `${name} has an unexpected field ${JSON.stringify(k.slice(0, 40))}`);
  const out: CameraAugmentOptions = {};
  if (o.fixedScale !== undefined) {
    if (!(typeof o.fixedScale === 'number' && o.fixedScale >= 0.05 && o.fixedScale <= 20)) throw spatialError('ERR_SPATIAL_FORMAT', `${name}.fixedScale (--camera-scale) must be a number in [0.05, 20] (got ${String(o.fixedScale)})`);
    if (o.scale !== undefined || o.shift !== undefined || o.crop !== undefined)
      throw spatialError('ERR_SPATIAL_FORMAT', `${name}: a fixed scale (--camera-scale) takes no scale, shift or crop ranges`);
    out.fixedScale = o.fixedScale;
  }
  if (o.scale !== undefined) out.scale = checkRange(o.scale, `${name}.scale (--augment-scale)`, 0.05, 20);
  if (o.shift !== undefined) out.shift = checkRange(o.shift, `${name}.shift (--augment-shift)`, -0.5, 0.5);
  if (o.crop !== undefined) out.crop = checkRange(o.crop, `${name}.crop (--augment-crop)`, 0.1, 1);
  return out;
}

/** The ops of one image of intrinsics `k`, drawn from `rng` (see {@link CameraAugmentOptions}). */
export function drawCameraAugment(k: Intrinsics, rng: Rng, opts: CameraAugmentOptions = {}): AugmentOp[] {
  if (opts.fixedScale !== undefined) {
    const width = Math.max(1, Math.round(k.width * opts.fixedScale)), height = Math.max(1, Math.round(k.height * opts.fixedScale));
    return width === k.width && height === k.height ? [] : [{ op: 'resize', width, height }];
  }
  // randomCameraAugment's draw: scale, dx, dy (three uniforms), shift in whole pixels.
  const ops = sampleAugmentOps(k, rng, { scale: opts.scale ?? [0.8, 1.2], shift: opts.shift ?? [-0.05, 0.05], shiftUnit: 'fraction', integerShift: true });
  const resize = ops.find((o) => o.op === 'resize');
  const [w, h] = resize && resize.op === 'resize' ? [resize.width, resize.height] : [k.width, k.height];
  // Then the crop: side fraction, then the box's position (three more uniforms, always drawn).
  const [clo, chi] = opts.crop ?? [0.9, 1];
  const c = rng.uniform(clo, chi);
  const cw = Math.min(w, Math.max(1, Math.round(c * w))), ch = Math.min(h, Math.max(1, Math.round(c * h)));
  const x = Math.min(w - cw, Math.floor(rng.uniform(0, w - cw + 1))), y = Math.min(h - ch, Math.floor(rng.uniform(0, h - ch + 1)));
  if (cw !== w || ch !== h) ops.push({ op: 'crop', x, y, width: cw, height: ch });
  return ops;
}

/** The {@link CameraAugmentation} of a task context for these options. */
export function cameraAugmentation(opts: CameraAugmentOptions = {}): CameraAugmentation {
  const checked = checkCameraAugmentOptions(opts);
  return { draw: (k, rng) => drawCameraAugment(k, rng, checked) };
}
