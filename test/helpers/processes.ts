// Child processes for tests that need real processes: the built CLI (workers that can be SIGKILLed)
// and a throw-away redis-server on a loopback port. Everything started here is stopped after the file.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { repoRoot } from './shared-data.js';
const cliJs = join(repoRoot, 'dist', 'engine', 'cli.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith('.ts')) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/** Compiles lib/ into dist/ when dist/ is missing or older than a source file (the child processes run dist/). */
export function ensureBuilt(): void {
  const sources = newestMtime(join(repoRoot, 'lib'));
  const cjs = join(repoRoot, 'dist', 'cjs', 'index.cjs');
  if ([cliJs, cjs].every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-cjs.mjs')], { stdio: 'inherit' });
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** A started child process with its combined output so far and its exit. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts a command, capturing stdout + stderr; killed after the test file if still running. */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return { proc, output: () => out, exited };
}

/** Runs the built CLI (`node dist/engine/cli.js ...args`) as a child process. */
export function startCli(args: string[], env: Record<string, string> = {}): Child {
  return startProcess(process.execPath, [cliJs, ...args], env);
}

/** Polls `check` every 50 ms until it holds; throws after `ms` with `what` and `detail()`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string, detail: () => string = () => ''): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function ping(port: number): Promise<boolean> {
  return new Promise((res) => {
    const c = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    c.once('error', () => res(false));
    c.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) {
        c.destroy();
        res(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
    c.once('connect', () => c.write('PING\r\n'));
  });
}

/** A redis-server of this test file's own on 127.0.0.1 (no persistence). */
export interface TestRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits for PING. */
  start(): Promise<void>;
}

/**
 * Whether tests that need an external program can run here. Without it they are skipped with one
 * line saying why and how to run them, so `npm test` passes on a fresh machine; `requireEnv=1` (set
 * by .ci/run, which installs every one of them) turns a missing program into a failure, so CI never
 * skips them.
 */
function externalTestsEnabled(what: string, requireEnv: string, present: () => void, install: string): boolean {
  if (process.env[requireEnv] === '1') return true;
  try {
    present();
    return true;
  } catch {
    console.warn(`[${what} tests] skipped: ${install} (or run them with ${requireEnv}=1 to make its absence fail)`);
    return false;
  }
}

/** The queue suites need `redis-server` (SPATIAL_GEOM_REQUIRE_REDIS). */
export function redisTestsEnabled(): boolean {
  return externalTestsEnabled('queue', 'SPATIAL_GEOM_REQUIRE_REDIS', () => execFileSync('redis-server', ['--version'], { stdio: 'ignore' }),
    'redis-server is not installed (apt-get install -y redis-server)');
}

/** The viewer's browser test needs Debian's chromium, or SPATIAL_GEOM_CHROMIUM (SPATIAL_GEOM_REQUIRE_CHROMIUM). */
export function chromiumPath(): string {
  return process.env.SPATIAL_GEOM_CHROMIUM ?? '/usr/bin/chromium';
}
export function chromiumTestsEnabled(): boolean {
  return externalTestsEnabled('browser', 'SPATIAL_GEOM_REQUIRE_CHROMIUM', () => accessSync(chromiumPath(), constants.X_OK),
    `no chromium at ${chromiumPath()} (apt-get install -y chromium, or set SPATIAL_GEOM_CHROMIUM)`);
}

/** Tests that read our .npz/.npy files with NumPy need python3-numpy (SPATIAL_GEOM_REQUIRE_NUMPY). */
export function numpyTestsEnabled(): boolean {
  return externalTestsEnabled('numpy', 'SPATIAL_GEOM_REQUIRE_NUMPY', () => execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }),
    'python3 with numpy is not installed (apt-get install -y python3-numpy)');
}

/**
 * Starts `redis-server` on a free loopback port, with `extraArgs` (e.g. `--requirepass pw`) (SIGKILLed after the file with every other child). Fails loudly when it is not installed: CI installs
 * it (.ci/run), and a queue test that silently skipped would prove nothing.
 */
export async function startRedis(extraArgs: string[] = []): Promise<TestRedis> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not installed: the queue tests need it (apt-get install -y redis-server; .ci/run does this)');
  }
  const port = await freePort();
  let server: Child | undefined;
  const r: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      const s = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs]);
      server = s;
      await waitFor(() => ping(port), 10_000, `redis-server on port ${port}`, () => s.output());
    },
    stop: async () => {
      if (!server || server.proc.exitCode !== null) return;
      server.proc.kill('SIGTERM');
      await server.exited;
    },
  };
  await r.start();
  return r;
}

/** What {@link runBuiltCli} saw: exit code (null when killed), signal, combined output, time. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the built CLI to completion as a child process, killed (SIGKILL) after `timeoutMs`, under a
 * virtual-memory limit (`ulimit -v`, KiB) when `memoryKiB` is given: a hang or a runaway
 * allocation ends the run instead of the test. Call {@link ensureBuilt} first.
 */
export function runBuiltCli(args: string[], opts: { timeoutMs?: number; memoryKiB?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  const t0 = Date.now();
  const node = [process.execPath, cliJs, ...args];
  const [cmd, argv] = opts.memoryKiB ? ['bash', ['-c', `ulimit -v ${opts.memoryKiB} && exec "$@"`, 'bash', ...node]] : [node[0], node.slice(1)];
  return new Promise((res) => {
    const proc = spawn(cmd as string, argv as string[], { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(proc);
    let stdout = '', stderr = '';
    proc.stdout!.on('data', (d) => (stdout += d));
    proc.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
