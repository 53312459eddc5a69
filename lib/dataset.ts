/**
 * `@spatial/geom/dataset`: a whole dataset as independent units (scene x tasks) that threads, batch
 * arrays or a job queue run, then one merge. The CLI's `dataset`, `merge` and queue commands are built
 * on these; most users want the CLI. Kept off the package root because it is plumbing for those
 * commands (unit keys, shard folders), not geometry.
 * @module
 */
export * from './engine/dataset.js';
export { runUnits, UnitPool, type RunUnitsOptions } from './engine/pool.js';
