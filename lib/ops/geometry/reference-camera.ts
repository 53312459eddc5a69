/**
 * Camera math of the reference twin, in double precision and in the same operation order as the
 * C++ core (native/core/src/camera.cpp, projection_impl.h), so Float64 inputs agree bit for bit.
 * @module
 */
import type { Camera, Intrinsics } from '../../types.js';

/** camFromWorld = [R^T | -R^T t] as a row-major 3x4 (12 numbers). */
export function camFromWorld(pose: Float64Array): Float64Array {
  const m = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r * 4 + c] = pose[c * 4 + r];
    m[r * 4 + 3] = -(pose[0 * 4 + r] * pose[3] + pose[1 * 4 + r] * pose[7] + pose[2 * 4 + r] * pose[11]);
  }
  return m;
}

/** Camera parameters in one flat object for the loops below: the intrinsics and camFromWorld (3x4). */
export interface CameraMath extends Intrinsics {
  camFromWorld: Float64Array;
}

export function cameraMath(c: Camera): CameraMath {
  const { fx, fy, cx, cy, width, height } = c.intrinsics;
  return { camFromWorld: camFromWorld(c.pose), fx, fy, cx, cy, width, height };
}
