/**
 * `spatial-geom view`: writes the static viewer `OUT/viewer/index.html` (works from `file://`) and,
 * with `--serve`, serves OUT on 127.0.0.1 (lib/engine/viewer.ts).
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { serveViewer, VIEWER_DEFAULTS, writeViewer } from '../../viewer.js';
import { intArg, usageError } from '../shared.js';
import { shown } from '../generation.js';

interface ViewValues {
  serve?: boolean;
  port: number;
  pageSize?: number;
}

export function register(program: Command): void {
  program
    .command('view')
    .description('write a static viewer of an output (OUT/viewer/index.html, works from file:// with no server or network); --serve serves it on 127.0.0.1')
    .argument('<OUT>', 'the --out of generate, demo or dataset')
    .option('--serve', 'then serve OUT on http://127.0.0.1:PORT/ until Ctrl-C (loopback only, files inside OUT only)')
    .option('--port <N>', 'port of --serve; 0 picks a free one', portArg, VIEWER_DEFAULTS.port)
    .option('--page-size <N>', `samples per data chunk the page loads at a time ${shown(VIEWER_DEFAULTS.chunkSize)}`, intArg('--page-size'))
    .action((outArg: string, values: ViewValues) => view(outArg, values));
}

function portArg(s: string): number {
  const v = intArg('--port', 0)(s);
  if (v > 65535) throw usageError(`--port must be an integer in 0..65535 (got ${s})`);
  return v;
}

async function view(outArg: string, values: ViewValues): Promise<void> {
  const out = resolve(outArg);
  const r = await writeViewer(out, { chunkSize: values.pageSize });
  process.stdout.write(`viewer of ${r.samples} samples (${r.chunks} data chunks) -> ${r.index}\nopen file://${r.index} (works without a server)\n`);
  if (!values.serve) return;
  const server = await serveViewer(out, { port: values.port });
  process.stdout.write(`serving ${out} at ${server.url}viewer/index.html (127.0.0.1 only); stop with Ctrl-C\n`);
  await new Promise<void>((res) => {
    process.once('SIGINT', res);
    process.once('SIGTERM', res);
  });
  await server.close();
}
