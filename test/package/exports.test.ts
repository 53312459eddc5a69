// What the package's entry points offer, read from the built package through its own exports map
// (`@spatial/geom` resolves to dist/ by self-reference): every function the README documents exists
// on the ESM and the CommonJS entry, the pure-TS twins exist on `/reference`, and plumbing stays off
// the root.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/processes.js';
import { repoRoot } from '../helpers/shared-data.js';

type Entry = Record<string, unknown>;
const require = createRequire(import.meta.url);
const entries: Record<string, { esm: Entry; cjs: Entry }> = {};

/** Every `name(` in backticks in the README (a documented call), and every `nameAsync` in backticks. */
function documentedFunctions(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const m of readme.matchAll(/`([a-z][A-Za-z0-9]*)\(/g)) names.add(m[1]);
  for (const m of readme.matchAll(/`([a-z][A-Za-z0-9]*Async)`/g)) names.add(m[1]);
  // Arithmetic in the formulas of the tables, and the platform's own calls (structuredClone,
  // postMessage) in the prose: not our API.
  for (const other of ['round', 'floor', 'min', 'max', 'sin', 'cos', 'abs', 'postMessage']) names.delete(other);
  for (const n of names) if (typeof (globalThis as Record<string, unknown>)[n] === 'function') names.delete(n);
  return [...names].sort();
}

/** The engine: what only the native package does (scenes, clips, QA); everything else has a twin. */
const ENGINE_ONLY = new Set(['configure', 'generateClip', 'loadClip', 'synthesizeClip', 'synthesizeScene', 'generateScene', 'loadScene']);

beforeAll(async () => {
  ensureBuilt();
  for (const sub of ['', '/reference', '/dataset']) {
    const name = `@spatial/geom${sub}`;
    entries[sub || '/'] = { esm: (await import(name)) as Entry, cjs: require(name) as Entry };
  }
}, 120_000);

describe('package entry points', () => {
  it('the README documents at least the core ops (the scan works)', () => {
    expect(documentedFunctions()).toEqual(expect.arrayContaining(['projectPoints', 'visibleSets', 'overlapMatrix', 'generateClip', 'loadClip', 'synthesizeClip']));
  });

  it.each(['esm', 'cjs'] as const)('every function in the README is exported from the root (%s)', (kind) => {
    const missing = documentedFunctions().filter((n) => typeof entries['/'][kind][n] !== 'function');
    expect(missing).toEqual([]);
  });

  it.each(['esm', 'cjs'] as const)('every documented op but the engine has its twin in @spatial/geom/reference (%s)', (kind) => {
    const missing = documentedFunctions().filter((n) => !ENGINE_ONLY.has(n) && typeof entries['/reference'][kind][n] !== 'function');
    expect(missing).toEqual([]);
  });

  it('ESM and CommonJS entries export the same names', () => {
    for (const sub of ['/', '/reference', '/dataset']) expect(Object.keys(entries[sub].cjs).sort()).toEqual(Object.keys(entries[sub].esm).sort());
  });

  it('plumbing is not on the root; dataset units and merge are on @spatial/geom/dataset', () => {
    for (const internal of ['shardDir', 'shardsDir', 'unitKey', 'completedKeys', 'describeValue', 'spatialError', 'checkDownsampleArgs', 'checkMultiSpaArgs', 'native']) {
      expect(entries['/'].esm[internal], internal).toBeUndefined();
      expect(entries['/reference'].esm[internal], internal).toBeUndefined();
    }
    for (const name of ['planUnits', 'runUnits', 'mergeShards', 'parseSceneList', 'shardDir', 'unitKey']) expect(typeof entries['/dataset'].esm[name], name).toBe('function');
  });

  it('deep imports are closed: only the entry points in the exports map resolve', () => {
    expect(() => require.resolve('@spatial/geom/dist/native.js')).toThrow(/is not defined by "exports"/);
  });
});
