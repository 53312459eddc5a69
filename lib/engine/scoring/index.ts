/**
 * Scorers for model answers: MultiSPA-style QA accuracy (`scoreEval`, `scoreSample`, the answer
 * parsers), prediction files in the layouts models and harnesses write (`readPredictions`) and
 * VG-LLM-style 3D detection F1 (`scoreDetections`).
 * @module
 */
export * from './parse.js';
export * from './score.js';
export * from './detection.js';
export * from './predictions.js';
