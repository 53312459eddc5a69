/**
 * `spatial-geom demo`: the engine on a built-in synthetic scene and a synthetic moving-box clip.
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { synthesizeScene } from '../../../scenes/synthetic.js';
import { synthesizeClip } from '../../../scenes/synthetic-clip.js';
import { generateClip } from '../../dynamic.js';
import { generateInto } from '../../output.js';
import { generateScene } from '../../pipeline.js';
import { intArg, printClipReport, printReport, progressBars } from '../shared.js';

/** The demo's own settings: the README's quick start shows their output. */
export const DEMO_DEFAULTS = { out: './demo-out', seed: 0, frames: 60, perTask: 10, clipFrames: 40 } as const;

interface DemoValues {
  out: string;
  seed: number;
  frames: number;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('generate QA from a built-in synthetic scene and a synthetic moving-box clip (no data needed)')
    .option('--out <DIR>', 'output folder (the clip goes to DIR/dynamic)', DEMO_DEFAULTS.out)
    .option('--seed <S>', 'seed of the scenes and the sampling', intArg('--seed', 0), DEMO_DEFAULTS.seed)
    .option('--frames <N>', 'frames of the synthetic scene', intArg('--frames', 2), DEMO_DEFAULTS.frames)
    .action((values: DemoValues) => demo(values));
}

async function demo(values: DemoValues): Promise<void> {
  const { out, seed, frames } = values;
  const t = performance.now();
  const scene = synthesizeScene({ seed, frames, width: 640, height: 480 });
  const synthMs = Math.round(performance.now() - t);
  const bars = progressBars();
  const report = await generateInto(out, 'demo', (dir) => generateScene(scene, { outDir: dir, seed, perTask: DEMO_DEFAULTS.perTask, progress: bars.progress }));
  bars.stop();
  report.timingsMs = { synthesize: synthMs, ...report.timingsMs };
  printReport(report, out);

  // The dynamic half: moving boxes seen by a moving camera (object-movement and camera questions).
  const dynOut = join(out, 'dynamic');
  const t1 = performance.now();
  const clip = synthesizeClip({ seed, frames: DEMO_DEFAULTS.clipFrames, width: 640 });
  const clipMs = Math.round(performance.now() - t1);
  const bars2 = progressBars();
  const clipReport = await generateInto(dynOut, 'demo', (dir) => generateClip(clip, { outDir: dir, seed, perTask: DEMO_DEFAULTS.perTask, progress: bars2.progress }));
  bars2.stop();
  clipReport.timingsMs = { synthesize: clipMs, ...clipReport.timingsMs };
  printClipReport(clipReport, dynOut);
}
