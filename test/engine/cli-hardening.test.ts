// Hostile scene folders through the built CLI, each in a child process with a timeout (and a memory
// limit where the input could exhaust memory): every case ends in one coded line and exit 1, never a
// hang, a crash or a dataset built from bad data.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/processes.js';
import { sample } from '../helpers/shared-data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-harden-cli-');
const holo = sample('hololens-scannet');

beforeAll(() => ensureBuilt(), 120_000);

/** A writable copy of the ScanNet sample (the shared folder is read-only and must stay untouched). */
function holoCopy(): string {
  const dir = join(tmp(), 'holo');
  cpSync(holo.dir, dir, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', dir]);
  return dir;
}

describe.runIf(holo.present)('non-regular files in a scene folder', () => {
  for (const victim of ['pose/3.txt', 'depth/3.png'])
    it(`a FIFO in place of ${victim} is ERR_SPATIAL_IO naming it, not a hang`, async () => {
      const dir = holoCopy();
      rmSync(join(dir, victim));
      execFileSync('mkfifo', [join(dir, victim)]);
      const r = await runBuiltCli(['generate', '--scene', dir, '--format', 'scannet', '--out', join(dir, 'out'), '--tasks', 'camera'], { timeoutMs: 20_000 });
      expect(r.signal, `killed after ${r.ms} ms: ${r.stderr}`).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(join(dir, victim));
      expect(r.stderr).toMatch(/not a regular file.*ERR_SPATIAL_IO/);
    }, 30_000);
});
