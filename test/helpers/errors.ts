// The one assertion for a coded argument error: the call throws a TypeError (ERR_SPATIAL_TYPE) or
// RangeError (every other code; see lib/errors.ts) with that `code` and a message that names the
// argument.
import { expect } from 'vitest';

export function expectCode(fn: () => unknown, code: string, message: RegExp, kind: typeof TypeError | typeof RangeError = code === 'ERR_SPATIAL_TYPE' ? TypeError : RangeError): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a throw').toBeInstanceOf(kind);
  expect((thrown as { code: string }).code).toBe(code);
  expect((thrown as Error).message).toMatch(message);
}
