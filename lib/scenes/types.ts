/**
 * Scenes: posed RGB-D frames, optional scene points (e.g. mesh vertices) and object instances.
 * All poses camera-to-world (OpenCV axes), metres.
 * @module
 */
import type { DepthMap, Image, Intrinsics, Pose } from '../types.js';
import type { SceneFormat } from './formats.js';

/** One posed RGB-D frame. */
export interface Frame {
  /** The frame's name in its dataset (file stem or timestamp), unique in the scene. */
  id: string;
  /** Intrinsics of the depth image (and of the colour image unless `colorIntrinsics` is set). */
  intrinsics: Intrinsics;
  /** Camera-to-world (`worldFromCam`), row-major 4x4. */
  pose: Pose;
  /** Path of the stored depth image (16-bit PNG), when on disk. */
  depthPath?: string;
  /** Stored depth units per metre (ScanNet 1000, TUM 5000). */
  depthScale?: number;
  /** Path of the colour image, when on disk. */
  colorPath?: string;
  /** Intrinsics of the colour image when they differ from the depth image's. */
  colorIntrinsics?: Intrinsics;
  /** Capture time in seconds, when known. */
  timestamp?: number;
  /** In-memory metric depth (synthetic scenes, or after loading). */
  depth?: DepthMap;
  /** In-memory colour image. */
  color?: Image;
  /** In-memory per-pixel instance ids (0 = none), row-major, size of the depth image. */
  instanceIds?: Uint16Array;
}

/** An object instance with its axis-aligned world box (metres). */
export interface Instance {
  /** Instance id (>= 1; 0 means "no instance" in per-point and per-pixel ids). */
  id: number;
  /** Semantic label, e.g. "chair". */
  label: string;
  /** Axis-aligned box in the world frame. */
  box: { min: [number, number, number]; max: [number, number, number] };
  /** Walls, floor, ceiling, windows: excluded from object-size questions. */
  structural?: boolean;
}

/** A frame the loader skipped, and why (e.g. a non-finite ScanNet pose). */
export interface SkippedFrame {
  id: string;
  reason: string;
}

/** A posed RGB-D scene. */
export interface Scene {
  id: string;
  /** Directory the scene was loaded from, when on disk. */
  root?: string;
  frames: Frame[];
  /** Scene points (3N xyz, world), e.g. mesh vertices. */
  points?: Float32Array;
  /** Instance id per scene point (0 = none), when known. */
  pointInstances?: Uint16Array;
  instances?: Instance[];
  /** The world's up axis ('z' for axis-aligned ScanNet and the synthetic scene). */
  up?: 'x' | 'y' | 'z' | '-y';
  skipped?: SkippedFrame[];
  /**
   * The row-major 4x4 transform the loader applied to every pose and point (`alignedFromRaw`,
   * e.g. ScanNet's `axisAlignment`), when it applied one. Poses and points are already aligned.
   */
  axisAlignment?: Float64Array;
  /** The layout the scene was loaded from, when loaded from disk. */
  format?: SceneFormat;
}
