// Synthetic point maps for the sampling tests.
import { createRng } from '../../lib/random.js';

/** Frames looking at a smooth height field from a moving viewpoint: per frame a W x H grid of points. */
export function smoothScene(frames: number, width: number, height: number, seed: number): { maps: Float32Array[]; confidences: Float32Array[] } {
  const rng = createRng(seed);
  const waves = Array.from({ length: 4 }, () => [rng.uniform(0.2, 1.5), rng.uniform(0.2, 1.5), rng.uniform(0, 6), rng.uniform(0.1, 0.4)]);
  const height0 = (x: number, y: number) => waves.reduce((s, [a, b, ph, amp]) => s + amp * Math.sin(a * x + b * y + ph), 0);
  const maps: Float32Array[] = [];
  const confidences: Float32Array[] = [];
  for (let f = 0; f < frames; f++) {
    const cx = 6 * Math.cos((f / frames) * Math.PI * 2), cy = 6 * Math.sin((f / frames) * Math.PI * 2);
    const pts = new Float32Array(width * height * 3);
    const conf = new Float32Array(width * height);
    for (let i = 0; i < height; i++)
      for (let j = 0; j < width; j++) {
        const x = cx + (j / width - 0.5) * 4, y = cy + (i / height - 0.5) * 3;
        pts.set([x, y, height0(x, y)], 3 * (i * width + j));
        conf[i * width + j] = 1 + Math.exp(-((j / width - 0.5) ** 2 + (i / height - 0.5) ** 2) * 4) + rng.uniform(0, 0.2);
      }
    maps.push(pts);
    confidences.push(conf);
  }
  return { maps, confidences };
}
