// The layout rules of CONTRIBUTING.md ("Where an op lives"), checked on the source tree: every op
// family folder holds its native face, shared part and twin; a twin and a shared part never import
// a native face or the addon loader (so `@spatial/geom/reference` runs without the addon); a shared
// part imports no twin; and every source file name is kebab-case.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared-data.js';

const ops = join(repoRoot, 'lib', 'ops');
const families = readdirSync(ops, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

/** Every file under `dir`, repo-relative. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(repoRoot, join(dir, e.name))]));
}

/** The repo-relative .ts files a module imports or re-exports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) => relative(repoRoot, resolve(dirname(join(repoRoot, file)), m[1] + '.ts')));
}

const isNativeFace = (f: string) => f === 'lib/native.ts' || /^lib\/ops\/[^/]+\/native\.ts$/.test(f);

describe('source layout', () => {
  it('lists the op families of issue 15', () => {
    expect(families).toEqual(['augment', 'box-iou', 'compat', 'geometry', 'motion', 'pointcloud', 'raycast', 'rays', 'sampling', 'targets']);
  });

  it.each(families)('%s has native.ts, shared.ts and reference.ts, and the entries re-export them', (family) => {
    const files = readdirSync(join(ops, family));
    expect(files).toEqual(expect.arrayContaining(['native.ts', 'shared.ts', 'reference.ts']));
    expect(importsOf('lib/index.ts').some((f) => f.startsWith(`lib/ops/${family}/native`))).toBe(true);
    expect(importsOf('lib/reference/index.ts').some((f) => f.startsWith(`lib/ops/${family}/reference`))).toBe(true);
  });

  it('twins (reference*.ts) and shared parts never import a native face or the addon loader', () => {
    const offenders = walk(ops)
      .filter((f) => /\/(reference[^/]*|shared)\.ts$/.test(f))
      .flatMap((f) => importsOf(f).filter(isNativeFace).map((i) => `${f} -> ${i}`));
    expect(offenders).toEqual([]);
    expect(importsOf('lib/reference/index.ts').filter(isNativeFace)).toEqual([]);
  });

  it('shared parts import no twin', () => {
    const offenders = walk(ops)
      .filter((f) => f.endsWith('/shared.ts'))
      .flatMap((f) => importsOf(f).filter((i) => /\/reference[^/]*\.ts$/.test(i)).map((i) => `${f} -> ${i}`));
    expect(offenders).toEqual([]);
  });

  it('every source file name under lib/, test/, bench/ and scripts/ is kebab-case', () => {
    const sources = ['lib', 'test', 'bench', 'scripts']
      .flatMap((d) => walk(join(repoRoot, d)))
      .filter((f) => /\.(ts|mts|cts|mjs|cjs|js)$/.test(f) && !f.startsWith('test/fixtures/'));
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$/.test(f.split('/').pop()!))).toEqual([]);
  });
});
