// The docs' CI examples run the CLI as a cold job would. There `npx ci-connect` (no version) is not
// "the project's ci-connect": with none installed, npx fetches whatever release is newest, and only
// in CI or without a terminal does it do so without asking (docs/install.md: pin the version).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './support/real-components.js';

const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as {
  version: string;
};

function markdownFiles(): string[] {
  const docs = readdirSync(path.join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join('docs', name));
  return ['README.md', 'packages/cli/README.md', ...docs];
}

/** Fenced code blocks of a Markdown file, each with the line it starts on. */
function codeBlocks(text: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = text.split('\n');
  let start: number | undefined;
  lines.forEach((line, index) => {
    if (!/^\s*```/.test(line)) return;
    if (start === undefined) start = index;
    else {
      blocks.push({ line: start + 1, code: lines.slice(start + 1, index).join('\n') });
      start = undefined;
    }
  });
  return blocks;
}

it('runs the CLI with npx only at a pinned version, and --yes, unless the block installs it first', () => {
  const unpinned: string[] = [];
  for (const file of markdownFiles()) {
    for (const block of codeBlocks(readFileSync(path.join(repoRoot, file), 'utf8'))) {
      if (block.code.includes(`npm install --save-dev ci-connect@${version}`)) continue;
      for (const match of block.code.matchAll(/npx\b[^\n'"]*?\bci-connect\b\S*/g)) {
        if (!match[0].startsWith(`npx --yes ci-connect@${version}`))
          unpinned.push(`${file}:${block.line}: ${match[0]}`);
      }
    }
  }
  expect(unpinned).toEqual([]);
});
