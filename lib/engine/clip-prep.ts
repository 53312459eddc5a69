/**
 * Clip preparation of the dynamic engine: everything the clip tasks see besides the context, done
 * once per clip by the dynamic engine (`dynamic.ts`) before any task runs: the tracks kept (finite in
 * every frame), world tracks, which tracks are static, and the balanced (track, frame pair)
 * movement candidates with MultiSPA's sampler (per point, moving pairs in 10 equal-width distance
 * bins with balanced picks, and one static pair (< 1 cm) kept apart).
 * @module
 */
import { spatialError } from '../errors.js';
import type { RigidSegmentation } from '../ops/motion/shared.js';
import { transformPoints, type Vec3 } from '../pose.js';
import type { Rng } from '../random.js';
import type { DynamicClip } from '../scenes/clip.js';

/** The defaults of {@link motionCandidates}' options (the clip pipeline and the CLI's help read them here). */
export const MOTION_CANDIDATE_DEFAULTS = { pointsPerGroup: 15, pairsPerBin: 30 } as const;

/** A world displacement under this many metres is "did not move" (MultiSPA's 0.01). */
export const STATIC_DISPLACEMENT = 0.01;
/** Equal-width distance bins per point (MultiSPA's 10). */
export const DISPLACEMENT_BINS = 10;

/** One (track, frame pair) a question can be asked about. */
export interface MotionCandidate {
  track: number;
  group: number;
  f1: number;
  f2: number;
  /** World distance travelled, metres. */
  distance: number;
  moving: boolean;
  /** Distance bin of a moving candidate (0-9), -1 for a static one. */
  bin: number;
}

/** Options of {@link motionCandidates} (MultiSPA's train values in brackets). */
export interface MotionSamplingOptions {
  /** Points drawn per rigid group [15]. */
  pointsPerGroup?: number;
  /** Pairs per distance bin at most [30]. */
  pairsPerBin?: number;
}

/**
 * The clip without the tracks that have a non-finite coordinate in any frame (one NaN track would
 * otherwise poison the distance changes of every pair it is in, and merge the static room into one
 * moving group), and how many were left out.
 */
export function finiteTracks(clip: DynamicClip): { clip: DynamicClip; dropped: number } {
  const { frames: T, tracks: n, tracksXYZ: xyz } = clip;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let t = 0; t < T && ok; t++) {
      const o = 3 * (t * n + i);
      ok = Number.isFinite(xyz[o]) && Number.isFinite(xyz[o + 1]) && Number.isFinite(xyz[o + 2]);
    }
    if (ok) keep.push(i);
  }
  if (keep.length === n) return { clip, dropped: 0 };
  if (keep.length === 0) throw spatialError('ERR_SPATIAL_FORMAT', `clip ${clip.id} has no track with finite coordinates in every frame (all ${n} hold NaN or infinity)`);
  const k = keep.length;
  const tracksXYZ = new (xyz instanceof Float32Array ? Float32Array : Float64Array)(T * k * 3);
  const visibility = new Uint8Array(T * k);
  for (let t = 0; t < T; t++)
    keep.forEach((i, j) => {
      tracksXYZ.set(xyz.subarray(3 * (t * n + i), 3 * (t * n + i) + 3), 3 * (t * k + j));
      visibility[t * k + j] = clip.visibility[t * n + i];
    });
  const bodies = clip.bodies && Int32Array.from(keep, (i) => clip.bodies![i]);
  return { clip: { ...clip, tracks: k, tracksXYZ, visibility, bodies }, dropped: n - k };
}

/** World position of track i at frame t (Float64, from the clip's camera-frame tracks and poses). */
export function worldTracks(clip: DynamicClip): Float64Array {
  const { frames, tracks: n, tracksXYZ: c, poses } = clip;
  const w = new Float64Array(3 * frames * n);
  for (let t = 0; t < frames; t++) {
    const worldFromCam = poses?.[t];
    const inCam = c.subarray(3 * t * n, 3 * (t + 1) * n);
    if (!worldFromCam) w.set(inCam, 3 * t * n);
    else transformPoints(worldFromCam, inCam, { out: w.subarray(3 * t * n, 3 * (t + 1) * n) });
  }
  return w;
}

/** World displacement of track i from frame f1 to frame f2 (`world` from {@link worldTracks}, n tracks). */
export function displacement(world: Float64Array, n: number, i: number, f1: number, f2: number): Vec3 {
  const a = 3 * (f1 * n + i), b = 3 * (f2 * n + i);
  return [world[b] - world[a], world[b + 1] - world[a + 1], world[b + 2] - world[a + 2]];
}

/** Tracks that stay within {@link STATIC_DISPLACEMENT} of where they started, in the world, over the whole clip. */
export function staticTracks(world: Float64Array, frames: number, n: number): boolean[] {
  return Array.from({ length: n }, (_, i) => {
    for (let t = 1; t < frames; t++) {
      const d = displacement(world, n, i, 0, t);
      if (Math.hypot(d[0], d[1], d[2]) >= STATIC_DISPLACEMENT) return false;
    }
    return true;
  });
}

/** Pixel of track i in frame t (clip intrinsics); z is the camera-space depth. */
export function trackPixel(clip: DynamicClip, i: number, t: number): { u: number; v: number; z: number } {
  const o = 3 * (t * clip.tracks + i);
  const [x, y, z] = [clip.tracksXYZ[o], clip.tracksXYZ[o + 1], clip.tracksXYZ[o + 2]];
  const k = clip.intrinsics;
  return { u: (k.fx * x) / z + k.cx, v: (k.fy * y) / z + k.cy, z };
}

/**
 * Distance bin of each value: `np.histogram_bin_edges(d, 10)` (10 equal bins over [min, max]) and
 * `np.digitize(d, edges) - 1` clipped to 9, so the maximum falls in the last bin; with all values
 * equal every value is in bin 9 (as in MultiSPA, where the edges then coincide).
 */
export function displacementBins(distances: readonly number[], bins = DISPLACEMENT_BINS): number[] {
  if (!distances.length) return [];
  let lo = Infinity, hi = -Infinity;
  for (const d of distances) [lo, hi] = [Math.min(lo, d), Math.max(hi, d)];
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  return distances.map((d) => {
    let count = 0; // edges <= d (digitize with right = false)
    while (count <= bins && edges[count] <= d) count++;
    return Math.min(bins - 1, Math.max(0, count - 1));
  });
}

/**
 * Candidates per MultiSPA's sampler: for each rigid group, `pointsPerGroup` random tracks; for each,
 * all frame pairs (f1 < f2) where it is visible and projects inside both images (MultiSPA checks the
 * latter when answering; checking first keeps the bins balanced over usable pairs); one random static
 * pair; moving pairs binned in 10 equal-width bins over that track's distances, taking
 * `max(1, min(|bin 4|, pairsPerBin))` random pairs from every bin (all when fewer).
 */
export function motionCandidates(
  clip: DynamicClip, world: Float64Array, seg: RigidSegmentation, rng: Rng, opts: MotionSamplingOptions = {}, margin = 0,
): MotionCandidate[] {
  const pointsPerGroup = opts.pointsPerGroup ?? MOTION_CANDIDATE_DEFAULTS.pointsPerGroup, pairsPerBin = opts.pairsPerBin ?? MOTION_CANDIDATE_DEFAULTS.pairsPerBin;
  const n = clip.tracks;
  const inside = (i: number, t: number): boolean => {
    const p = trackPixel(clip, i, t);
    const k = clip.intrinsics;
    return p.z > 0 && p.u >= margin - 0.5 && p.u < k.width - 0.5 - margin && p.v >= margin - 0.5 && p.v < k.height - 0.5 - margin;
  };
  const out: MotionCandidate[] = [];
  seg.groups.forEach((members, group) => {
    const g = rng.fork(`group/${group}`);
    for (const track of g.shuffle(Array.from(members)).slice(0, pointsPerGroup)) {
      const seen: number[] = [];
      for (let t = 0; t < clip.frames; t++) if (clip.visibility[t * n + track] && inside(track, t)) seen.push(t);
      if (seen.length < 2) continue;
      const statics: MotionCandidate[] = [];
      const moving: MotionCandidate[] = [];
      for (let a = 0; a < seen.length; a++)
        for (let b = a + 1; b < seen.length; b++) {
          const d = displacement(world, n, track, seen[a], seen[b]);
          const distance = Math.hypot(d[0], d[1], d[2]);
          const c = { track, group, f1: seen[a], f2: seen[b], distance, moving: distance >= STATIC_DISPLACEMENT, bin: -1 };
          (c.moving ? moving : statics).push(c);
        }
      if (statics.length) out.push(g.pick(statics));
      if (!moving.length) continue;
      displacementBins(moving.map((c) => c.distance)).forEach((bin, k) => (moving[k].bin = bin));
      const byBin = Array.from({ length: DISPLACEMENT_BINS }, (_, b) => moving.filter((c) => c.bin === b));
      const take = Math.max(1, Math.min(byBin[4].length, pairsPerBin));
      for (const list of byBin) out.push(...g.shuffle(list.slice()).slice(0, take));
    }
  });
  return out;
}

/** What the dynamic engine hands a clip task besides the context (world tracks and movement candidates). */
export interface ClipTaskInput {
  clip: DynamicClip;
  /** World position of every track in every frame (see {@link worldTracks}). */
  world: Float64Array;
  /** Balanced (track, frame pair) candidates; empty unless `object_movement` is asked for. */
  candidates: MotionCandidate[];
}
