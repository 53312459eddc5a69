#!/usr/bin/env node
/**
 * `spatial-geom`: the command line of the data engine (the package's bin, `dist/engine/cli.js`).
 * The program and its commands live in `cli/` (commander, one file per command); this file runs it.
 * `spatial-geom --help` lists the commands, `spatial-geom COMMAND --help` a command's options with
 * their defaults. Exit codes: 0 success, 1 failure, 2 usage error.
 * @module
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { main } from './cli/index.js';

export { buildProgram, COMMANDS, main } from './cli/index.js';

/** stdout closed by its reader (`spatial-geom stats x | head`): stop quietly, as Unix tools do. */
function quietOnEpipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  quietOnEpipe();
  process.exitCode = await main(process.argv.slice(2));
}
