// One benchmark.js measurement, shared by the bench scripts.
import Benchmark from 'benchmark';

/** Runs fn under benchmark.js (after a GC) and returns its ops/s; `--quick` runs shorten maxTime. */
export function hz(name, fn, { minSamples = 5, maxTime = process.argv.includes('--quick') ? 0.5 : 2 } = {}) {
  globalThis.gc?.();
  const b = new Benchmark(name, fn, { minSamples, maxTime, initCount: 1 });
  b.run();
  if (b.error) throw b.error;
  return b.hz;
}

/** hz for a promise-returning fn (a deferred benchmark.js case: each cycle awaits fn()). */
export function hzAsync(name, fn, { minSamples = 5, maxTime = process.argv.includes('--quick') ? 0.5 : 2 } = {}) {
  globalThis.gc?.();
  return new Promise((resolve, reject) => {
    const b = new Benchmark(name, {
      defer: true,
      fn: (deferred) => fn().then(() => deferred.resolve(), (e) => { b.error = e; deferred.resolve(); }),
      minSamples, maxTime, initCount: 1,
      onComplete: () => (b.error ? reject(b.error) : resolve(b.hz)),
    });
    b.run({ async: true });
  });
}
