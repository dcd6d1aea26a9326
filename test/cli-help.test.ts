// Help as a user asks for it: `--help` of the CLI, of each topic and of each command, and
// `ci-connect help [topic or command]`, the way git and npm take it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as {
  oclif: { topics: Record<string, { description: string }> };
};
const topics = Object.keys(manifest.oclif.topics);

/** The first words of a description, as oclif's help wraps it at the terminal's width. */
function start(description: string): string {
  return description.split(' ').slice(0, 4).join(' ');
}

describe('help', () => {
  it('lists every topic with its own description', async () => {
    const run = await runCli(['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    const listed = run.stdout.slice(run.stdout.indexOf('TOPICS'), run.stdout.indexOf('COMMANDS'));
    for (const topic of topics) {
      expect(listed).toMatch(
        new RegExp(`^  ${topic} +${start(manifest.oclif.topics[topic]!.description)}`, 'm'),
      );
    }
  });

  it.each(topics)('describes the %s topic and its commands', async (topic) => {
    const run = await runCli([topic, '--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.startsWith(manifest.oclif.topics[topic]!.description)).toBe(true);
    expect(run.stdout).toContain(`$ ci-connect ${topic} COMMAND`);
  });

  it.each([
    [['help'], ['--help']],
    [
      ['help', 'generate'],
      ['generate', '--help'],
    ],
    [
      ['help', 'history', 'list'],
      ['history', 'list', '--help'],
    ],
    [
      ['help', 'evaluate'],
      ['evaluate', '--help'],
    ],
  ])('answers `ci-connect %j` as `ci-connect %j`', async (asked, same) => {
    const [help, flag] = await Promise.all([runCli(asked), runCli(same)]);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toBe(flag.stdout);
  });
});
