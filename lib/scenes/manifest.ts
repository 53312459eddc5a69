/**
 * A JSON manifest for scenes in any other layout. Paths are relative to the manifest's folder.
 *
 * ```json
 * {
 *   "id": "my-scene",
 *   "up": "z",                                   // optional: world up axis (x, y, z, -y)
 *   "depthScale": 1000,                          // stored depth units per metre (default for frames)
 *   "intrinsics": { "fx": 525, "fy": 525, "cx": 319.5, "cy": 239.5, "width": 640, "height": 480 },
 *   "frames": [
 *     { "id": "0", "depth": "depth/0.png", "color": "color/0.jpg",
 *       "pose": [16 numbers, row-major camera-to-world],
 *       "intrinsics": { ... },                   // optional per-frame depth intrinsics
 *       "colorIntrinsics": { ... },              // optional, when the colour image differs
 *       "depthScale": 1000 }                     // optional per-frame scale
 *   ],
 *   "points": "mesh.ply"                          // optional scene points (PLY vertices)
 * }
 * ```
 * @module
 */
import { dirname, isAbsolute, join } from 'node:path';
import { spatialError } from '../errors.js';
import type { Intrinsics } from '../types.js';
import { checkIntrinsics, checkPose } from '../validate.js';
import { readPlyVertices } from './ply.js';
import { readText } from './text.js';
import type { Frame, Scene } from './types.js';

function lineOf(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

/**
 * Offset of the first character at which `text` stops being valid JSON (Node 20's JSON.parse
 * errors carry no position, and a manifest error must name its line).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const str = (): boolean => {
    i++;
    while (i < text.length) {
      if (text[i] === '\\') i += 2;
      else if (text[i++] === '"') return true;
    }
    return false;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return i++, true;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"' || !str()) return false;
          ws();
          if (text[i] !== ':') return false;
          i++;
        }
        if (!value()) return false;
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) return i++, true;
        return false;
      }
    }
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  if (value()) ws();
  return i;
}

/** Loads and strictly validates a manifest (errors name the file and the field). */
export async function loadManifest(path: string): Promise<Scene> {
  const text = await readText(path);
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw spatialError('ERR_SPATIAL_FORMAT', `${path}:${lineOf(text, jsonErrorOffset(text))}: not valid JSON (${(e as Error).message})`);
  }
  const base = dirname(path);
  const resolve = (p: unknown, what: string): string => {
    if (typeof p !== 'string' || !p) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${what} must be a path string`);
    return isAbsolute(p) ? p : join(base, p);
  };
  if (typeof m !== 'object' || m === null || !Array.isArray(m.frames)) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: expected an object with a "frames" array`);
  const id = typeof m.id === 'string' && m.id ? m.id : dirname(path).split('/').pop() ?? 'scene';
  const scaleOf = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !(v > 0)) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${what} must be a number > 0`);
    return v;
  };
  const defaultScale = m.depthScale === undefined ? 1000 : scaleOf(m.depthScale, 'depthScale');
  const kOf = (v: unknown, what: string): Intrinsics => {
    try {
      return checkIntrinsics(v, what);
    } catch (e) {
      throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${(e as Error).message}`);
    }
  };
  const defaultK = m.intrinsics === undefined ? undefined : kOf(m.intrinsics, 'intrinsics');
  const frames: Frame[] = (m.frames as unknown[]).map((raw, i) => {
    const f = raw as Record<string, unknown>;
    const what = `frames[${i}]`;
    if (typeof f !== 'object' || f === null) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${what} must be an object`);
    const intrinsics = f.intrinsics === undefined ? defaultK : kOf(f.intrinsics, `${what}.intrinsics`);
    if (!intrinsics) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${what} has no intrinsics (and the manifest gives no default)`);
    if (!Array.isArray(f.pose) || f.pose.length !== 16 || !f.pose.every((v) => typeof v === 'number'))
      throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${what}.pose must be 16 numbers (row-major camera-to-world)`);
    const pose = Float64Array.from(f.pose as number[]);
    try {
      checkPose(pose, `${what}.pose`);
    } catch (e) {
      throw spatialError('ERR_SPATIAL_FORMAT', `${path}: ${(e as Error).message}`);
    }
    return {
      id: typeof f.id === 'string' ? f.id : String(i),
      intrinsics,
      pose,
      depthPath: resolve(f.depth, `${what}.depth`),
      depthScale: f.depthScale === undefined ? defaultScale : scaleOf(f.depthScale, `${what}.depthScale`),
      colorPath: f.color === undefined ? undefined : resolve(f.color, `${what}.color`),
      colorIntrinsics: f.colorIntrinsics === undefined ? undefined : kOf(f.colorIntrinsics, `${what}.colorIntrinsics`),
    };
  });
  const scene: Scene = { id, root: base, frames };
  if (m.up !== undefined) {
    if (!['x', 'y', 'z', '-y'].includes(m.up as string)) throw spatialError('ERR_SPATIAL_FORMAT', `${path}: up must be x, y, z or -y`);
    scene.up = m.up as Scene['up'];
  }
  if (m.points !== undefined) scene.points = await readPlyVertices(resolve(m.points, 'points'));
  return scene;
}
