// The overlap figure that generate writes as overlap.png: the heat map unchanged inside it, frame
// ids along both axes, and a colour bar from 0 (bottom, black) to 1 (top, white).
import { describe, expect, it } from 'vitest';
import { drawText, textWidth } from '../../lib/engine/draw.js';
import { heatColor, overlapFigure, overlapHeatmap } from '../../lib/engine/pipeline.js';
import type { Image } from '../../lib/types.js';

const at = (img: Image, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const INK = [40, 40, 40];

/** Top-left corner of `inner` inside `outer` (first exact match of its first row), or undefined. */
function find(outer: Image, inner: Image): [number, number] | undefined {
  const row = Buffer.from(inner.data.subarray(0, inner.width * 3));
  for (let y = 0; y + inner.height <= outer.height; y++)
    for (let x = 0; x + inner.width <= outer.width; x++)
      if (Buffer.from(outer.data.subarray((y * outer.width + x) * 3, (y * outer.width + x + inner.width) * 3)).equals(row)) return [x, y];
  return undefined;
}

describe('overlapFigure', () => {
  const m = 6;
  const overlap = Float32Array.from({ length: m * m }, (_, k) => (Math.floor(k / m) === k % m ? 1 : ((k * 7) % 10) / 10));
  const ids = ['frame-000000', 'frame-000001', 'frame-000002', 'frame-000003', 'frame-000004', 'frame-000005'];
  const fig = overlapFigure(overlap, m, ids);
  const heat = overlapHeatmap(overlap, m);

  it('holds the heat map pixel for pixel, with room around it for labels and the colour bar', () => {
    expect(fig.width).toBeGreaterThan(heat.width + textWidth(ids[0]));
    expect(fig.height).toBeGreaterThan(heat.height + textWidth(ids[0]));
    const [x0, y0] = find(fig, heat)!;
    for (let y = 0; y < heat.height; y++)
      expect(Buffer.from(fig.data.subarray(((y0 + y) * fig.width + x0) * 3, ((y0 + y) * fig.width + x0 + heat.width) * 3)).equals(Buffer.from(heat.data.subarray(y * heat.width * 3, (y + 1) * heat.width * 3)))).toBe(true);
  });

  it('labels every frame on both axes (cells of 86 px leave room for all) and draws a 0..1 colour bar', () => {
    const [x0, y0] = find(fig, heat)!;
    const cell = heat.width / m;
    for (let i = 0; i < m; i++) {
      const c = Math.floor(i * cell + cell / 2);
      // The y label: the id drawn exactly, ending 5 px left of the map at the row's centre.
      const label: Image = { width: textWidth(ids[i]), height: 7, channels: 3, data: new Uint8Array(textWidth(ids[i]) * 7 * 3).fill(255) };
      drawText(label, 0, 0, ids[i], INK as [number, number, number]);
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < label.width; x++) expect(at(fig, x0 - 5 - label.width + x, y0 + c - 3 + y)).toEqual(at(label, x, y));
      // The x label: ink in the column band under the map's column centre.
      let ink = 0;
      for (let y = y0 + heat.height + 5; y < y0 + heat.height + 5 + textWidth(ids[i]); y++) for (let x = x0 + c - 3; x < x0 + c + 4; x++) if (at(fig, x, y).join() === INK.join()) ink++;
      expect(ink, `x label of ${ids[i]}`).toBeGreaterThan(20);
    }
    // The colour bar: right of the map, white (1) at the top, black (0) at the bottom, the ramp between.
    const barX = x0 + heat.width + 12 + 5;
    expect(at(fig, barX, y0)).toEqual(heatColor(1));
    expect(at(fig, barX, y0 + heat.height - 1)).toEqual(heatColor(0));
    expect(at(fig, barX, y0 + Math.round((heat.height - 1) / 2))).toEqual(heatColor(1 - Math.round((heat.height - 1) / 2) / (heat.height - 1)));
  });

  it('labels every k-th frame when cells are small, so labels never overlap', () => {
    const big = 200;
    const f = overlapFigure(new Float32Array(big * big).fill(0.5), big, Array.from({ length: big }, (_, i) => String(i)));
    const h = overlapHeatmap(new Float32Array(big * big).fill(0.5), big);
    const [x0, y0] = find(f, h)!;
    const cell = h.width / big;
    // Rows of ink left of the map: groups at least 10 px apart (7 px glyphs + 3 px gap).
    const inkRows: number[] = [];
    for (let y = y0; y < y0 + h.height; y++) {
      let any = false;
      for (let x = x0 - 5 - textWidth('199'); x < x0 - 4; x++) if (at(f, x, y).join() === INK.join()) any = true;
      if (any) inkRows.push(y);
    }
    const starts = inkRows.filter((y, i) => i === 0 || y !== inkRows[i - 1] + 1);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(10);
    expect(starts.length).toBe(Math.ceil(big / Math.ceil(10 / cell)));
  });
});
