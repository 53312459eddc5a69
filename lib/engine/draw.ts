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

/**
 * The 5x7 font of axis labels: digits, lower-case letters (upper case is drawn in lower case) and
 * `- _ . : /`; any other character is drawn as `?`. Kept apart from the prompt labels' glyphs so
 * that prompt images stay as they were.
 */
const TEXT_GLYPHS: Record<string, string[]> = {
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  a: ['00000', '00000', '01110', '00001', '01111', '10001', '01111'],
  b: ['10000', '10000', '10110', '11001', '10001', '10001', '11110'],
  c: ['00000', '00000', '01110', '10000', '10000', '10001', '01110'],
  d: ['00001', '00001', '01101', '10011', '10001', '10001', '01111'],
  e: ['00000', '00000', '01110', '10001', '11111', '10000', '01110'],
  f: ['00110', '01001', '01000', '11100', '01000', '01000', '01000'],
  g: ['00000', '01111', '10001', '10001', '01111', '00001', '01110'],
  h: ['10000', '10000', '10110', '11001', '10001', '10001', '10001'],
  i: ['00100', '00000', '01100', '00100', '00100', '00100', '01110'],
  j: ['00010', '00000', '00110', '00010', '00010', '10010', '01100'],
  k: ['10000', '10000', '10010', '10100', '11000', '10100', '10010'],
  l: ['01100', '00100', '00100', '00100', '00100', '00100', '01110'],
  m: ['00000', '00000', '11010', '10101', '10101', '10001', '10001'],
  n: ['00000', '00000', '10110', '11001', '10001', '10001', '10001'],
  o: ['00000', '00000', '01110', '10001', '10001', '10001', '01110'],
  p: ['00000', '00000', '11110', '10001', '11110', '10000', '10000'],
  q: ['00000', '00000', '01101', '10011', '01111', '00001', '00001'],
  r: ['00000', '00000', '10110', '11001', '10000', '10000', '10000'],
  s: ['00000', '00000', '01110', '10000', '01110', '00001', '11110'],
  t: ['01000', '01000', '11100', '01000', '01000', '01001', '00110'],
  u: ['00000', '00000', '10001', '10001', '10001', '10011', '01101'],
  v: ['00000', '00000', '10001', '10001', '10001', '01010', '00100'],
  w: ['00000', '00000', '10001', '10001', '10101', '10101', '01010'],
  x: ['00000', '00000', '10001', '01010', '00100', '01010', '10001'],
  y: ['00000', '00000', '10001', '10001', '01111', '00001', '01110'],
  z: ['00000', '00000', '11111', '00010', '00100', '01000', '11111'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'],
  _: ['00000', '00000', '00000', '00000', '00000', '00000', '11111'],
  '.': ['00000', '00000', '00000', '00000', '00000', '01100', '01100'],
  ':': ['00000', '01100', '01100', '00000', '01100', '01100', '00000'],
  '/': ['00000', '00001', '00010', '00100', '01000', '10000', '00000'],
  '?': ['01110', '10001', '00001', '00010', '00100', '00000', '00100'],
};

/** Pixel width of `text` in the axis-label font at `scale` (6 px per character, no trailing gap). */
export function textWidth(text: string, scale = 1): number {
  return Math.max(0, text.length * 6 - 1) * scale;
}

/**
 * Draws `text` in the axis-label font (no background) with its top-left at (x, y); `vertical` turns
 * it 90 degrees counter-clockwise (read bottom to top, the first character at the bottom, (x, y)
 * then the bottom-left corner).
 */
export function drawText(img: Image, x: number, y: number, text: string, rgb: Rgb, opts: { scale?: number; vertical?: boolean } = {}): void {
  const scale = opts.scale ?? 1;
  [...text].forEach((ch, i) => {
    const g = TEXT_GLYPHS[ch] ?? TEXT_GLYPHS[ch.toLowerCase()] ?? TEXT_GLYPHS['?'];
    for (let r = 0; r < 7; r++)
      for (let c = 0; c < 5; c++) {
        if (g[r][c] !== '1') continue;
        const along = (i * 6 + c) * scale, across = r * scale;
        for (let sy = 0; sy < scale; sy++)
          for (let sx = 0; sx < scale; sx++) {
            if (opts.vertical) put(img, x + across + sy, y - along - sx, rgb);
            else put(img, x + along + sx, y + across + sy, rgb);
          }
      }
  });
}

/** Copies `src` into `dst` (both RGB) with its top-left at (x, y). */
export function blit(dst: Image, src: Image, x: number, y: number): void {
  for (let r = 0; r < src.height; r++) {
    const yy = y + r;
    if (yy < 0 || yy >= dst.height) continue;
    for (let c = 0; c < src.width; c++) {
      const xx = x + c;
      if (xx < 0 || xx >= dst.width) continue;
      const s = (r * src.width + c) * 3, d = (yy * dst.width + xx) * 3;
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
    }
  }
}
