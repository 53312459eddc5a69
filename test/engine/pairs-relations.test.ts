// Pair selection (bins, quotas, carry-over) and camera relations (displacement axes, yaw/pitch signs, wrapping).
import { describe, expect, it } from 'vitest';
import { numberRules } from '../../lib/engine/format.js';
import { overlapBin, selectPairs } from '../../lib/engine/pairs.js';
import { cameraRelation, estimateUp, wrapDegrees, yawPitch } from '../../lib/engine/relations.js';
import { createRng } from '../../lib/random.js';
import { lookAt } from '../helpers/cameras.js';

describe('overlapBin: pandas cut(include_lowest=True) over 1 % bins from 6 % to 35 %', () => {
  it('first bin is closed [6, 7], the others (k, k+1]', () => {
    expect(overlapBin(0.06, 0.06, 0.01, 29)).toBe(0);
    expect(overlapBin(0.07, 0.06, 0.01, 29)).toBe(0);
    expect(overlapBin(0.0700001, 0.06, 0.01, 29)).toBe(1);
    expect(overlapBin(0.08, 0.06, 0.01, 29)).toBe(1);
    expect(overlapBin(0.35, 0.06, 0.01, 29)).toBe(28);
    expect(overlapBin(0.0599, 0.06, 0.01, 29)).toBe(-1);
    expect(overlapBin(0.3501, 0.06, 0.01, 29)).toBe(-1);
  });
});

describe('selectPairs', () => {
  /** An M*M matrix whose upper triangle takes the given values in order. */
  function matrix(m: number, values: number[]): Float32Array {
    const o = new Float32Array(m * m);
    let k = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) o[i * m + j] = o[j * m + i] = values[k++] ?? 0;
    return o;
  }

  it('spreads the quota evenly and carries shortfalls to fuller bins (visited by population)', () => {
    // 3 bins [0.1,0.2], (0.2,0.3], (0.3,0.4]; bin 0 has 1 pair, bin 1 has 5, bin 2 has 8; 9 wanted.
    const vals = [0.15, ...Array(5).fill(0.25), ...Array(8).fill(0.35), 0.9]; // 15 values, then zeros
    const m = 7; // 21 pairs: 6 have overlap 0
    const s = selectPairs(matrix(m, vals), m, createRng(1), { band: [0.1, 0.4], binWidth: 0.1, count: 9 });
    expect(s.before).toEqual([1, 5, 8]);
    // quotas 3,3,3; bin 0 (1 pair) takes 1 and carries 2; bin 1 takes 3 + 2 = 5; bin 2 takes 3.
    expect(s.after).toEqual([1, 5, 3]);
    expect(s.pairs.length).toBe(9);
    expect(s.outside).toBe(1);
    expect(s.zero).toBe(6);
    expect(new Set(s.pairs.map((p) => p.join(','))).size).toBe(9);
    for (const [i, j] of s.pairs) expect(i).toBeLessThan(j);
  });

  it('returns fewer pairs when the band holds fewer, and is deterministic for a seed', () => {
    const m = 5;
    const o = matrix(m, [0.07, 0.2, 0.5, 0.6, 0.1, 0.3, 0, 0.08, 0.34, 0.36]);
    const a = selectPairs(o, m, createRng(3), { count: 100 });
    expect(a.pairs.length).toBe(6);
    expect(selectPairs(o, m, createRng(3), { count: 3 })).toEqual(selectPairs(o, m, createRng(3), { count: 3 }));
  });
});

describe('camera relations', () => {
  it('displacement is camera 2 in camera 1 axes (x right, y down, z forward)', () => {
    const c1 = lookAt([0, 0, 1.5], [0, 5, 1.5]); // looking along +y, world z up
    const c2 = lookAt([1, 2, 1.5], [1, 7, 1.5]); // 1 m to the right (world +x), 2 m forward
    const r = cameraRelation(c1, c2, [0, 0, 1]);
    expect(r.displacement[0]).toBeCloseTo(1, 12);
    expect(r.displacement[1]).toBeCloseTo(0, 12);
    expect(r.displacement[2]).toBeCloseTo(2, 12);
    expect(r.distance).toBeCloseTo(Math.sqrt(5), 12);
    expect(r.yaw).toBeCloseTo(0, 9);
  });

  it('yaw: turning left (counter-clockwise about up) is positive; pitch up is positive; yaw wraps to (-180, 180]', () => {
    const ahead = lookAt([0, 0, 1], [1, 0, 1]); // yaw 0 (facing +x)
    const left = lookAt([0, 0, 1], [0, 1, 1]); // facing +y: turned left by 90
    const up = lookAt([0, 0, 1], [1, 0, 2]); // pitched up by 45
    expect(yawPitch(ahead, [0, 0, 1]).yaw).toBeCloseTo(0, 9);
    expect(cameraRelation(ahead, left, [0, 0, 1]).yaw).toBeCloseTo(90, 9);
    expect(cameraRelation(ahead, up, [0, 0, 1]).pitch).toBeCloseTo(45, 9);
    const a = lookAt([0, 0, 1], [-1, 0.01, 1]), b = lookAt([0, 0, 1], [-1, -0.01, 1]); // 179.4 -> -179.4
    expect(cameraRelation(a, b, [0, 0, 1]).yaw).toBeCloseTo(2 * (Math.atan2(0.01, 1) * 180) / Math.PI, 6);
    expect(wrapDegrees(180)).toBe(180);
    expect(wrapDegrees(-180)).toBe(180);
    expect(wrapDegrees(190)).toBe(-170);
  });

  it('estimates up from upright cameras', () => {
    const up = estimateUp([lookAt([0, 0, 1], [1, 0, 1.2]), lookAt([0, 0, 1], [0, 1, 0.9])]);
    expect(up[2]).toBeGreaterThan(0.98);
  });
});

describe('number rules', () => {
  it('ours: floor coordinates in [0, 999], rounded mm; multispa: half-even coordinates, truncated mm, metre vectors', () => {
    const ours = numberRules('ours'), ms = numberRules('multispa');
    expect(ours.coord(639.4, 640)).toBe(999);
    expect(ours.coord(-0.5, 640)).toBe(0);
    expect(ours.coord(64, 640)).toBe(100);
    expect(ms.coord(0.8, 640)).toBe(1); // 1.25 -> 1
    expect(ms.coord(1.6, 640)).toBe(2); // 2.5 -> 2 (half to even)
    expect(ours.distanceMm(1.2346)).toBe(1235);
    expect(ms.distanceMm(1.2346)).toBe(1234);
    expect(ours.vectorGt([0.1, -0.2, 0.3])).toEqual([100, -200, 300]);
    expect(ms.vectorGt([0.1, -0.2, 0.3])).toEqual([0.1, -0.2, 0.3]);
    expect(ms.angleDeg(-3.9)).toBe(3);
    expect(ours.angleDeg(-3.9)).toBe(4);
  });
});
