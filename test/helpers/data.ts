// Location of the shared real samples (../shared/data beside the checkout); tests read them there.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataRoot = resolve(repoRoot, '..', 'shared', 'data');

/** Path of a sample folder, or undefined (with one console line saying so) when it is absent. */
export function sample(name: string): string | undefined {
  const p = join(dataRoot, name);
  if (existsSync(p)) return p;
  console.warn(`real sample ${name} is absent (${p}): its tests are skipped`);
  return undefined;
}
