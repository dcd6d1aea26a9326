// The command and flag surface is a contract (DESIGN.md section 4): CI templates and users'
// pipelines call these names. A change to it must be deliberate: update the snapshot knowingly.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './index.js';

interface FlagLike {
  type: string;
  env?: string;
  multiple?: boolean;
  options?: readonly string[];
  default?: unknown;
  char?: string;
}

describe('command surface', () => {
  it('is unchanged', () => {
    const surface = Object.fromEntries(
      Object.entries(COMMANDS).map(([id, command]) => [
        id,
        Object.fromEntries(
          Object.entries((command.flags ?? {}) as Record<string, FlagLike>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, flag]) => [
              name,
              {
                type: flag.type,
                ...(flag.env === undefined ? {} : { env: flag.env }),
                ...(flag.multiple === true ? { multiple: true } : {}),
                ...(flag.options === undefined ? {} : { options: flag.options }),
                ...(typeof flag.default === 'string' ? { default: flag.default } : {}),
              },
            ]),
        ),
      ]),
    );
    expect(surface).toMatchSnapshot();
  });

  it('gives every command --json (enableJsonFlag), a summary and examples', () => {
    for (const [id, command] of Object.entries(COMMANDS)) {
      expect(command.enableJsonFlag, id).toBe(true);
      expect(command.summary, id).toBeTruthy();
      expect(command.examples?.length, id).toBeGreaterThan(0);
    }
  });
});
