// Every real sample under ../shared/data runs through the engine (`generate`), including the
// pose-less TUM frame through a manifest that gives it an identity pose. The short real sequences
// overlap more than 35 % everywhere, so the pair band is widened to reach the pair tasks.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/engine/cli.js';
import { sample } from '../helpers/data.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-real-');

async function generate(args: string[]): Promise<{ code: number; stats: Record<string, unknown>; log: string }> {
  let log = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((log += s), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main(['generate', ...args]);
  } finally {
    process.stdout.write = write;
  }
  const out = args[args.indexOf('--out') + 1];
  return { code, stats: code === 0 ? JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) : {}, log };
}

describe('generate on the real samples', () => {
  const holo = sample('hololens-scannet');
  it.skipIf(!holo)('hololens-scannet (ScanNet layout): every task family but object size (no instances)', async () => {
    const r = await generate(['--scene', holo!, '--format', 'scannet', '--out', tmp(), '--per-task', '5', '--overlap', '0.3,0.95']);
    expect(r.code).toBe(0);
    console.info(r.log);
    const samples = r.stats.samples as Record<string, number>;
    for (const t of ['depth_estimation_coor', 'visual_correspondence_coor_2_coor', 'total_distance', 'yaw_angle']) expect(samples[t], t).toBeGreaterThan(0);
    expect(r.stats.pointsSource).toBe('fused');
  });

  const redwood = sample('redwood-tum');
  it.skipIf(!redwood)('redwood-tum (TUM layout)', async () => {
    const r = await generate(['--scene', redwood!, '--format', 'tum', '--out', tmp(), '--per-task', '5', '--overlap', '0.5,1']);
    expect(r.code).toBe(0);
    console.info(r.log);
    expect((r.stats.samples as Record<string, number>).depth_comparison_coordinate).toBeGreaterThan(0);
    expect((r.stats.samples as Record<string, number>).displacement_vector).toBeGreaterThan(0);
  });

  const single = sample('tum-single-frame');
  it.skipIf(!single)('tum-single-frame through a manifest (one frame: depth questions only)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
      version: 1, id: 'tum-single-frame', depthScale: 5000,
      intrinsics: { fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3, width: 640, height: 480 },
      frames: [{ id: '0', depth: join(single!, 'depth.png'), color: join(single!, 'color.png'), pose: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }],
    }));
    // The manifest points into the shared data folder, outside its own: that needs the explicit flag.
    const r = await generate(['--scene', join(dir, 'manifest.json'), '--format', 'manifest', '--out', join(dir, 'out'), '--per-task', '5', '--tasks', 'depth', '--allow-outside-paths']);
    expect(r.code).toBe(0);
    console.info(r.log);
    expect((r.stats.samples as Record<string, number>).depth_estimation_dot).toBe(5);
  });
});
