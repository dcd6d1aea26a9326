// Every relative link in the Markdown docs resolves: the file exists, and a `#fragment` names a
// heading of that file (GitHub's anchor rules: lower case, punctuation dropped, spaces to `-`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './support/real-components.js';

function markdownFiles(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md') && !name.split(path.sep).includes('node_modules'))
      .map((name) => path.join(dir, name));
  return ['README.md', ...under('docs'), ...under('packages').filter((file) => !file.includes('/dist/'))];
}

/** The text outside fenced code blocks and inline code. */
function prose(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line.replace(/`[^`]*`/g, '');
    })
    .join('\n');
}

/** Headings keep their inline code for anchors: read them from the raw text. */
function headingAnchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (heading === null) continue;
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

it('resolves every relative link of the docs, fragments included', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const absolute = path.join(repoRoot, file);
    const text = prose(readFileSync(absolute, 'utf8'));
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [where, fragment] = target.split('#', 2) as [string, string | undefined];
      const resolved = where === '' ? absolute : path.resolve(path.dirname(absolute), decodeURI(where));
      const line = text.slice(0, match.index).split('\n').length;
      if (!existsSync(resolved)) {
        broken.push(`${file}:${line}: ${target} (no such file)`);
        continue;
      }
      if (fragment === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) continue;
      if (!headingAnchors(resolved).has(fragment))
        broken.push(`${file}:${line}: ${target} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});
