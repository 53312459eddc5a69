/**
 * Core types of `@spatial/geom`. One convention everywhere (see the README's "Conventions"):
 * OpenCV camera axes (x right, y down, z forward), metres, poses camera-to-world, integer pixel
 * coordinates at pixel centres.
 * @module
 */

/**
 * Pinhole intrinsics of an image of `width` x `height` pixels, in pixels.
 * Projection: `u = fx * X / Z + cx`, `v = fy * Y / Z + cy`, where integer `(u, v)` are pixel
 * centres: pixel (col j, row i) covers `[j-0.5, j+0.5) x [i-0.5, i+0.5)`.
 * `fx, fy > 0`; `width, height` positive integers. Intrinsics always travel with their image size.
 */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

/**
 * A rigid camera-to-world transform (`worldFromCam`): 16 numbers, row-major 4x4 `[R | t; 0 0 0 1]`,
 * as in ScanNet's pose files. A world point `Xw` maps into the camera as `Xc = R^T (Xw - t)`.
 */
export type Pose = Float64Array;

/** A posed pinhole camera. `pose` is `worldFromCam` (camera-to-world). */
export interface Camera {
  intrinsics: Intrinsics;
  /** Camera-to-world (`worldFromCam`), row-major 4x4. */
  pose: Pose;
}

/** A metric depth map: row-major `width*height` values in metres; `0` or non-finite = no measurement. */
export interface DepthMap {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * A depth map as a 16-bit depth PNG stores it: row-major samples `data` (length W*H) in units of
 * `1 / scale` metres (ScanNet scale 1000 = millimetres, TUM 5000); 0 = no measurement. Metres are
 * `stored / scale` (see `depthFromStored`).
 */
export interface StoredDepthMap {
  width: number;
  height: number;
  data: Uint16Array;
  /** Stored units per metre, finite and > 0. */
  scale: number;
}

/** Points: interleaved xyz of N points (length 3N), world frame, metres. */
export type Points = Float32Array | Float64Array;

/** A visible set: strictly ascending point indices. */
export type IndexSet = Uint32Array;

/** Options of the visibility test. */
export interface VisibilityOptions {
  /**
   * A point is visible only if `Xc.z <= depth + tolerance` (metres). Default 0.05 m, so surface
   * points seen by a noisy sensor stay visible.
   */
  tolerance?: number;
  /** A point is visible only if `Xc.z > near` (metres). Default 1e-6. */
  near?: number;
}

/** Output of {@link geometry!projectPoints}: frame-major `uv[2*(f*N+i)+k]`, `depth[f*N+i]`. */
export interface Projection {
  /** Pixel coordinates (u, v) per frame and point, NaN for points with `depth <= 0`. */
  uv: Float32Array;
  /** Camera-space z (metres) per frame and point; `<= 0` means behind the camera. */
  depth: Float32Array;
}

/** Caller-owned output buffers of {@link geometry!projectPoints} (gl-matrix's `out` convention). */
export interface ProjectionOut {
  uv?: Float32Array;
  depth?: Float32Array;
}

/** Output of {@link geometry!correspondences}: points visible in both frames and where they land. */
export interface Correspondences {
  /** Indices of the points in both sets (ascending), K of them. */
  index: Uint32Array;
  /** 2K pixel coordinates in camera A. */
  uvA: Float32Array;
  /** 2K pixel coordinates in camera B. */
  uvB: Float32Array;
  /** K camera-space depths (metres) in camera A. */
  depthA: Float32Array;
  /** K camera-space depths (metres) in camera B. */
  depthB: Float32Array;
}

/** A patch grid: either a square patch size in pixels or an explicit number of rows and columns. */
export type PatchGridSpec = { patchSize: number } | { rows: number; cols: number };

/** Options of {@link geometry!rayEmbedding}. */
export interface RayEmbeddingOptions {
  /** Patch size in pixels: `cols = floor(W / P)`, `rows = floor(H / P)`. */
  patchSize: number;
  /** Number of octaves F (1..32): frequencies `2^k * pi`, k = 0..F-1. */
  frequencies: number;
  /** Also encode `fx / width` and `fy / height` (default false). */
  includeFocal?: boolean;
  /** Caller-owned output buffer of the exact size. */
  out?: Float32Array;
}

/**
 * Instruction-set level of the native CPU kernels: `'baseline'` (plain x86-64, or portable C++ on
 * other architectures), `'avx2'` (x86-64-v3) or `'avx512'` (x86-64-v4). Every level gives
 * bit-identical results; only speed differs.
 */
export type SimdLevel = 'baseline' | 'avx2' | 'avx512';

/** What {@link geometry!info} reports about the loaded backend. */
export interface BackendInfo {
  version: string;
  backend: 'cpu' | 'cuda' | 'reference';
  cuda: { available: boolean; compiled?: boolean; device?: string; reason?: string };
  threads: number;
  parallelThreshold?: number;
  /**
   * Native backend: the level the CPU kernels run at. The addon picks the best one this CPU offers
   * when it loads; env `SPATIAL_GEOM_SIMD=baseline|avx2|avx512` or `configure({ simd })` force a
   * lower one (a level above the CPU's, or an unknown name, throws `ERR_SPATIAL_SHAPE`).
   * Absent for the reference backend.
   */
  simd?: SimdLevel;
  /** Native backend: the levels this CPU (and OS) can run, lowest first. */
  simdLevels?: SimdLevel[];
}

/** {@link BackendInfo} of the native addon, which always reports its SIMD levels. */
export interface NativeBackendInfo extends BackendInfo {
  simd: SimdLevel;
  simdLevels: SimdLevel[];
}

/** An 8-bit image: row-major `width*height*channels` bytes, channels interleaved (1 = grey, 3 = RGB, 4 = RGBA). */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/**
 * A camera view transformed as one unit by the camera augmentations: image content, depth and
 * intrinsics always agree. The pose is unchanged by every 2-D augmentation.
 */
export interface View {
  intrinsics: Intrinsics;
  image?: Image;
  depth?: DepthMap;
  pose?: Pose;
  /** Optional per-pixel instance ids (0 = background), resampled by nearest neighbour with the image. */
  instanceIds?: InstanceIdMap;
}

/** A per-pixel id map (e.g. instance masks): row-major `width*height` uint16 ids, 0 = background. */
export interface InstanceIdMap {
  width: number;
  height: number;
  data: Uint16Array;
}
