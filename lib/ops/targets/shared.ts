/**
 * The shared part of the targets family: the plain-TypeScript targets (VGGT's 9-d pose encoding,
 * relative poses, scene normalisation, per-patch depth targets, the metric scale factor, scale-shift
 * alignment), the argument checks of `alignSim3`, and the body of `cameraTokens` (each backend passes
 * its own `rayEmbedding`). Both faces (`native.ts`, `reference.ts`) re-export the public names from
 * here, so the twin never imports the native face. Not exported from the package root as a module.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import type { DepthMap, Intrinsics, Points, Pose, View } from '../../types.js';
import { aFromB, invertRigidPose, multiplyPoses, quaternionFromRotation, rotationFromQuaternion, transformPoints } from '../../pose.js';
import { checkBoolean, checkDepthMap, checkInteger, checkIntrinsics, checkOptionsObject, checkPoints, checkPose } from '../../validate.js';

function checkPoses(poses: unknown, name = 'poses', min = 0): Pose[] {
  if (!Array.isArray(poses)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Pose (Float64Array(16)) for ${name} but received ${describeValue(poses)}`);
  if (poses.length < min) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must hold at least ${min} pose${min === 1 ? '' : 's'} (got ${poses.length})`);
  return poses.map((p, i) => checkPose(p, `${name}[${i}]`));
}

// ---------------------------------------------------------------------------------------------
// VGGT pose encoding.

/**
 * VGGT's `absT_quaR_FoV` pose encoding of T posed frames (GeoVR's camera-token target).
 *
 * Per frame `i`, 9 numbers `[tx, ty, tz, qx, qy, qz, qw, fov_h, fov_w]`:
 * - `[R | t]` = camera-from-world extrinsic (`X_cam = R X_world + t`) with the world = the FIRST
 *   frame's camera, i.e. `camFromFirst = inverse(poses[i]) * poses[0]`; frame 0 is exactly the
 *   identity (`t = 0`, `q = [0, 0, 0, 1]`). Translation in the poses' unit (metres, or VGGT's
 *   normalised unit after {@link normalizeScene}).
 * - `q`: unit quaternion of R, XYZW (scalar last), standardised to `qw >= 0` (at `qw = 0` exactly,
 *   the first non-zero of qx, qy, qz is positive).
 * - `fov_h = 2 atan((H / 2) / fy)`, `fov_w = 2 atan((W / 2) / fx)` in radians; the principal point
 *   is not encoded.
 *
 * @param poses - T camera-to-world poses (`worldFromCam`, any common world).
 * @param intrinsics - one Intrinsics for all frames, or T of them (their width/height are the image size).
 * @returns Float64Array(9T): `enc[9*i + j]`, translation in the poses' unit, angles in radians.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `poses` is not an array, a pose not a Float64Array, or
 *   an intrinsics object / value has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when a pose is not 16 long or an intrinsics array's length differs from
 *   `poses.length`.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-finite or non-rigid pose or a last row other than `0 0 0 1`.
 * @example
 * const enc = encodePoseAbsTQuatFov([poseA, poseB], k); // enc.subarray(0, 9) = [0,0,0, 0,0,0,1, fovH, fovW]
 */
export function encodePoseAbsTQuatFov(poses: Pose[], intrinsics: Intrinsics[] | Intrinsics): Float64Array {
  const ps = checkPoses(poses);
  const ks = Array.isArray(intrinsics) ? intrinsics.map((k, i) => checkIntrinsics(k, `intrinsics[${i}]`)) : null;
  if (ks && ks.length !== ps.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `intrinsics.length must equal poses.length (${ps.length}), got ${ks.length}`);
  const single = ks ? null : checkIntrinsics(intrinsics, 'intrinsics');
  const out = new Float64Array(9 * ps.length);
  ps.forEach((pose, i) => {
    const k = ks ? ks[i] : (single as Intrinsics);
    const o = 9 * i;
    if (i === 0) {
      out[o + 6] = 1;
    } else {
      const camFromFirst = aFromB(pose, ps[0]); // pose = worldFromCam, ps[0] = worldFromFirst
      out[o] = camFromFirst[3];
      out[o + 1] = camFromFirst[7];
      out[o + 2] = camFromFirst[11];
      out.set(quaternionFromRotation(camFromFirst, 4), o + 3);
    }
    out[o + 7] = 2 * Math.atan(k.height / 2 / k.fy);
    out[o + 8] = 2 * Math.atan(k.width / 2 / k.fx);
  });
  return out;
}

/** Options of {@link decodePoseAbsTQuatFov}. */
export interface PoseDecodeOptions {
  /** Image width in pixels the FoVs refer to. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /**
   * Where to put the principal point (the encoding does not carry it):
   * - `'vggt'` (default): `(W / 2, H / 2)`, exactly what VGGT assumes when it unprojects on the
   *   integer pixel grid. In this library's pixel-centre convention that is half a pixel right of
   *   and below the image centre.
   * - `'center'`: `((W - 1) / 2, (H - 1) / 2)`, the exact image centre in the pixel-centre convention.
   */
  principalPoint?: 'vggt' | 'center';
}

/**
 * Decodes VGGT's `absT_quaR_FoV` encoding (see {@link encodePoseAbsTQuatFov}) into this library's
 * cameras: camera-to-world poses with the world = the first camera's frame, and intrinsics.
 *
 * `R = quat_to_mat(q)` with VGGT's formula (`2 / |q|^2`, so un-normalised quaternions straight out
 * of a head are accepted), pose = `inverse([R | t]) = [R^T | -R^T t]`, `fy = (H / 2) / tan(fov_h / 2)`,
 * `fx = (W / 2) / tan(fov_w / 2)`, principal point per `opts.principalPoint`.
 *
 * @param enc - 9T values.
 * @returns T poses (`worldFromCam`, world = first camera; frame 0 is the identity when encoded
 *   from real cameras) and T intrinsics of size `width x height`.
 * @throws ERR_SPATIAL_POSE for a zero or non-finite quaternion / translation, ERR_SPATIAL_CAMERA for
 *   a FoV outside (0, pi).
 * @example
 * const { poses, intrinsics } = decodePoseAbsTQuatFov(enc, { width: 518, height: 392 });
 */
export function decodePoseAbsTQuatFov(enc: Float64Array | Float32Array, opts: PoseDecodeOptions): { poses: Pose[]; intrinsics: Intrinsics[] } {
  if (!(enc instanceof Float64Array) && !(enc instanceof Float32Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float64Array or Float32Array for enc but received ${describeValue(enc)}`);
  if (enc.length % 9 !== 0) throw spatialError('ERR_SPATIAL_SHAPE', `enc.length must be a multiple of 9 (got ${enc.length})`);
  const o = checkOptionsObject(opts);
  const width = checkInteger(o.width, 1, 1 << 20, 'opts.width');
  const height = checkInteger(o.height, 1, 1 << 20, 'opts.height');
  const pp = o.principalPoint ?? 'vggt';
  if (pp !== 'vggt' && pp !== 'center')
    throw spatialError('ERR_SPATIAL_SHAPE', `opts.principalPoint must be 'vggt' or 'center' (got ${describeValue(pp)})`);
  const cx = pp === 'vggt' ? width / 2 : (width - 1) / 2;
  const cy = pp === 'vggt' ? height / 2 : (height - 1) / 2;
  const poses: Pose[] = [];
  const intrinsics: Intrinsics[] = [];
  for (let i = 0; i < enc.length / 9; i++) {
    const e = Array.from(enc.subarray(9 * i, 9 * i + 9));
    const [tx, ty, tz, qx, qy, qz, qw, fovH, fovW] = e;
    if (!e.slice(0, 7).every(Number.isFinite) || qx * qx + qy * qy + qz * qz + qw * qw === 0)
      throw spatialError('ERR_SPATIAL_POSE', `enc[${9 * i}..${9 * i + 6}] must hold a finite translation and a finite non-zero quaternion (got ${e.slice(0, 7).join(', ')})`);
    for (const [name, fov, at] of [['fov_h', fovH, 7], ['fov_w', fovW, 8]] as const)
      if (!(fov > 0 && fov < Math.PI))
        throw spatialError('ERR_SPATIAL_CAMERA', `enc[${9 * i + at}] (${name} of frame ${i}) must be in (0, pi) radians (got ${fov})`);
    const R = rotationFromQuaternion(qx, qy, qz, qw);
    const pose = new Float64Array(16);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) pose[r * 4 + c] = R[c * 3 + r];
      pose[r * 4 + 3] = -(R[r] * tx + R[3 + r] * ty + R[6 + r] * tz) + 0; // + 0: no -0 for a zero translation
    }
    pose[15] = 1;
    poses.push(pose);
    intrinsics.push({ fx: width / 2 / Math.tan(fovW / 2), fy: height / 2 / Math.tan(fovH / 2), cx, cy, width, height });
  }
  return { poses, intrinsics };
}

/**
 * Pose of camera `b` in camera `a`'s frame: `inverse(worldFromA) * worldFromB` for camera-to-world
 * poses. Only correct for camera-to-world inputs (for VGGT's camera-from-world extrinsics use
 * `E_a * inverse(E_b)`). Checked form of `aFromB` in lib/pose.ts (errors name the arguments `a`, `b`).
 * @param worldFromA - camera-to-world pose of camera a (rigid, row-major `Float64Array(16)`, metres).
 * @param worldFromB - camera-to-world pose of camera b.
 * @returns `aFromB`: maps b-camera coordinates to a-camera coordinates (row-major 4x4 Float64Array(16)).
 * @throws ERR_SPATIAL_TYPE (TypeError) when a pose is not a Float64Array; ERR_SPATIAL_SHAPE when it is
 *   not 16 long; ERR_SPATIAL_POSE for a non-finite or non-rigid pose or a last row other than `0 0 0 1`.
 * @example
 * relativePose(worldFromCam1, worldFromCam2); // cam1FromCam2
 * relativePose(pose, pose); // identity
 */
export function relativePose(worldFromA: Pose, worldFromB: Pose): Pose {
  return aFromB(checkPose(worldFromA, 'a'), checkPose(worldFromB, 'b'));
}

// ---------------------------------------------------------------------------------------------
// VGGT scene normalisation.

/** Input of {@link normalizeScene}. */
export interface SceneToNormalize {
  /** T camera-to-world poses; poses[0] defines the normalised frame. */
  poses: Pose[];
  /** World points (3N each, metres), e.g. one back-projected map per frame or one cloud. */
  points: Points[];
  /** Optional validity per points array (N each; 0 = ignore), VGGT's point masks. */
  masks?: Uint8Array[];
  /** Optional depth maps (metres) to scale alongside. */
  depths?: DepthMap[];
}

/** Output of {@link normalizeScene}. */
export interface NormalizedScene {
  /** Metres per normalised unit: the mean distance of the valid points to the first camera, clamped to [1e-3, 1e3]. */
  scale: number;
  /** The first camera's pose (`worldFromFirst`), to map results back to the original world. */
  worldFromFirst: Pose;
  /** `firstFromCam` per frame (camera-to-first-camera), translation divided by `scale`; poses[0] is the identity. */
  poses: Pose[];
  /** Points in the first camera's frame divided by `scale` (same array types; non-finite points stay non-finite). */
  points: Points[];
  /** Depths divided by `scale` (0 stays 0), when depths were given. */
  depths?: DepthMap[];
}

/**
 * VGGT's training normalisation: express the scene in the first camera's frame and divide every
 * length by the mean Euclidean distance of the valid points to that camera (clamped to
 * [1e-3, 1e3]), so predictions in VGGT's "mean point distance = 1" unit can be supervised.
 * Valid points: all three coordinates finite and `masks[a][i] != 0` when masks are given.
 *
 * @throws ERR_SPATIAL_SHAPE when no point is valid.
 * @example
 * const norm = normalizeScene({ poses, points: [cloud] });
 * const back = denormalizeScene({ points: norm.points }, norm.scale, norm.worldFromFirst); // == cloud
 */
export function normalizeScene(scene: SceneToNormalize): NormalizedScene {
  const s = checkOptionsObject(scene, 'scene') as unknown as SceneToNormalize;
  const poses = checkPoses(s.poses, 'scene.poses', 1);
  if (!Array.isArray(s.points)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Points for scene.points but received ${describeValue(s.points)}`);
  const counts = s.points.map((p, i) => checkPoints(p, `scene.points[${i}]`));
  if (s.masks !== undefined) {
    if (!Array.isArray(s.masks) || s.masks.length !== s.points.length)
      throw spatialError('ERR_SPATIAL_SHAPE', `scene.masks must be an Array of ${s.points.length} Uint8Array (one per points array), got ${describeValue(s.masks)}`);
    s.masks.forEach((m, i) => {
      if (!(m instanceof Uint8Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint8Array for scene.masks[${i}] but received ${describeValue(m)}`);
      if (m.length !== counts[i]) throw spatialError('ERR_SPATIAL_SHAPE', `scene.masks[${i}].length must equal the number of points of scene.points[${i}] (${counts[i]}), got ${m.length}`);
    });
  }
  const depths = s.depths === undefined ? undefined : checkDepthArray(s.depths, 'scene.depths');
  const first = poses[0];
  const [t0, t1, t2] = [first[3], first[7], first[11]];
  let sum = 0;
  let valid = 0;
  s.points.forEach((p, a) => {
    const mask = s.masks?.[a];
    for (let i = 0; i < counts[a]; i++) {
      const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z) || (mask && mask[i] === 0)) continue;
      // |R^T (X - t)| = |X - t|: the distance in the first camera's frame is the world distance to its centre.
      sum += Math.hypot(x - t0, y - t1, z - t2);
      valid++;
    }
  });
  if (valid === 0) throw spatialError('ERR_SPATIAL_SHAPE', 'scene.points holds no valid point (finite and not masked out), so the scale is undefined');
  const scale = Math.min(1e3, Math.max(1e-3, sum / valid));
  const firstFromWorld = invertRigidPose(first);
  const outPoses = poses.map((p, i) => {
    if (i === 0) return Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    const q = multiplyPoses(firstFromWorld, p);
    q[3] /= scale; q[7] /= scale; q[11] /= scale;
    return q;
  });
  const points = s.points.map((p) => transformPoints(firstFromWorld, p, { scaleOut: 1 / scale }));
  return {
    scale, worldFromFirst: Float64Array.from(first), poses: outPoses, points,
    ...(depths ? { depths: depths.map((d) => scaleDepth(d, 1 / scale)) } : {}),
  };
}

/**
 * Inverse of {@link normalizeScene}: multiplies lengths by `scale` (metres per normalised unit)
 * and, when `worldFromFirst` is given, maps poses and points from the first camera's frame back
 * into that world. Use it to put VGGT-unit predictions (poses, point maps, depths) back in metres.
 * Returns only the fields given.
 *
 * @param scene - any of `poses` (camera-to-world, normalised unit), `points` (3N xyz arrays), `depths`.
 * @param scale - metres per normalised unit (finite, > 0), e.g. `normalizeScene(...).scale`.
 * @param worldFromFirst - optional rigid pose of the first camera in the target world.
 * @returns the given fields in metres (and in the `worldFromFirst` world): new arrays, the input is
 *   not modified; depths keep 0 / non-finite (no measurement) as they are, scaled.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `scene` is not an object, `scale` not a number, or a pose,
 *   points array or depth map has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `scale` is not finite and > 0, a pose is not 16 long, a points array's
 *   length is not a multiple of 3 or a depth map's size / data length is wrong.
 * @throws ERR_SPATIAL_POSE for a non-finite or non-rigid pose or a last row other than `0 0 0 1` (in `scene.poses` or `worldFromFirst`).
 * @example
 * denormalizeScene({ poses: predictedPoses }, norm.scale, norm.worldFromFirst).poses;
 */
export function denormalizeScene(
  scene: { poses?: Pose[]; points?: Points[]; depths?: DepthMap[] },
  scale: number,
  worldFromFirst?: Pose,
): { poses?: Pose[]; points?: Points[]; depths?: DepthMap[] } {
  const s = checkOptionsObject(scene, 'scene') as { poses?: Pose[]; points?: Points[]; depths?: DepthMap[] };
  if (typeof scale !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for scale but received ${describeValue(scale)}`);
  if (!Number.isFinite(scale) || !(scale > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `scale must be a finite number > 0 (got ${scale})`);
  const base = worldFromFirst === undefined ? Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) : Float64Array.from(checkPose(worldFromFirst, 'worldFromFirst'));
  const out: { poses?: Pose[]; points?: Points[]; depths?: DepthMap[] } = {};
  if (s.poses !== undefined)
    out.poses = checkPoses(s.poses, 'scene.poses').map((p) => {
      const q = Float64Array.from(p);
      q[3] *= scale; q[7] *= scale; q[11] *= scale;
      return multiplyPoses(base, q);
    });
  if (s.points !== undefined) {
    if (!Array.isArray(s.points)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Points for scene.points but received ${describeValue(s.points)}`);
    out.points = s.points.map((p, i) => {
      checkPoints(p, `scene.points[${i}]`);
      return transformPoints(base, p, { scaleIn: scale });
    });
  }
  if (s.depths !== undefined) out.depths = checkDepthArray(s.depths, 'scene.depths').map((d) => scaleDepth(d, scale));
  return out;
}

function checkDepthArray(depths: unknown, name: string): DepthMap[] {
  if (!Array.isArray(depths)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of DepthMap for ${name} but received ${describeValue(depths)}`);
  return depths.map((d, i) => checkDepthMap(d, `${name}[${i}]`));
}

function scaleDepth(d: DepthMap, f: number): DepthMap {
  const data = new Float32Array(d.data.length);
  for (let i = 0; i < data.length; i++) data[i] = d.data[i] * f;
  return { width: d.width, height: d.height, data };
}

// ---------------------------------------------------------------------------------------------
// Depth and scale targets.

/** Output of {@link depthPatchTargets}. */
export interface DepthPatchTargets {
  rows: number;
  cols: number;
  /** rows*cols medians (metres), row-major; 0 where the patch has no valid pixel. */
  median: Float32Array;
  /** rows*cols flags: 1 when the patch has at least one valid pixel. */
  valid: Uint8Array;
  /** rows*cols counts of valid pixels per patch. */
  counts: Uint32Array;
}

/**
 * Per-patch depth targets: the median of the valid pixels (finite, > 0) of each P x P patch.
 * `rows = floor(H / P)`, `cols = floor(W / P)`, patches anchored at the top-left pixel (the
 * remainder is cropped, as a ViT does; same grid as `rayGrid`). The median of an even count is the
 * mean of the two middle values (in double, stored as float32). Invalid depth (0, negative or
 * non-finite) is ignored; a patch without a valid pixel gets median 0 and valid 0.
 *
 * @param depth - `{ width, height, data: Float32Array(width*height) }`, row-major, metres.
 * @param patchSize - P, integer pixels in [1, min(W, H)].
 * @returns `rows`, `cols` and per-patch `median` (metres), `valid`, `counts`, each of length rows*cols.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `depth` is not an object, its data not a Float32Array or
 *   `patchSize` not a number.
 * @throws ERR_SPATIAL_SHAPE when the depth map's size or data length is wrong or `patchSize` is out of range.
 * @example
 * const t = depthPatchTargets(depth, 14); // t.median[(r * t.cols + c)]
 */
export function depthPatchTargets(depth: DepthMap, patchSize: number): DepthPatchTargets {
  const d = checkDepthMap(depth, 'depth');
  const P = checkInteger(patchSize, 1, Math.min(d.width, d.height), 'patchSize');
  const rows = Math.floor(d.height / P), cols = Math.floor(d.width / P);
  const median = new Float32Array(rows * cols), valid = new Uint8Array(rows * cols), counts = new Uint32Array(rows * cols);
  const buf = new Float32Array(P * P);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let n = 0;
      for (let i = r * P; i < (r + 1) * P; i++)
        for (let j = c * P; j < (c + 1) * P; j++) {
          const v = d.data[i * d.width + j];
          if (v > 0 && v < Infinity) buf[n++] = v;
        }
      const p = r * cols + c;
      counts[p] = n;
      if (n === 0) continue;
      const s = buf.subarray(0, n).sort();
      median[p] = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      valid[p] = 1;
    }
  return { rows, cols, median, valid, counts };
}

/** Options of {@link metricScaleFactor}. */
export interface MetricScaleOptions {
  /** Pixels to consider (e.g. GeoVR's non-sky mask, `sky < 0.3`); 0 = excluded. */
  mask?: Uint8Array;
  /** Relative-depth confidence: pixels with `conf >= median(conf over the mask)` are kept. */
  confidence?: Float32Array;
  /** Keep only `metric > minMetric` (default 0.01, GeoVR). */
  minMetric?: number;
  /** Keep only `relative > minRelative` (default 0.001, GeoVR). */
  minRelative?: number;
}

/**
 * GeoVR's metric scale target (its scale supervision: mask, confidence threshold, least-squares factor): the least-squares factor `s` with
 * `metric ≈ s * relative`, `s = Σ m·d / max(Σ d², 1e-12)` over the valid pixels, i.e. metres per
 * relative (VGGT) unit. Valid: in `mask`, `conf >= c_med` (the linear-interpolation median of the
 * confidences inside the mask, rounded to float32; GeoVR estimates it from <= 100k random pixels,
 * this is exact), `metric > minMetric`, `relative > minRelative`, both finite. With no valid pixel
 * `s = 0` (the formula's value).
 * @param metric - metric depth per pixel (metres), e.g. DA3-metric `m * f / 300`.
 * @param relative - relative depth per pixel (VGGT units), same length.
 * @param opts - `mask` (Uint8Array, 0 = excluded), `confidence` (Float32Array), `minMetric` (metres,
 *   default 0.01), `minRelative` (default 0.001); per-pixel arrays of the same length as `metric`.
 * @returns `scale`, the number of pixels used, and the confidence threshold (NaN without confidences).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `metric` / `relative` is not a Float32Array / Float64Array,
 *   `opts` not an object, `mask` not a Uint8Array, `confidence` not a Float32Array or a threshold not a number.
 * @throws ERR_SPATIAL_SHAPE when a per-pixel array's length differs from `metric.length` or a
 *   threshold is not finite.
 * @example
 * metricScaleFactor(metricDepth, vggtDepth, { mask: nonSky, confidence: vggtConf }).scale;
 */
export function metricScaleFactor(metric: Float32Array | Float64Array, relative: Float32Array | Float64Array, opts: MetricScaleOptions = {}): { scale: number; count: number; confidenceThreshold: number } {
  const n = checkPerPixel(metric, 'metric');
  checkPerPixel(relative, 'relative', n, 'metric');
  const o = checkOptionsObject(opts) as MetricScaleOptions;
  const mask = o.mask === undefined ? undefined : checkMask(o.mask, 'opts.mask', n);
  if (o.confidence !== undefined) {
    if (!(o.confidence instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for opts.confidence but received ${describeValue(o.confidence)}`);
    if (o.confidence.length !== n) throw spatialError('ERR_SPATIAL_SHAPE', `opts.confidence.length must equal metric.length (${n}), got ${o.confidence.length}`);
  }
  const minMetric = checkFiniteOption(o.minMetric ?? 0.01, 'opts.minMetric');
  const minRelative = checkFiniteOption(o.minRelative ?? 0.001, 'opts.minRelative');
  const conf = o.confidence;
  let tau = NaN;
  if (conf) {
    const inMask = mask ? conf.filter((_, i) => mask[i] !== 0) : conf;
    tau = medianOfFloat32(inMask);
  }
  let num = 0, den = 0, count = 0;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    if (conf && !(conf[i] >= tau)) continue;
    const m = metric[i], d = relative[i];
    if (!(m > minMetric) || !(d > minRelative) || !Number.isFinite(m) || !Number.isFinite(d)) continue;
    num += m * d;
    den += d * d;
    count++;
  }
  return { scale: num / Math.max(den, 1e-12), count, confidenceThreshold: tau };
}

/** `float32(b - (b - a) / 2)` of the two middle non-NaN values (numpy/torch linear median), NaN if none. */
function medianOfFloat32(v: Float32Array): number {
  const s = v.filter((x) => !Number.isNaN(x)).sort();
  if (s.length === 0) return NaN;
  const lo = s[Math.floor((s.length - 1) / 2)], hi = s[Math.floor(s.length / 2)];
  return Math.fround(hi - (hi - lo) * 0.5) + 0;
}

function checkPerPixel(a: unknown, name: string, n?: number, other?: string): number {
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array or Float64Array for ${name} but received ${describeValue(a)}`);
  if (n !== undefined && a.length !== n) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must equal ${other}.length (${n}), got ${a.length}`);
  return a.length;
}

function checkMask(m: unknown, name: string, n: number): Uint8Array {
  if (!(m instanceof Uint8Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint8Array for ${name} but received ${describeValue(m)}`);
  if (m.length !== n) throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be ${n} (got ${m.length})`);
  return m;
}

function checkFiniteOption(v: unknown, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name} but received ${describeValue(v)}`);
  if (!Number.isFinite(v)) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be finite (got ${v})`);
  return v;
}

/**
 * Least-squares scale and shift of a depth prediction: `gt ≈ scale * pred + shift` over the pixels
 * in `mask` (when given) where `pred` is finite and `gt` is a valid depth (finite, > 0). Centred
 * two-pass sums in double. With no valid pixel, `{ scale: 0, shift: 0 }`; with a constant
 * prediction, `scale = 0` and `shift = mean(gt)`.
 *
 * @param pred - predicted depth per pixel (any unit), Float32Array or Float64Array of length n.
 * @param gt - ground-truth depth per pixel (metres), same length; 0 or non-finite = invalid.
 * @param mask - optional Uint8Array(n), 0 = excluded.
 * @returns `scale` (gt units per pred unit), `shift` (gt units) and `count`, the pixels used.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `pred` / `gt` is not a Float32Array / Float64Array or
 *   `mask` not a Uint8Array.
 * @throws ERR_SPATIAL_SHAPE when `gt.length` or `mask.length` differs from `pred.length`.
 * @example
 * const { scale, shift } = alignDepthScaleShift(pred.data, gt.data);
 */
export function alignDepthScaleShift(pred: Float32Array | Float64Array, gt: Float32Array | Float64Array, mask?: Uint8Array): { scale: number; shift: number; count: number } {
  const n = checkPerPixel(pred, 'pred');
  checkPerPixel(gt, 'gt', n, 'pred');
  const m = mask === undefined ? undefined : checkMask(mask, 'mask', n);
  const ok = (i: number) => (!m || m[i] !== 0) && Number.isFinite(pred[i]) && gt[i] > 0 && gt[i] < Infinity;
  let sp = 0, sg = 0, count = 0;
  for (let i = 0; i < n; i++)
    if (ok(i)) {
      sp += pred[i];
      sg += gt[i];
      count++;
    }
  if (count === 0) return { scale: 0, shift: 0, count: 0 };
  const mp = sp / count, mg = sg / count;
  let spp = 0, spg = 0;
  for (let i = 0; i < n; i++)
    if (ok(i)) {
      spp += (pred[i] - mp) * (pred[i] - mp);
      spg += (pred[i] - mp) * (gt[i] - mg);
    }
  const scale = spp > 0 ? spg / spp : 0;
  return { scale, shift: mg - scale * mp, count };
}

// ---------------------------------------------------------------------------------------------
// Similarity alignment.

/** A similarity transform `dst ≈ scale * R * src + t`. */
export interface Sim3Alignment {
  scale: number;
  /** Row-major 3x3 proper rotation (det +1). */
  rotation: Float64Array;
  translation: Float64Array;
  /** `sqrt(mean ||scale R src + t - dst||^2)` over the pairs used. */
  rmse: number;
  /** Pairs used: both points finite. */
  count: number;
}

/** Validated arguments of `alignSim3`: N pairs. */
export function checkAlignArgs(src: unknown, dst: unknown, opts: unknown): { n: number; withScale: boolean } {
  const n = checkPoints(src, 'src');
  const m = checkPoints(dst, 'dst');
  if (m !== n) throw spatialError('ERR_SPATIAL_SHAPE', `dst.length must equal src.length (${3 * n}), got ${3 * m}`);
  const o = checkOptionsObject(opts ?? {});
  return { n, withScale: checkBoolean(o.withScale ?? true, 'opts.withScale') };
}

/** Options of `cameraTokens`. */
export interface CameraTokenOptions {
  /** Token footprint in pixels (e.g. 14, or 28 for Qwen2.5-VL's 14-px patch x 2 merge). */
  patchSize: number;
  /** Number of octaves F (1..32). */
  frequencies: number;
  /** Also encode `fx / W`, `fy / H` (default false). */
  includeFocal?: boolean;
}

/** Camera tokens: one D-vector per patch, row-major patches. */
export interface CameraTokens {
  rows: number;
  cols: number;
  /** Values per token: `Q * 2F` with Q = 4 when the focal lengths are included, else 2. */
  dim: number;
  /** rows*cols*dim floats: token (r, c) at `data[(r * cols + c) * dim ...]`. */
  data: Float32Array;
}

type Embed = (k: Intrinsics, opts: { patchSize: number; frequencies: number; includeFocal?: boolean }) => Float32Array;

/** The body of `cameraTokens`, shared by both backends (each passes its own `rayEmbedding`). */
export function buildCameraTokens(view: unknown, opts: unknown, embed: Embed): CameraTokens {
  if (typeof view !== 'object' || view === null)
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a View { intrinsics, image?, depth?, pose? } for view but received ${describeValue(view)}`);
  const v = view as View;
  const k = checkIntrinsics(v.intrinsics, 'view.intrinsics');
  for (const key of ['image', 'depth'] as const) {
    const m = v[key];
    if (m !== undefined && (m.width !== k.width || m.height !== k.height))
      throw spatialError('ERR_SPATIAL_SHAPE', `view.${key} is ${m.width}x${m.height} but view.intrinsics expects ${k.width}x${k.height}`);
  }
  const o = checkOptionsObject(opts) as unknown as CameraTokenOptions;
  const data = embed(k, { patchSize: o.patchSize, frequencies: o.frequencies, includeFocal: o.includeFocal });
  const rows = Math.floor(k.height / o.patchSize);
  const cols = Math.floor(k.width / o.patchSize);
  return { rows, cols, dim: data.length / (rows * cols), data };
}
