// Regression: an error whose JSON path has no line of its own (a top-level key the schema does not
// know) once sent the manifest's line lookup into an endless loop.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../lib/index.js';
import { parseJson } from '../../lib/io/text.js';
import { loadClipJson } from '../../lib/scenes/clip.js';
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

describe('deeply nested JSON', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('100,000 levels anywhere the engine reads user JSON are ERR_SPATIAL_FORMAT naming the file, not a stack overflow', async () => {
    const dir = tmp();
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, `{"version": 1, "id": ${deep(100_000)}}`);
    await expect(loadManifest(manifest)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(new RegExp(`^${manifest}:1: JSON nested deeper than 256 levels`)) });
    const clip = join(dir, 'clip.json');
    writeFileSync(clip, `{"tracks_XYZ": {"a": ${deep(100_000)}}}`);
    await expect(loadClipJson(clip)).rejects.toMatchObject({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringContaining(`${clip}:1: JSON nested deeper than 256 levels`) });
  });

  it('brackets inside strings do not count, and 256 levels still parse', () => {
    expect(parseJson(`{"a": "${'['.repeat(1000)}"}`, 'x.json')).toEqual({ a: '['.repeat(1000) });
    expect(() => parseJson(deep(256), 'x.json')).not.toThrow();
    expect(() => parseJson(deep(257), 'x.json')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT' }));
    expect(() => parseJson('{"a": \n 1,}', 'x.json')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: expect.stringMatching(/^x\.json:2: invalid JSON/) }));
    // V8 quotes the text around the error; the message stays one line (found by the fuzz suite).
    expect(() => parseJson('{\n  "a": x\n  "b": 1}', 'x.json')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  });
});
