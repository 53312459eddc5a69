// Where the real data samples live: ../shared/data beside the repository root (never copied in).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedData = resolve(repoRoot, '..', 'shared', 'data');

/** Path of a sample folder and whether it is present; logs clearly when it is absent. */
export function sample(name: string): { dir: string; present: boolean } {
  const dir = join(sharedData, name);
  const present = existsSync(dir);
  if (!present) console.warn(`[real data] ${dir} is absent: its real-data tests are skipped`);
  return { dir, present };
}
