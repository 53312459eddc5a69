/**
 * The `spatial-geom` program on commander: one file per command under `commands/`, each exporting
 * `register(program)`. Adding a command: write `commands/<name>.ts` and add it to {@link COMMANDS}.
 *
 * Exit codes: 0 success; 1 failure (bad input data, unreadable files, a locked output, ...); 2 usage
 * error (unknown command or option, a missing or bad option value, extra arguments). Every error is
 * one line on stderr, `spatial-geom: error: MESSAGE (CODE)`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isSpatialError, spatialError } from '../../errors.js';
import { asIoError } from '../../io/files.js';
import { redactUrl } from '../redact.js';
import * as dataset from './commands/dataset.js';
import * as demo from './commands/demo.js';
import * as evalCommand from './commands/eval.js';
import * as generate from './commands/generate.js';
import * as merge from './commands/merge.js';
import * as overlap from './commands/overlap.js';
import * as queue from './commands/queue.js';
import * as sampleFrames from './commands/sample-frames.js';
import * as stats from './commands/stats.js';
import * as targets from './commands/targets.js';
import * as view from './commands/view.js';
import * as worker from './commands/worker.js';

/** The commands, in the order `--help` lists them. */
export const COMMANDS: { register(program: Command): void }[] = [demo, generate, overlap, stats, evalCommand, sampleFrames, targets, dataset, merge, view, queue, worker];

/** The package's version (package.json lies three levels above both lib/engine/cli and dist/engine/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Exit code of a usage error. */
export const EXIT_USAGE = 2;

/**
 * A fresh program (commander keeps parsed values on its commands, so each run builds its own).
 * Parse errors throw a `CommanderError` ({@link main} reports them) instead of exiting the process.
 */
export function buildProgram(): Command {
  const program = new Command('spatial-geom')
    .description('multi-frame spatial QA data engine: generate, inspect and score spatial-reasoning datasets')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // main() prints errors itself, as one coded line.
      outputError: () => {},
    })
    .addHelpText('after', `
Exit codes: 0 success, 1 failure (bad input data, unreadable file, locked output), 2 usage error.
Scene lists (dataset, queue submit): comma-separated synthetic:A..B | FORMAT:PATH | PATH (with --format) | @FILE.`);
  for (const c of COMMANDS) c.register(program);
  return program;
}

/** A commander message as one line: `error: ` dropped, the did-you-mean joined on. */
function commanderMessage(e: CommanderError): string {
  return e.message.replace(/^error: /, '').split('\n').map((l) => l.trim().replace(/\.$/, '')).filter(Boolean).join(' ');
}

/** Runs `spatial-geom ...argv`; returns the exit code (0, 1, or 2 for a usage error). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (caught) {
    if (caught instanceof CommanderError) {
      // --help, --version and `help` end here with exit code 0; help shown for a bare `spatial-geom` with 1.
      if (caught.exitCode === 0) return 0;
      if (caught.code === 'commander.help' || caught.code === 'commander.executeSubCommandAsync') return EXIT_USAGE;
      report(spatialError('ERR_SPATIAL_USAGE', `${commanderMessage(caught)}; see spatial-geom ${helpTarget(argv)}--help`));
      return EXIT_USAGE;
    }
    const e = coded(caught);
    report(e);
    return isSpatialError(e) && e.code === 'ERR_SPATIAL_USAGE' ? EXIT_USAGE : 1;
  }
}

/** The command part of argv that a help hint names (`queue submit `), '' when it is no command. */
function helpTarget(argv: string[]): string {
  const words: string[] = [];
  let cmd: Command | undefined = buildProgram();
  for (const a of argv) {
    const sub: Command | undefined = cmd?.commands.find((c) => c.name() === a);
    if (!sub) break;
    words.push(a);
    cmd = sub;
  }
  return words.length ? words.join(' ') + ' ' : '';
}

/** One line on stderr, whatever the message quotes from the input (newlines escaped), credentials redacted. */
function report(e: unknown): void {
  const msg = isSpatialError(e) ? `${e.message} (${e.code})` : `${(e as Error)?.message ?? e}`;
  process.stderr.write(`spatial-geom: error: ${redactUrl(msg.replace(/\r?\n/g, '\\n'))}\n`);
}

/** An error as the CLI reports it: file-system errors and out-of-memory allocations get a code. */
function coded(e: unknown): unknown {
  if (isSpatialError(e)) return e;
  const io = asIoError(e);
  if (io !== e) return io;
  const message = (e as Error)?.message ?? '';
  if (e instanceof RangeError && /Invalid (typed )?array length|Invalid string length|Array buffer allocation failed|Maximum call stack/.test(message))
    return spatialError('ERR_SPATIAL_SHAPE', `the data is too large to hold in memory (${message}): split the input (fewer frames per scene, --frame-step, more units with --split-tasks)`);
  return e;
}
