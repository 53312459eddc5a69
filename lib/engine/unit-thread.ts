/**
 * Entry of a {@link UnitPool} worker thread: runs the units it is sent, one at a time, and reports
 * progress, the result or the error.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { runUnit, type Unit } from './dataset.js';
import type { UnitThreadMessage } from './pool.js';

const port = parentPort;
if (!port) throw new Error('unit-thread.js runs as a worker thread of UnitPool');
const send = (m: UnitThreadMessage) => port.postMessage(m);

port.on('message', async ({ unit, out }: { unit: Unit; out: string }) => {
  try {
    const result = await runUnit(unit, out, { progress: (stage, done, total) => send({ type: 'progress', stage, done, total }) });
    send({ type: 'done', result });
  } catch (e) {
    send({ type: 'error', message: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code });
  }
});
