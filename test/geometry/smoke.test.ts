// Smoke tests: the addon loads, reports itself, and one op runs on both backends.
import { describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import { backends } from '../helpers/backends.js';
import { IDENTITY, camera, intrinsics } from '../helpers/cameras.js';

describe('addon', () => {
  it('loads and reports its backend', () => {
    const i = native.info();
    expect(i.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(['cpu', 'cuda']).toContain(i.backend);
    expect(i.threads).toBeGreaterThanOrEqual(1);
    if (!i.cuda.available) expect(i.cuda.reason).toBeTruthy();
  });

  it.each(backends)('%s projects a point onto the principal point', (_name, backend) => {
    const k = intrinsics(500, 500, 319.5, 239.5, 640, 480);
    const { uv, depth } = backend.projectPoints(Float32Array.of(0, 0, 2), camera(k, IDENTITY));
    expect(Array.from(uv)).toEqual([319.5, 239.5]);
    expect(Array.from(depth)).toEqual([2]);
  });
});
