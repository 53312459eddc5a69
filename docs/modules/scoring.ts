/**
 * Scoring model answers: MultiSPA-rule QA accuracy, the answer parsers, prediction files in the
 * layouts models and harnesses write (LLaVA, lmms-eval), and VG-LLM-style 3D detection F1.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module scoring
 */
export * from '../../lib/engine/scoring/index.js';
