// The SIMD level of the native CPU kernels: info() reports it, configure({ simd }) and env
// SPATIAL_GEOM_SIMD (read when the addon loads: tested in child processes) force a lower one, and
// bad requests are coded errors, never a crash. That every level computes the same results is
// tested by properties.test.ts (each level against the reference) and by the C++ test_simd.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as native from '../../lib/index.js';
import { ensureBuilt } from '../helpers/processes.js';
import { repoRoot } from '../helpers/shared-data.js';

const ALL_LEVELS = ['baseline', 'avx2', 'avx512'] as const;
const loaded = native.info();

/** What a fresh Node process sees with SPATIAL_GEOM_SIMD=value: info() and one op, or the error. */
function childWith(value: string) {
  const script = `
    import * as g from ${JSON.stringify(join(repoRoot, 'dist', 'index.js'))};
    const report = (f) => { try { return { ok: f() }; } catch (e) { return { name: e.constructor.name, code: e.code, message: e.message }; } };
    const info = report(() => { const i = g.info(); return { simd: i.simd, simdLevels: i.simdLevels }; });
    const project = report(() => Array.from(g.projectPoints(Float32Array.of(0, 0, 2), { intrinsics: { fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480 }, pose: Float64Array.of(1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1) }).uv));
    console.log(JSON.stringify({ info, project }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, SPATIAL_GEOM_SIMD: value },
    encoding: 'utf8',
  });
  return JSON.parse(out) as {
    info: { ok?: { simd: string; simdLevels: string[] }; name?: string; code?: string; message?: string };
    project: { ok?: number[]; name?: string; code?: string; message?: string };
  };
}

describe('info().simd and info().simdLevels', () => {
  it('name the level in use and the levels this CPU offers, lowest first', () => {
    expect(loaded.simdLevels[0]).toBe('baseline');
    expect(loaded.simdLevels).toEqual(ALL_LEVELS.filter((l) => loaded.simdLevels.includes(l))); // ordered, known names
    expect(loaded.simdLevels).toContain(loaded.simd);
    // On load the addon runs at the best level this CPU offers, unless the environment forced one.
    if (!process.env.SPATIAL_GEOM_SIMD) expect(loaded.simd).toBe(loaded.simdLevels.at(-1));
  });
});

describe('configure({ simd })', () => {
  afterAll(() => native.configure({ simd: loaded.simd }));

  it.each(loaded.simdLevels)('switches to %s, and info() says so', (simd) => {
    expect(native.configure({ simd }).simd).toBe(simd);
    expect(native.info().simd).toBe(simd);
    expect(native.info().simdLevels).toEqual(loaded.simdLevels);
  });

  it('rejects an unknown level with ERR_SPATIAL_SHAPE and changes nothing', () => {
    native.configure({ simd: 'baseline' });
    let err: (Error & { code?: string }) | undefined;
    try {
      native.configure({ simd: 'sse9' as never, threads: 1 });
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err).toBeInstanceOf(RangeError);
    expect(err?.code).toBe('ERR_SPATIAL_SHAPE');
    expect(err?.message).toBe(`opts.simd must be 'baseline', 'avx2' or 'avx512' (got 'sse9'); this CPU offers ${loaded.simdLevels.join(', ')}`);
    expect(native.info().simd).toBe('baseline');
    expect(native.info().threads).toBe(loaded.threads);
  });

  it('rejects a non-string with ERR_SPATIAL_TYPE', () => {
    expect(() => native.configure({ simd: 2 as never })).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_TYPE' }));
  });

  it.each(ALL_LEVELS.filter((l) => !loaded.simdLevels.includes(l)))('rejects %s, which this CPU lacks', (simd) => {
    expect(() => native.configure({ simd })).toThrow(
      expect.objectContaining({ code: 'ERR_SPATIAL_SHAPE', message: `opts.simd asks for '${simd}' but this CPU offers only ${loaded.simdLevels.join(', ')}` }),
    );
  });
});

describe('env SPATIAL_GEOM_SIMD (child processes)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it.each(loaded.simdLevels)('=%s runs the kernels at that level', (simd) => {
    const r = childWith(simd);
    expect(r.info.ok).toEqual({ simd, simdLevels: loaded.simdLevels });
    expect(r.project.ok).toEqual([319.5, 239.5]);
  });

  it('empty means unset: the best level', () => {
    expect(childWith('').info.ok?.simd).toBe(loaded.simdLevels.at(-1));
  });

  it('an unknown level is a coded error from info() and from the first op, naming the variable', () => {
    const r = childWith('avx9000');
    const expected = {
      name: 'RangeError',
      code: 'ERR_SPATIAL_SHAPE',
      message: `SPATIAL_GEOM_SIMD must be 'baseline', 'avx2' or 'avx512' (got 'avx9000'); this CPU offers ${loaded.simdLevels.join(', ')}`,
    };
    expect(r.info).toEqual(expected);
    expect(r.project).toEqual(expected);
  });

  it.each(ALL_LEVELS.filter((l) => !loaded.simdLevels.includes(l)))('=%s, above this CPU, is a coded error', (simd) => {
    const r = childWith(simd);
    expect(r.info).toEqual({
      name: 'RangeError',
      code: 'ERR_SPATIAL_SHAPE',
      message: `SPATIAL_GEOM_SIMD asks for '${simd}' but this CPU offers only ${loaded.simdLevels.join(', ')}`,
    });
  });
});
