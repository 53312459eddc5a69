// Regression: an error whose JSON path has no line of its own (a top-level key the schema does not
// know) once sent the manifest's line lookup into an endless loop.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../lib/index.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-manifest-');

describe('manifest errors', () => {
  it('reports an unexpected top-level value with a coded error instead of hanging', async () => {
    const dir = tmp();
    for (const doc of ['{"frames": [], "up": "sideways"}', '{"up": 1, "frames": []}', '{\n  "frames": [\n    oops\n  ]\n}']) {
      writeFileSync(join(dir, 'manifest.json'), doc);
      await expect(loadManifest(join(dir, 'manifest.json'))).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_SPATIAL_/) });
    }
  }, 10_000);
});
