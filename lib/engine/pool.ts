/**
 * Runs dataset units on one machine: in this thread (`workers: 1`) or on a pool of worker threads
 * (`workers: K`), each thread taking the next unit when it finishes one. Worker threads rather than
 * child processes: the addon is a Node-API module (loadable in every thread), a thread shares the
 * process's memory and its start-up, and a killed process takes its threads with it, so no orphan
 * keeps writing after its parent died.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
// On glibc Linux sharp must be loaded by the main thread before worker threads load it, so that its
// shared libraries stay loaded until every thread has finished (sharp's install notes).
import 'sharp';
import { isSpatialError, spatialError, type SpatialErrorCode } from '../errors.js';
import { packageRoot } from '../native.js';
import { runUnit, type Unit, type UnitResult } from './dataset.js';
import type { GenerateOptions } from './pipeline.js';

type Progress = GenerateOptions['progress'];

/** Messages of a unit thread (`unit-thread.ts`). */
export type UnitThreadMessage =
  | { type: 'progress'; stage: string; done: number; total: number }
  | { type: 'done'; result: UnitResult }
  | { type: 'error'; message: string; code?: string };

interface Task {
  unit: Unit;
  out: string;
  progress?: Progress;
  resolve: (r: UnitResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker?: Worker;
  task?: Task;
}

/** The compiled thread entry: beside this module, or in dist/ when running from the TypeScript sources (tests). */
function threadScript(): URL {
  // Beside this module (dist/engine/); from lib/engine/ (tests) or the CommonJS bundle (dist/cjs/),
  // the ESM build in dist/ (a worker thread may run ESM whatever loaded the pool).
  for (const candidate of [new URL('./unit-thread.js', import.meta.url), pathToFileURL(join(packageRoot, 'dist', 'engine', 'unit-thread.js'))]) {
    if (existsSync(candidate)) return candidate;
  }
  throw spatialError('ERR_SPATIAL_IO', 'unit-thread.js not found: build the TypeScript first (npm run build:ts)');
}

function threadError(m: { message: string; code?: string }): Error {
  return m.code?.startsWith('ERR_SPATIAL_') ? spatialError(m.code as SpatialErrorCode, m.message) : Object.assign(new Error(m.message), { code: m.code });
}

/** A pool of `size` worker threads, each running one unit at a time. */
export class UnitPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw spatialError('ERR_SPATIAL_FORMAT', `workers must be an integer >= 1 (got ${size})`);
    this.slots = Array.from({ length: size }, () => ({}));
  }

  /** Runs `unit` into `out` on the next free thread. */
  run(unit: Unit, out: string, progress?: Progress): Promise<UnitResult> {
    if (this.closed) return Promise.reject(spatialError('ERR_SPATIAL_IO', 'the unit pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, out, progress, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread (units in flight are abandoned; their temporary directories stay unmerged). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      (slot.worker ??= this.spawn(slot)).postMessage({ unit: task.unit, out: task.out });
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(threadScript());
    const finish = (settle: (t: Task) => void) => {
      const task = slot.task;
      slot.task = undefined;
      if (task) settle(task);
      this.dispatch();
    };
    worker.on('message', (m: UnitThreadMessage) => {
      if (m.type === 'progress') slot.task?.progress?.(m.stage, m.done, m.total);
      else if (m.type === 'done') finish((t) => t.resolve(m.result));
      else finish((t) => t.reject(threadError(m)));
    });
    const lost = (e: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      if (!this.closed) finish((t) => t.reject(e));
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`unit thread exited with code ${code}`)));
    return worker;
  }
}

/** Options of {@link runUnits}. */
export interface RunUnitsOptions {
  /** 1: units run one after another in this thread [1]; K > 1: on K worker threads. */
  workers?: number;
  /** Called as each unit finishes (done or skipped). */
  onUnit?: (result: UnitResult, done: number, total: number) => void;
}

/** The defaults of {@link runUnits} (the CLI's help reads them here). */
export const RUN_UNITS_DEFAULTS = { workers: 1 } as const;

/**
 * Runs `units` into `out` (see {@link runUnit}); every unit is attempted even when some fail, then
 * the first failure is thrown with a count, so a rerun only redoes what is missing.
 */
export async function runUnits(units: Unit[], out: string, opts: RunUnitsOptions = {}): Promise<UnitResult[]> {
  const workers = opts.workers ?? RUN_UNITS_DEFAULTS.workers;
  let done = 0;
  const settle = (r: UnitResult): UnitResult => {
    opts.onUnit?.(r, ++done, units.length);
    return r;
  };
  let outcomes: PromiseSettledResult<UnitResult>[];
  if (workers <= 1) {
    outcomes = [];
    for (const u of units) outcomes.push(await runUnit(u, out).then((r) => ({ status: 'fulfilled' as const, value: settle(r) }), (reason) => ({ status: 'rejected' as const, reason })));
  } else {
    const pool = new UnitPool(Math.min(workers, Math.max(1, units.length)));
    try {
      outcomes = await Promise.allSettled(units.map((u) => pool.run(u, out).then(settle)));
    } finally {
      await pool.close();
    }
  }
  const failed = outcomes.map((o, k) => ({ o, k })).filter((x): x is { o: PromiseRejectedResult; k: number } => x.o.status === 'rejected');
  if (failed.length) {
    const first = failed[0];
    const e = first.o.reason as Error;
    const msg = `${failed.length} of ${units.length} units failed; first: ${units[first.k].key}: ${e.message}`;
    throw isSpatialError(e) ? spatialError(e.code, msg) : new Error(msg, { cause: e });
  }
  return outcomes.map((o) => (o as PromiseFulfilledResult<UnitResult>).value);
}
