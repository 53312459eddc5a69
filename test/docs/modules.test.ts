// The API documentation's modules (docs/modules/*.ts, typedoc's entry points) split the package
// root's exports between them: every value export of lib/index.ts is in exactly one module and the
// modules export nothing else, so the grouped docs cover the whole API.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../lib/index.js';

const dir = join(new URL('.', import.meta.url).pathname, '..', '..', 'docs', 'modules');

describe('API documentation modules', () => {
  it('partition the value exports of @spatial/geom', async () => {
    const owner = new Map<string, string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        expect(owner.get(name), `${name} is in ${owner.get(name)} and ${file}`).toBeUndefined();
        owner.set(name, file);
        expect(value, `${file}: ${name}`).toBe((root as Record<string, unknown>)[name]);
      }
    }
    expect([...owner.keys()].sort()).toEqual(Object.keys(root).sort());
  });
});
