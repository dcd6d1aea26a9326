import { describe, expect, it } from 'vitest';
import { createPalette } from './palette.js';

const ESC = '\u001b[';

describe('createPalette', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, true],
  ])('stream %j with env %j: colours %s', (stream, env, coloured) => {
    const text = createPalette(stream, env).fail('FAIL');
    expect(text.includes(ESC)).toBe(coloured);
    expect(
      text
        .split(ESC)
        .map((part) => part.replace(/^\d+m/, ''))
        .join(''),
    ).toBe('FAIL');
  });
});
