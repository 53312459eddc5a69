// Strict number tokens, data lines and JSON line lookup used by every loader's error messages.
import { describe, expect, it } from 'vitest';
import { dataLines, jsonLines, parseMatrix4, parseNumberToken } from '../../lib/io/text.js';

describe('parseNumberToken', () => {
  it.each([['1', 1], ['-2.5', -2.5], ['+.5', 0.5], ['3.', 3], ['1e-3', 0.001], ['-4.2E+2', -420]])('parses %s', (tok, v) => {
    expect(parseNumberToken(tok, 'f.txt', 7, 'x')).toBe(v);
  });

  it.each(['1.2.3', '0x10', '1,5', 'abc', '--1', '1e', '.', 'Infinity'])('rejects %s naming file and line', (tok) => {
    expect(() => parseNumberToken(tok, 'f.txt', 7, 'x')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT', message: `f.txt:7: Expected a finite number for x but received ${JSON.stringify(tok)}` }));
  });

  it('accepts inf / -inf / nan only when asked (ScanNet lost-tracking poses)', () => {
    expect(parseNumberToken('-inf', 'f', 1, 'x', true)).toBe(-Infinity);
    expect(parseNumberToken('INF', 'f', 1, 'x', true)).toBe(Infinity);
    expect(parseNumberToken('nan', 'f', 1, 'x', true)).toBeNaN();
    expect(() => parseNumberToken('-inf', 'f', 1, 'x')).toThrow(expect.objectContaining({ code: 'ERR_SPATIAL_FORMAT' }));
  });
});

describe('dataLines / parseMatrix4 / jsonLines', () => {
  it('drops blanks and comments, keeps 1-based line numbers, handles CRLF', () => {
    expect(dataLines('# c\r\n\r\n 1  2\r\n  # x\r\n3\r\n')).toEqual([{ line: 3, tokens: ['1', '2'] }, { line: 5, tokens: ['3'] }]);
    expect(Array.from(parseMatrix4('1 2 3 4\n5 6 7 8\n9 10 11 12\n13 14 15 16\n', 'm.txt'))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('maps JSON paths to the line their value starts on', () => {
    const text = '{\n  "a": 1,\n  "b": [\n    {"c": "x\\"y"},\n    [2,\n     3]\n  ],\n  "weird key": {}\n}';
    const lines = jsonLines(text);
    expect(lines.get('$')).toBe(1);
    expect(lines.get('a')).toBe(2);
    expect(lines.get('b')).toBe(3);
    expect(lines.get('b[0].c')).toBe(4);
    expect(lines.get('b[1][1]')).toBe(6);
    expect(lines.get('["weird key"]')).toBe(8);
  });
});
