/**
 * Parsing of free-form model answers for the MultiSPA-style spatial QA scorer.
 *
 * Every parser looks at the back-ticked spans of the answer first (all MultiSPA answer templates wrap
 * the value in back-ticks: "The camera traveled a total of `1150` mm."), in order, and takes the
 * first span that yields a value; only then does it read the whole text. A unit written right after
 * the closing back-tick ("`1.5` m") belongs to the span. Nothing parseable gives `null`.
 *
 * Numbers: optional sign (`-`, `+`, `−`), thousands separators (`1,234`), decimals (`.5`, `2.`),
 * scientific notation (`1.5e3`). A number glued to a word ("Image-2", "x1") is not a number; "3D",
 * "2nd" are skipped. Units (length -> mm: mm, cm, m, km, in, ft and their spelled-out forms; angle ->
 * degrees: °, deg, degrees, rad, radians) are converted to the answer's unit; powers of ten are
 * applied in decimal (`1.15 m` -> exactly 1150 mm). A number without a unit is taken to be in the
 * answer's unit already.
 * @module
 */

/** Camera/object movement direction words (the MultiSPA answers). */
export type Direction = 'left' | 'right' | 'up' | 'down' | 'forward' | 'backward';

/** Unit of a scalar or vector answer: millimetres, degrees, or none (no conversion). */
export type AnswerUnit = 'mm' | 'deg' | 'none';

/** What kind of value an answer holds. */
export type AnswerSpec =
  | { kind: 'scalar'; unit: AnswerUnit }
  | { kind: 'vector'; dims: number; unit: AnswerUnit }
  | { kind: 'coordinate' }
  | { kind: 'letter' }
  | { kind: 'direction'; allowed?: readonly Direction[] };

/** A parsed answer, in the unit the spec asked for. */
export type ParsedAnswer =
  | { kind: 'scalar'; value: number }
  | { kind: 'vector'; values: number[] }
  | { kind: 'coordinate'; values: [number, number] }
  | { kind: 'letter'; value: string }
  | { kind: 'direction'; value: Direction };

/** A piece of answer text to parse, with the text that follows it (for a unit after a back-tick). */
export interface AnswerSpan {
  text: string;
  after: string;
}

/**
 * The spans a parser reads, in order: every back-ticked span (inline `` `x` `` or fenced
 * ```` ``` ```` blocks), then the whole text.
 * @example answerSpans('It is `12` mm') // [{ text: '12', after: ' mm' }, { text: 'It is `12` mm', after: '' }]
 */
export function answerSpans(text: string): AnswerSpan[] {
  const spans: AnswerSpan[] = [];
  const re = /```[A-Za-z]*\n?([\s\S]*?)```|`([^`]+)`/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const inner = m[1] ?? m[2] ?? '';
    if (inner.trim() !== '') spans.push({ text: inner, after: text.slice(m.index + m[0].length, m.index + m[0].length + 32) });
  }
  spans.push({ text, after: '' });
  return spans;
}

function firstInSpans<T>(text: string, parse: (span: AnswerSpan) => T | null): T | null {
  if (typeof text !== 'string') return null;
  for (const span of answerSpans(text)) {
    const v = parse(span);
    if (v !== null) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Numbers and units

type Dimension = 'length' | 'angle';

interface UnitInfo {
  dimension: Dimension;
  /** Power of ten to millimetres (applied in decimal), or a plain factor. */
  pow10?: number;
  factor?: number;
}

const UNIT_PATTERN =
  'millimet(?:er|re)s?|centimet(?:er|re)s?|kilomet(?:er|re)s?|met(?:er|re)s?|mm|cm|km|m|inch(?:es)?|in\\.|feet|foot|ft|°|º|degrees?|degs?|radians?|rads?';

function unitInfo(raw: string): UnitInfo {
  const u = raw.toLowerCase();
  if (u === 'mm' || u.startsWith('millimet')) return { dimension: 'length', pow10: 0 };
  if (u === 'cm' || u.startsWith('centimet')) return { dimension: 'length', pow10: 1 };
  if (u === 'km' || u.startsWith('kilomet')) return { dimension: 'length', pow10: 6 };
  if (u === 'm' || u.startsWith('met')) return { dimension: 'length', pow10: 3 };
  if (u.startsWith('in')) return { dimension: 'length', factor: 25.4 };
  if (u === 'ft' || u === 'feet' || u === 'foot') return { dimension: 'length', factor: 304.8 };
  if (u.startsWith('rad')) return { dimension: 'angle', factor: 180 / Math.PI };
  return { dimension: 'angle', pow10: 0 }; // °, º, deg, degree(s)
}

// A number not glued to a preceding word ("Image-2", "x1", "v2.5") and not an ordinal or "3D".
const NUMBER_SOURCE =
  String.raw`(?<![\w.])(?<![\w.][-+\u2212])([-+\u2212]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)(?!\d)(?:[eE]([-+]?\d+))?(?!\d)(?!(?:st|nd|rd|th|D)\b)`;
const NUMBER_WITH_UNIT = new RegExp(`${NUMBER_SOURCE}(?:\\s*(${UNIT_PATTERN})(?![A-Za-z]))?`, 'g');
const LEADING_UNIT = new RegExp(`^\\s*(${UNIT_PATTERN})(?![A-Za-z])`);

interface NumberToken {
  /** Decimal mantissa without sign, thousands separators removed ("1234.5"). */
  digits: string;
  negative: boolean;
  exponent: number;
  unit: UnitInfo | null;
  index: number;
  end: number;
}

function tokenFromMatch(m: RegExpExecArray): NumberToken | null {
  const [, sign, body, exp, unit] = m;
  let digits = body.replace(/,/g, '');
  if (digits.endsWith('.')) digits = digits.slice(0, -1);
  if (!/\d/.test(digits)) return null;
  return {
    digits,
    negative: sign === '-' || sign === '\u2212',
    exponent: exp === undefined ? 0 : Number(exp),
    unit: unit === undefined ? null : unitInfo(unit),
    index: m.index,
    end: m.index + m[0].length,
  };
}

function numberTokens(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  NUMBER_WITH_UNIT.lastIndex = 0;
  for (let m = NUMBER_WITH_UNIT.exec(text); m !== null; m = NUMBER_WITH_UNIT.exec(text)) {
    const t = tokenFromMatch(m);
    if (t) out.push(t);
  }
  return out;
}

/** The token's value in the target unit (decimal shift for powers of ten, so 1.15 m -> 1150 exactly). */
function tokenValue(t: NumberToken, unit: UnitInfo | null): number {
  const pow10 = unit?.pow10 ?? 0;
  const v = Number(`${t.digits}e${t.exponent + pow10}`) * (unit?.factor ?? 1);
  return t.negative ? -v : v;
}

function dimensionOf(unit: AnswerUnit): Dimension | null {
  return unit === 'mm' ? 'length' : unit === 'deg' ? 'angle' : null;
}

/** Value of a token in `unit`; null when its unit measures something else (metres for an angle). */
function convert(t: NumberToken, unit: AnswerUnit, fallbackUnit: UnitInfo | null): number | null {
  const dim = dimensionOf(unit);
  const u = t.unit ?? fallbackUnit;
  if (dim === null) return tokenValue(t, null);
  if (u === null) return tokenValue(t, null);
  if (u.dimension !== dim) return null;
  return tokenValue(t, u);
}

/** Ranges of `[...]` groups, whose numbers are coordinates, not a scalar answer. */
function bracketRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /\[[^\][]*\]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

function parseScalarSpan(span: AnswerSpan, unit: AnswerUnit): number | null {
  const brackets = bracketRanges(span.text);
  const tokens = numberTokens(span.text).filter((t) => !brackets.some(([a, b]) => t.index >= a && t.index < b));
  if (tokens.length === 0) return null;
  const dim = dimensionOf(unit);
  // A unit right after the span's closing back-tick applies to a lone unitless number in it.
  const trailing = LEADING_UNIT.exec(span.after);
  const trailingUnit = trailing && tokens.length === 1 && tokens[0].unit === null ? unitInfo(trailing[1]) : null;
  if (dim !== null) {
    const withUnit = tokens.find((t) => (t.unit ?? trailingUnit)?.dimension === dim);
    if (withUnit) return convert(withUnit, unit, trailingUnit);
  }
  const unitless = tokens.filter((t) => t.unit === null && trailingUnit === null);
  if (unitless.length === 0) return dim === null ? tokenValue(tokens[tokens.length - 1], null) : null;
  // Several bare numbers: the last one (answers tend to end with the value: "... so it is 1500").
  return tokenValue(unitless[unitless.length - 1], null);
}

/**
 * Parses a scalar answer in `unit` (mm or degrees; 'none' keeps the number as written).
 *
 * Picks, in the first span that has one: the first number carrying a unit of the right kind;
 * else the last number without a unit (numbers inside `[...]` are coordinates and skipped). A
 * number whose only unit is of another kind (degrees for a length) does not count.
 * @example parseScalarAnswer('The camera traveled a total of `1.15` m.', 'mm') // 1150
 * @example parseScalarAnswer('about 1,234 mm', 'mm') // 1234
 * @example parseScalarAnswer('I guess 900, no: `1200`', 'mm') // 1200
 */
export function parseScalarAnswer(text: string, unit: AnswerUnit = 'none'): number | null {
  return firstInSpans(text, (span) => parseScalarSpan(span, unit));
}

// ---------------------------------------------------------------------------------------------
// Vectors and coordinates

const COMPONENT = new RegExp(`^\\s*${NUMBER_SOURCE}(?:\\s*(${UNIT_PATTERN})(?![A-Za-z]))?\\s*$`);

function parseComponent(raw: string): NumberToken | null {
  // Strip a label ("x:", "x =", "dx=") in front of the number.
  const s = raw.replace(/^\s*[A-Za-z]{1,2}\s*[:=]\s*/, '');
  const m = COMPONENT.exec(s);
  return m ? tokenFromMatch(m) : null;
}

function parseVectorSpan(span: AnswerSpan, dims: number, unit: AnswerUnit): number[] | null {
  const text = span.text;
  // Bracketed groups: [x, y, z] or (x, y, z); components separated by commas or semicolons, or by
  // whitespace when there is neither (thousands separators are not read inside brackets).
  const re = /[[(]([^\][()]*)[\])]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const inner = m[1];
    const parts = /[,;]/.test(inner) ? inner.split(/[,;]/) : inner.trim().split(/\s+/);
    if (parts.length !== dims) continue;
    const tokens = parts.map(parseComponent);
    if (tokens.some((t) => t === null)) continue;
    const rest = text.slice(m.index + m[0].length);
    const after = rest.trim() === '' ? rest + span.after : rest;
    const trailing = LEADING_UNIT.exec(after);
    const groupUnit = trailing ? unitInfo(trailing[1]) : null;
    const values = (tokens as NumberToken[]).map((t) => convert(t, unit, groupUnit));
    if (values.every((v): v is number => v !== null)) return values;
  }
  // No bracketed group: exactly `dims` numbers in the span ("100, -200, 300", "x: 1 m, y: 2 m, z: 0 m").
  const tokens = numberTokens(text);
  if (tokens.length === dims) {
    const trailing = LEADING_UNIT.exec(span.after);
    const spanUnit = trailing ? unitInfo(trailing[1]) : null;
    const values = tokens.map((t) => convert(t, unit, spanUnit));
    if (values.every((v): v is number => v !== null)) return values;
  }
  return null;
}

/**
 * Parses a vector answer of `dims` components in `unit`: `[x, y, z]`, `(x, y, z)`, `[x y z]`, with
 * per-component units (`[0.1 m, 0.2 m, 0 m]`) or one unit after the bracket (`[1, 2, 3] cm`); the
 * first bracketed group with exactly `dims` numbers wins. Without brackets, a span holding exactly
 * `dims` numbers is read in order.
 * @example parseVectorAnswer('The displacement is `[ -120 , 35 , 980 ]` mm.', 3, 'mm') // [-120, 35, 980]
 * @example parseVectorAnswer('(0.1, -0.2, 1.5) meters', 3, 'mm') // [100, -200, 1500]
 */
export function parseVectorAnswer(text: string, dims: number, unit: AnswerUnit = 'none'): number[] | null {
  return firstInSpans(text, (span) => parseVectorSpan(span, dims, unit));
}

/**
 * Parses a normalised image coordinate `[x, y]` (0-999 units of the image width/height; units are
 * ignored).
 * @example parseCoordinateAnswer('The point is at `[ 512 , 300 ]`.') // [512, 300]
 */
export function parseCoordinateAnswer(text: string): [number, number] | null {
  return firstInSpans(text, (span) => parseVectorSpan(span, 2, 'none') as [number, number] | null);
}

// ---------------------------------------------------------------------------------------------
// Option letters

const LETTERS = 'ABCD';

function parseLetterSpan(span: AnswerSpan): string | null {
  const t = span.text.trim();
  // The whole span is the letter: "B", "(b)", "[C]", "D.", "Option C", "point (A)".
  const whole = /^(?:(?:the\s+)?(?:option|choice|answer|point)\s*(?:is\s*)?:?\s*)?[([]?([A-Da-d])[)\]]?[.:,!]?$/i.exec(t);
  if (whole) return whole[1].toUpperCase();
  // A keyword before an upper-case letter: "the answer is B", "Answer: (C)", "option D".
  const keyword = /\b(?:answer|option|choice|point)\s*(?:is|would be|should be|=|:)?\s*:?\s*[([]?([A-D])(?![A-Za-z0-9])/i.exec(t);
  if (keyword && LETTERS.includes(keyword[1])) return keyword[1];
  const keywordLower = /\b(?:option|choice)\s*[([]?([a-d])(?![A-Za-z0-9])/i.exec(t);
  if (keywordLower) return keywordLower[1].toUpperCase();
  // "(B)" anywhere, if only one letter is written that way.
  const paren = new Set(Array.from(t.matchAll(/\(([A-D])\)/g), (m) => m[1]));
  if (paren.size === 1) return [...paren][0];
  // Stand-alone capitals A-D; "A" followed by a lower-case word is the article ("A point near..."),
  // unless that word joins options or states something of the letter ("A or B", "A is closer").
  const alone = new Set(
    Array.from(t.matchAll(/(?<![A-Za-z0-9'])([A-D])(?![A-Za-z0-9'])/g))
      .filter((m) => !(m[1] === 'A' && /^\s+[a-z]/.test(t.slice(m.index + 1)) && !/^\s+(?:or|and|nor|vs\.?|versus|is|was|seems|appears)\b/.test(t.slice(m.index + 1))))
      .map((m) => m[1]),
  );
  if (alone.size === 1) return [...alone][0];
  return null;
}

/**
 * Parses a multiple-choice letter A-D: a span that is just the letter ("B", "(B)", "Option C"),
 * a keyword form anywhere ("the answer is B", "Answer: (C)"), a single parenthesised letter, or a
 * single stand-alone capital letter (an "A" before a lower-case word is read as the article).
 * Several different candidate letters give `null`.
 * @example parseLetterAnswer('The corresponding point is `C`.') // 'C'
 * @example parseLetterAnswer('I think the answer is B') // 'B'
 */
export function parseLetterAnswer(text: string): string | null {
  return firstInSpans(text, parseLetterSpan);
}

// ---------------------------------------------------------------------------------------------
// Direction words

const DIRECTION_WORDS: [RegExp, Direction][] = [
  [/\b(?:left|leftwards?)\b/g, 'left'],
  [/\b(?:right|rightwards?)\b/g, 'right'],
  [/\b(?:up|upwards?)\b/g, 'up'],
  [/\b(?:down|downwards?)\b/g, 'down'],
  [/\b(?:forwards?|ahead|frontwards?)\b/g, 'forward'],
  [/\b(?:backwards?|back|rearwards?|behind)\b/g, 'backward'],
];

const ALL_DIRECTIONS: readonly Direction[] = ['left', 'right', 'up', 'down', 'forward', 'backward'];

function parseDirectionSpan(span: AnswerSpan, allowed: readonly Direction[]): Direction | null {
  const t = span.text.toLowerCase();
  const found = new Set<Direction>();
  for (const [re, dir] of DIRECTION_WORDS) {
    if (!allowed.includes(dir)) continue;
    re.lastIndex = 0;
    if (re.test(t)) found.add(dir);
  }
  return found.size === 1 ? [...found][0] : null;
}

/**
 * Parses a direction word: left/right/up/down/forward/backward, with synonyms ("leftward",
 * "to the left", "upwards", "forwards", "ahead", "backwards", "back", "behind"). Only the `allowed`
 * directions are looked for (e.g. left/right for an x-movement question, so "moved left and a bit
 * up" still reads as left); a span naming two different allowed directions gives `null`.
 * @example parseDirectionAnswer('The camera moved `left`.', ['left', 'right']) // 'left'
 * @example parseDirectionAnswer('It moves forwards', ['forward', 'backward']) // 'forward'
 */
export function parseDirectionAnswer(text: string, allowed: readonly Direction[] = ALL_DIRECTIONS): Direction | null {
  return firstInSpans(text, (span) => parseDirectionSpan(span, allowed));
}

/** The axis pair a direction belongs to ('left' -> ['left', 'right']). */
export function directionAxis(d: Direction): readonly Direction[] {
  if (d === 'left' || d === 'right') return ['left', 'right'];
  if (d === 'up' || d === 'down') return ['up', 'down'];
  return ['forward', 'backward'];
}

/** True for the six direction words. */
export function isDirection(v: unknown): v is Direction {
  return typeof v === 'string' && (ALL_DIRECTIONS as readonly string[]).includes(v);
}

/**
 * Parses an answer of the given kind; `null` when nothing of that kind is found.
 * @example parseAnswer('`[ 10 , 20 , 30 ]` mm', { kind: 'vector', dims: 3, unit: 'mm' }) // { kind: 'vector', values: [10, 20, 30] }
 */
export function parseAnswer(text: string, spec: AnswerSpec): ParsedAnswer | null {
  switch (spec.kind) {
    case 'scalar': {
      const v = parseScalarAnswer(text, spec.unit);
      return v === null ? null : { kind: 'scalar', value: v };
    }
    case 'vector': {
      const v = parseVectorAnswer(text, spec.dims, spec.unit);
      return v === null ? null : { kind: 'vector', values: v };
    }
    case 'coordinate': {
      const v = parseCoordinateAnswer(text);
      return v === null ? null : { kind: 'coordinate', values: v };
    }
    case 'letter': {
      const v = parseLetterAnswer(text);
      return v === null ? null : { kind: 'letter', value: v };
    }
    case 'direction': {
      const v = parseDirectionAnswer(text, spec.allowed ?? ALL_DIRECTIONS);
      return v === null ? null : { kind: 'direction', value: v };
    }
  }
}
