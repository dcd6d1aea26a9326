import { describe, expect, it } from 'vitest';
import {
  escapeControlCharacters,
  findControlCharacter,
  quoteEscaped,
  refuseControlCharacters,
} from './control-characters.js';
import { UsageError } from './errors.js';

describe('findControlCharacter', () => {
  it.each([
    ['newline', '1.4.2\nPASS', '\\n'],
    ['carriage return', 'a\rb', '\\r'],
    ['tab', 'a\tb', '\\t'],
    ['escape (terminal colours)', 'a\u001b[31m', '\\u001b'],
    ['NUL', 'a\u0000', '\\u0000'],
    ['DEL', 'a\u007f', '\\u007f'],
    ['C1 next line', 'a\u0085b', '\\u0085'],
    ['line separator', 'a\u2028b', '\\u2028'],
    ['paragraph separator', 'a\u2029b', '\\u2029'],
    ['right-to-left override', 'a\u202eb', '\\u202e'],
    ['first strong isolate', 'a\u2068b', '\\u2068'],
  ])('finds a %s', (_name, text, escaped) => {
    expect(findControlCharacter(text)).toBe(escaped);
  });

  it.each(['1.4.2', 'registry/carts:1.4.2', 'buildId=812', 'Jürgen Müller', '版本 1', 'a "quoted" \\ b', ''])(
    'accepts %j',
    (text) => {
      expect(findControlCharacter(text)).toBeUndefined();
    },
  );
});

describe('quoteEscaped', () => {
  it('escapes every control character, quote and backslash, so the text stays on one line', () => {
    expect(quoteEscaped('1.4.2\nPASS\u202e"x"\\')).toBe('"1.4.2\\nPASS\\u202e\\"x\\"\\\\"');
  });
});

describe('refuseControlCharacters', () => {
  it('names the source, shows the value escaped and the character found (exit 2)', () => {
    const error = (() => {
      try {
        refuseControlCharacters('1.4.2\nPASS', '--version');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toBe('--version "1.4.2\\nPASS" contains a control character (\\n)');
  });

  it('lets text without control characters pass', () => {
    expect(() => refuseControlCharacters('1.4.2', '--version')).not.toThrow();
  });
});

describe('escapeControlCharacters', () => {
  it('escapes every control character and leaves quotes and backslashes as they are', () => {
    expect(escapeControlCharacters('Slow\nRESOLVED \u202eok\u0000 "a\\b"')).toBe(
      'Slow\\nRESOLVED \\u202eok\\u0000 "a\\b"',
    );
  });
});
