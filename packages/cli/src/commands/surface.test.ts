// The command and flag surface is a contract (DESIGN.md section 4): CI templates and users'
// pipelines call these names. A change to it must be deliberate: update the snapshot knowingly.
import { readFileSync } from 'node:fs';
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

  it('describes every topic in package.json (oclif.topics), else --help shows a command summary', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      oclif: { topics: Record<string, { description?: string }> };
    };
    const topics = [
      ...new Set(
        Object.keys(COMMANDS).flatMap((id) => (id.includes(':') ? [id.slice(0, id.indexOf(':'))] : [])),
      ),
    ];
    expect(topics.sort()).toEqual(Object.keys(manifest.oclif.topics).sort());
    for (const topic of topics) {
      const description = manifest.oclif.topics[topic]?.description ?? '';
      expect(description, topic).not.toBe('');
      // A topic's description is not the summary of one of its commands.
      const summaries = Object.entries(COMMANDS)
        .filter(([id]) => id.startsWith(`${topic}:`))
        .map(([, command]) => command.summary);
      expect(summaries, topic).not.toContain(description);
    }
  });
});
