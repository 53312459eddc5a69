/**
 * Visual prompts drawn straight into RGB pixels: filled dots with an outline and letter labels from
 * a built-in 5x7 bitmap font. No font files: the output is byte-identical on every machine.
 * @module
 */
import type { Image } from '../types.js';

export type Rgb = [number, number, number];

/** Named dot colours (distinct, readable on most backgrounds). */
export const DOT_COLORS: { name: string; rgb: Rgb }[] = [
  { name: 'red', rgb: [230, 25, 25] },
  { name: 'green', rgb: [20, 200, 40] },
  { name: 'blue', rgb: [30, 80, 240] },
  { name: 'yellow', rgb: [250, 220, 20] },
  { name: 'magenta', rgb: [230, 30, 220] },
  { name: 'cyan', rgb: [20, 220, 230] },
];

const GLYPHS: Record<string, string[]> = {
  A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  C: ['01111', '10000', '10000', '10000', '10000', '10000', '01111'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
};

/** A copy of an image as RGB (grey and RGBA are converted). */
export function toRgb(img: Image): Image {
  if (img.channels === 3) return { ...img, data: img.data.slice() };
  const out = new Uint8Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++)
    for (let c = 0; c < 3; c++) out[3 * p + c] = img.data[p * img.channels + (img.channels === 1 ? 0 : c)];
  return { width: img.width, height: img.height, channels: 3, data: out };
}

function put(img: Image, x: number, y: number, rgb: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const o = (y * img.width + x) * 3;
  img.data[o] = rgb[0];
  img.data[o + 1] = rgb[1];
  img.data[o + 2] = rgb[2];
}

/** Draws a filled dot of `radius` px centred on pixel (u, v) (pixel-centre convention) with a white rim. */
export function drawDot(img: Image, u: number, v: number, radius: number, rgb: Rgb): void {
  const cx = Math.floor(u + 0.5), cy = Math.floor(v + 0.5);
  const rim = radius + Math.max(1, Math.round(radius / 4));
  for (let y = cy - rim; y <= cy + rim; y++)
    for (let x = cx - rim; x <= cx + rim; x++) {
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      if (d2 <= radius * radius) put(img, x, y, rgb);
      else if (d2 <= rim * rim) put(img, x, y, [255, 255, 255]);
    }
}

/** Draws `text` (characters of the built-in font) with its top-left at (x, y), scaled by `scale`, on a dark box. */
export function drawLabel(img: Image, x: number, y: number, text: string, rgb: Rgb, scale = 3): void {
  const w = text.length * 6 * scale + scale, h = 9 * scale;
  for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) put(img, x + xx, y + yy, [0, 0, 0]);
  [...text].forEach((ch, i) => {
    const g = GLYPHS[ch];
    if (!g) throw new RangeError(`no glyph for ${JSON.stringify(ch)}`);
    for (let r = 0; r < 7; r++)
      for (let c = 0; c < 5; c++)
        if (g[r][c] === '1')
          for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) put(img, x + scale + (i * 6 + c) * scale + sx, y + scale + r * scale + sy, rgb);
  });
}

/** Dot radius for an image: 1 % of the width, at least 4 px (MultiSPA draws 10 px on 1296-wide images). */
export function dotRadius(width: number): number {
  return Math.max(4, Math.round(width / 100));
}

/** Draws a labelled dot: the dot, and the label beside it (moved inside the image when near an edge). */
export function drawLabelledDot(img: Image, u: number, v: number, label: string | undefined, rgb: Rgb): void {
  const r = dotRadius(img.width);
  drawDot(img, u, v, r, rgb);
  if (!label) return;
  const scale = Math.max(2, Math.round(img.width / 240));
  const w = label.length * 6 * scale + scale, h = 9 * scale;
  let x = Math.round(u) + r + 3, y = Math.round(v) - Math.round(h / 2);
  if (x + w > img.width) x = Math.round(u) - r - 3 - w;
  y = Math.min(Math.max(0, y), img.height - h);
  drawLabel(img, x, y, label, rgb, scale);
}
