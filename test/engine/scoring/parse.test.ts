// Answer parsing: back-ticked spans first, numbers with units, vectors, coordinates, option letters
// and direction words, including the tricky forms.
import { describe, expect, it } from 'vitest';
import {
  answerSpans, parseAnswer, parseCoordinateAnswer, parseDirectionAnswer, parseLetterAnswer, parseScalarAnswer, parseVectorAnswer,
} from '../../../lib/index.js';

describe('answerSpans', () => {
  it('lists back-ticked spans in order, then the whole text', () => {
    expect(answerSpans('a `1` b `2` mm')).toEqual([
      { text: '1', after: ' b `2` mm' },
      { text: '2', after: ' mm' },
      { text: 'a `1` b `2` mm', after: '' },
    ]);
  });
  it('reads fenced blocks and skips empty spans', () => {
    expect(answerSpans('```json\n[1, 2, 3]\n``` and `` `').map((s) => s.text)).toEqual(['[1, 2, 3]\n', '```json\n[1, 2, 3]\n``` and `` `']);
  });
});

describe('parseScalarAnswer', () => {
  it.each([
    ['The camera traveled a total of `1150` mm.', 'mm', 1150],
    ['The camera traveled a total of `1.15` m.', 'mm', 1150], // unit after the back-tick, decimal shift exact
    ['`115` cm', 'mm', 1150],
    ['It is 2.1 meters away.', 'mm', 2100],
    ['It is 2.1 metres away.', 'mm', 2100],
    ['about 1,234 mm', 'mm', 1234],
    ['1,234,567.5 millimeters', 'mm', 1234567.5],
    ['-3.5e2 mm', 'mm', -350],
    ['1.5E-3 m', 'mm', 1.5],
    ['1.5e3', 'mm', 1500],
    ['\u221245 deg', 'deg', -45], // unicode minus
    ['+12', 'mm', 12],
    ['.5 m', 'mm', 500],
    ['30°', 'deg', 30],
    ['The camera turned `12` degrees.', 'deg', 12],
    ['0.5 rad', 'deg', (0.5 * 180) / Math.PI],
    ['2 ft', 'mm', 609.6],
    ['3 inches', 'mm', 76.2],
    ['`1500`', 'mm', 1500],
    ['1500', 'none', 1500],
  ] as const)('%j (%s) -> %d', (text, unit, expected) => {
    expect(parseScalarAnswer(text, unit)).toBeCloseTo(expected, 9);
  });

  it('applies powers of ten in decimal: 1.15 m is exactly 1150 mm, 0.1 m exactly 100', () => {
    expect(parseScalarAnswer('1.15 m', 'mm')).toBe(1150);
    expect(parseScalarAnswer('0.1 m', 'mm')).toBe(100);
    expect(parseScalarAnswer('2.3 cm', 'mm')).toBe(23);
  });

  it('the back-ticked number wins over other numbers in the text', () => {
    expect(parseScalarAnswer('I first thought 900 mm, but it is `1200` mm.', 'mm')).toBe(1200);
    expect(parseScalarAnswer('Depth at [500, 300]: `2100`', 'mm')).toBe(2100);
  });

  it('prefers a number with a unit of the right kind, then the last bare number', () => {
    expect(parseScalarAnswer('The camera turned 30 degrees and moved 2 m.', 'mm')).toBe(2000);
    expect(parseScalarAnswer('The camera turned 30 degrees and moved 2 m.', 'deg')).toBe(30);
    expect(parseScalarAnswer('Between 900 and 1200, I would say 1100', 'mm')).toBe(1100);
  });

  it('skips numbers glued to words, ordinals, "3D" and coordinates in brackets', () => {
    expect(parseScalarAnswer('Image-1 and Image-2 show a depth of 2.1 meters', 'mm')).toBe(2100);
    expect(parseScalarAnswer('In the 3D scene, the 2nd point is 800 mm away', 'mm')).toBe(800);
    expect(parseScalarAnswer('The point at [ 512 , 300 ] is 1750 mm deep', 'mm')).toBe(1750);
    expect(parseScalarAnswer('x1 = 5', 'mm')).toBe(5);
  });

  it('returns null when there is no number of the right kind', () => {
    expect(parseScalarAnswer('I cannot tell.', 'mm')).toBeNull();
    expect(parseScalarAnswer('', 'mm')).toBeNull();
    expect(parseScalarAnswer('It turned 30 degrees.', 'mm')).toBeNull(); // an angle is no length
    expect(parseScalarAnswer('It moved 2 m.', 'deg')).toBeNull();
    expect(parseScalarAnswer('The point at [500, 300].', 'mm')).toBeNull();
    expect(parseScalarAnswer(undefined as unknown as string, 'mm')).toBeNull();
  });

  it('does not read "m" in a word as metres', () => {
    expect(parseScalarAnswer('5 more steps', 'mm')).toBe(5);
    expect(parseScalarAnswer('5 minutes', 'mm')).toBe(5);
  });
});

describe('parseVectorAnswer', () => {
  it.each([
    ['The displacement is `[ -120 , 35 , 980 ]` mm.', [-120, 35, 980]],
    ['`[ -120 , 35 , 980 ]`', [-120, 35, 980]],
    ['(0.1, -0.2, 1.5) meters', [100, -200, 1500]],
    ['[0.1 m, 20 cm, 3 mm]', [100, 200, 3]],
    ['[1 2 3] cm', [10, 20, 30]],
    ['[1; 2; 3]', [1, 2, 3]],
    ['[x: 10, y: -20, z: 30]', [10, -20, 30]],
    ['`100, -200, 300`', [100, -200, 300]],
    ['x: 1 m, y: 2 m, z: 0 m', [1000, 2000, 0]],
    ['[1e2, -2.5e1, 0]', [100, -25, 0]],
    ['It moved (12, 34) in the image, displacement `[5, 6, 7]`', [5, 6, 7]],
  ] as const)('%j -> %j mm', (text, expected) => {
    expect(parseVectorAnswer(text, 3, 'mm')).toEqual(expected);
  });

  it('skips groups with the wrong number of components and returns null when none fits', () => {
    expect(parseVectorAnswer('Image (1, 2) then [3, 4, 5]', 3, 'mm')).toEqual([3, 4, 5]);
    expect(parseVectorAnswer('[1, 2]', 3, 'mm')).toBeNull();
    expect(parseVectorAnswer('[1, two, 3]', 3, 'mm')).toBeNull();
    expect(parseVectorAnswer('no vector here', 3, 'mm')).toBeNull();
  });

  it('reads no thousands separators inside brackets (commas separate components)', () => {
    expect(parseVectorAnswer('[1,234,567]', 3, 'mm')).toEqual([1, 234, 567]);
  });
});

describe('parseCoordinateAnswer', () => {
  it.each([
    ['The point is at `[ 512 , 300 ]`.', [512, 300]],
    ['(12, 999)', [12, 999]],
    ['[0,0]', [0, 0]],
    ['Point B [10, 20] is closer, it is at `[ 700 , 410 ]`', [700, 410]],
  ] as const)('%j -> %j', (text, expected) => {
    expect(parseCoordinateAnswer(text)).toEqual(expected);
  });
  it('returns null without a pair', () => {
    expect(parseCoordinateAnswer('[1, 2, 3]')).toBeNull();
    expect(parseCoordinateAnswer('left')).toBeNull();
  });
});

describe('parseLetterAnswer', () => {
  it.each([
    ['The corresponding point is `C`.', 'C'],
    ['B', 'B'],
    ['b', 'B'],
    ['(B)', 'B'],
    ['[D]', 'D'],
    ['C.', 'C'],
    ['Option C', 'C'],
    ['option (d)', 'D'],
    ['I think the answer is B', 'B'],
    ['Answer: (C)', 'C'],
    ['The answer is B, not C.', 'B'],
    ['Point A is closer than point B.', 'A'],
    ['A point near the chair, labelled D, matches.', 'D'],
    ['It is the one marked (A) in the second image.', 'A'],
  ] as const)('%j -> %s', (text, expected) => {
    expect(parseLetterAnswer(text)).toBe(expected);
  });
  it.each(['A or B', 'C and D', 'E', 'none of them', 'a point', ''])('%j -> null', (text) => {
    expect(parseLetterAnswer(text)).toBeNull();
  });
});

describe('parseDirectionAnswer', () => {
  it.each([
    ['The camera moved `left`.', ['left', 'right'], 'left'],
    ['moved to the right', ['left', 'right'], 'right'],
    ['It shifted leftwards', ['left', 'right'], 'left'],
    ['It moves forwards', ['forward', 'backward'], 'forward'],
    ['The camera went ahead', ['forward', 'backward'], 'forward'],
    ['It moved back', ['forward', 'backward'], 'backward'],
    ['Backwards.', ['forward', 'backward'], 'backward'],
    ['tilted upward', ['up', 'down'], 'up'],
    ['DOWN', ['up', 'down'], 'down'],
    // Only the allowed axis counts: "up" does not compete with "left" in an x-movement answer.
    ['to the left and slightly up', ['left', 'right'], 'left'],
    ['`right`, although it also rotated left', ['left', 'right'], 'right'],
  ] as const)('%j -> %s', (text, allowed, expected) => {
    expect(parseDirectionAnswer(text, allowed)).toBe(expected);
  });
  it.each(['left or right', 'it did not move', 'bright light', 'upstairs'])('%j -> null', (text) => {
    expect(parseDirectionAnswer(text, ['left', 'right'])).toBeNull();
  });
  it('looks for all six words by default', () => {
    expect(parseDirectionAnswer('forwards')).toBe('forward');
    expect(parseDirectionAnswer('up and to the left')).toBeNull();
  });
});

describe('parseAnswer', () => {
  it('dispatches on the spec kind', () => {
    expect(parseAnswer('`1.2` m', { kind: 'scalar', unit: 'mm' })).toEqual({ kind: 'scalar', value: 1200 });
    expect(parseAnswer('[1, 2, 3] cm', { kind: 'vector', dims: 3, unit: 'mm' })).toEqual({ kind: 'vector', values: [10, 20, 30] });
    expect(parseAnswer('[1, 2]', { kind: 'coordinate' })).toEqual({ kind: 'coordinate', values: [1, 2] });
    expect(parseAnswer('(c)', { kind: 'letter' })).toEqual({ kind: 'letter', value: 'C' });
    expect(parseAnswer('up', { kind: 'direction', allowed: ['up', 'down'] })).toEqual({ kind: 'direction', value: 'up' });
    expect(parseAnswer('nothing', { kind: 'scalar', unit: 'mm' })).toBeNull();
  });
});
