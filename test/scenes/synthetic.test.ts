// The built-in synthetic scene: native renderer == reference renderer (bit-exact: same double
// arithmetic, same order), hand-computed depth (camera z, not range), the scene's depth maps agree
// with visibleSets on its own points, determinism, and a wide overlap range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backprojectDepth, overlapMatrix, synthesizeScene, visibleSets } from '../../lib/index.js';
import { native } from '../../lib/native.js';
import { renderBoxesReference, type SceneBox } from '../../lib/reference/raycast.js';
import { packBoxes, poseFromYawPitch, sceneBoxes } from '../../lib/scenes/synthetic.js';
import type { Instance } from '../../lib/scenes/types.js';
import { checkPose, packCameras } from '../../lib/validate.js';

const render = (boxes: SceneBox[], cam: { intrinsics: import('../../lib/types.js').Intrinsics; pose: Float64Array }, palette: Uint8Array) =>
  native().renderBoxes(packBoxes(boxes), packCameras([cam]), palette);

describe('box renderer', () => {
  it('hand-computed: a wall 3 m ahead has depth 3 at every pixel it fills (z, not ray length)', () => {
    const { boxes } = sceneBoxes([4, 5, 3], []);
    const k = { fx: 4, fy: 4, cx: 4, cy: 3, width: 9, height: 7 };
    const cam = { intrinsics: k, pose: poseFromYawPitch([1, 2, 1.5], 0, 0) }; // looking along +x at the wall x = 4
    const r = render(boxes, cam, new Uint8Array(3 * 7).fill(100));
    expect(r.depth[3 * 9 + 4]).toBe(3);
    expect(r.ids[3 * 9 + 4]).toBe(4); // wall at +x
    expect(r.depth[3 * 9 + 0]).toBe(3); // off-axis pixel on the same wall: same z
    const ref = renderBoxesReference(boxes, cam, new Uint8Array(3 * 7).fill(100));
    expect(r.depth).toEqual(ref.depth);
  });

  it('native == reference on random furnished rooms and cameras (depth, ids and colour bit-exact)', () => {
    const arb = fc.record({
      room: fc.tuple(fc.double({ min: 3, max: 8, noNaN: true }), fc.double({ min: 3, max: 6, noNaN: true }), fc.double({ min: 2.4, max: 3, noNaN: true })),
      items: fc.array(fc.tuple(fc.double({ min: 0.05, max: 0.7, noNaN: true }), fc.double({ min: 0.05, max: 0.7, noNaN: true }), fc.double({ min: 0.1, max: 0.5, noNaN: true }), fc.double({ min: 0.2, max: 1.5, noNaN: true })), { maxLength: 5 }),
      eye: fc.tuple(fc.double({ min: 0.3, max: 0.7, noNaN: true }), fc.double({ min: 0.3, max: 0.7, noNaN: true }), fc.double({ min: 0.3, max: 0.7, noNaN: true })),
      yaw: fc.double({ min: -180, max: 180, noNaN: true }),
      pitch: fc.double({ min: -60, max: 60, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, ({ room, items, eye, yaw, pitch }) => {
        const furniture: Instance[] = items.map(([x, y, s, h], i) => ({ id: 7 + i, label: `o${i}`, box: { min: [x * room[0], y * room[1], 0], max: [x * room[0] + s, y * room[1] + s, h] } }));
        const { boxes } = sceneBoxes(room, furniture);
        const k = { fx: 20, fy: 20, cx: 11.5, cy: 8.5, width: 24, height: 18 };
        const cam = { intrinsics: k, pose: poseFromYawPitch([eye[0] * room[0], eye[1] * room[1], eye[2] * room[2]], yaw, pitch) };
        const palette = Uint8Array.from({ length: 3 * 20 }, (_, i) => (i * 53) % 256);
        const a = render(boxes, cam, palette);
        const b = renderBoxesReference(boxes, cam, palette);
        expect(a.depth).toEqual(b.depth);
        expect(a.ids).toEqual(b.ids);
        expect(a.rgb).toEqual(b.rgb);
      }),
      { seed: 17, numRuns: 120 },
    );
  });
});

describe('synthesizeScene', () => {
  const scene = synthesizeScene({ seed: 1, frames: 48, width: 320, height: 240 });

  it('a furnished z-up room: structural instances, labelled non-overlapping furniture on the floor, rigid poses', () => {
    expect(scene.up).toBe('z');
    const labels = scene.instances!.map((i) => i.label);
    expect(labels.filter((l) => l === 'wall').length).toBe(4);
    expect(labels).toContain('floor');
    const furniture = scene.instances!.filter((i) => !i.structural);
    expect(furniture.length).toBeGreaterThanOrEqual(6);
    expect(new Set(furniture.map((i) => i.label)).size).toBe(furniture.length);
    for (const a of furniture) {
      const onSomething = a.box.min[2] === 0 || furniture.some((b) => b !== a && Math.abs(b.box.max[2] - a.box.min[2]) < 1e-9);
      expect(onSomething).toBe(true);
      for (const b of furniture)
        if (a !== b) expect([0, 1, 2].every((k) => a.box.min[k] < b.box.max[k] - 1e-9 && b.box.min[k] < a.box.max[k] - 1e-9)).toBe(false);
    }
    for (const f of scene.frames) checkPose(f.pose, `frame ${f.id}`);
    expect(scene.points!.length / 3).toBe(scene.pointInstances!.length);
  });

  it('every back-projected depth pixel is visible in its own frame', () => {
    for (const f of scene.frames.filter((_, i) => i % 8 === 0)) {
      const cam = { intrinsics: f.intrinsics, pose: f.pose };
      const pts = backprojectDepth(f.depth!, cam, { stride: 3 });
      expect(visibleSets(pts, [cam], [f.depth!])[0].length).toBe(pts.length / 3);
    }
  });

  it('scene points visible in a frame lie on the surface its depth map shows (instance ids agree)', () => {
    let agree = 0, total = 0;
    for (const f of scene.frames.filter((_, i) => i % 6 === 0)) {
      const cam = { intrinsics: f.intrinsics, pose: f.pose };
      const [set] = visibleSets(scene.points!, [cam], [f.depth!]);
      for (const p of set) {
        const m = cam.pose;
        const d = [scene.points![3 * p] - m[3], scene.points![3 * p + 1] - m[7], scene.points![3 * p + 2] - m[11]];
        const xc = m[0] * d[0] + m[4] * d[1] + m[8] * d[2], yc = m[1] * d[0] + m[5] * d[1] + m[9] * d[2], zc = m[2] * d[0] + m[6] * d[1] + m[10] * d[2];
        const j = Math.floor((f.intrinsics.fx * xc) / zc + f.intrinsics.cx + 0.5), i = Math.floor((f.intrinsics.fy * yc) / zc + f.intrinsics.cy + 0.5);
        total++;
        if (f.instanceIds![i * f.intrinsics.width + j] === scene.pointInstances![p]) agree++;
      }
    }
    console.info(`synthetic: ${total} visible (point, frame) pairs, ${((100 * agree) / total).toFixed(2)} % on the surface their pixel shows`);
    // Points within the 5 cm tolerance of a box edge or a face corner can sit on a neighbouring face.
    expect(agree / total).toBeGreaterThan(0.97);
  });

  it('is deterministic, and seeds differ', () => {
    const a = synthesizeScene({ seed: 4, frames: 3, width: 64, height: 48 });
    const b = synthesizeScene({ seed: 4, frames: 3, width: 64, height: 48 });
    const c = synthesizeScene({ seed: 5, frames: 3, width: 64, height: 48 });
    expect(a.frames[2].depth!.data).toEqual(b.frames[2].depth!.data);
    expect(a.frames[2].color!.data).toEqual(b.frames[2].color!.data);
    expect(a.points).toEqual(b.points);
    expect(a.points).not.toEqual(c.points);
  });

  it('the trajectory spans the overlap range from 0 to near 1', () => {
    const sets = visibleSets(scene.points!, scene.frames.map((f) => ({ intrinsics: f.intrinsics, pose: f.pose })), scene.frames.map((f) => f.depth!));
    const m = scene.frames.length;
    const o = overlapMatrix(sets);
    const hist = new Array(10).fill(0);
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) hist[Math.min(9, Math.floor(o[i * m + j] * 10))]++;
    console.info(`synthetic overlap histogram (10 % bins): ${hist.join(' ')}`);
    expect(hist[0]).toBeGreaterThan(0);
    expect(hist.slice(1, 4).reduce((a, b) => a + b, 0)).toBeGreaterThan(20); // plenty of pairs in the 6-35 % band region
    expect(hist[7] + hist[8] + hist[9]).toBeGreaterThan(0);
  });

  it('rejects bad options', () => {
    expect(() => synthesizeScene({ frames: 0 })).toThrow(/opts.frames/);
    expect(() => synthesizeScene({ pointSpacing: 0 })).toThrow(/pointSpacing/);
  });
});
