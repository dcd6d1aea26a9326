/**
 * The public API of @ci-connect/core, locked like the CLI's command surface: a change to what
 * front ends and library users can import shows up here, on purpose or not. index.ts names each
 * export, in groups that each start with a one-line comment; the snapshot lists every name (values
 * and types) by group, and the run-time exports are checked against it.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

interface ExportGroup {
  /** The group's one-line comment. */
  group: string;
  values: string[];
  types: string[];
  /** The modules the group's names come from. */
  modules: string[];
}

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

/** index.ts's export statements, by the comment line that starts each group. */
function readExportGroups(): { groups: ExportGroup[]; others: string[] } {
  const text = readFileSync(INDEX, 'utf8');
  const source = ts.createSourceFile(INDEX, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const groups: ExportGroup[] = [];
  const others: string[] = [];
  for (const statement of source.statements) {
    const named = namedExportOf(statement);
    const comment = (ts.getLeadingCommentRanges(text, statement.pos) ?? [])
      .map((range) => text.slice(range.pos, range.end))
      .filter((line) => line.startsWith('// '))
      .at(-1);
    if (named !== undefined && comment !== undefined)
      groups.push({ group: comment.slice(3), values: [], types: [], modules: [] });
    const current = groups.at(-1);
    if (named === undefined || current === undefined) {
      others.push(statement.getText(source));
      continue;
    }
    current.modules.push(named.module);
    for (const element of named.elements) {
      const list = named.typeOnly || element.isTypeOnly ? current.types : current.values;
      list.push(element.name.text);
    }
  }
  for (const group of groups) {
    group.values.sort();
    group.types.sort();
    group.modules = [...new Set(group.modules)].sort();
  }
  return { groups, others };
}

/** `export { a, type B } from './module.js'`, taken apart; undefined for any other statement. */
function namedExportOf(
  statement: ts.Statement,
): { module: string; typeOnly: boolean; elements: readonly ts.ExportSpecifier[] } | undefined {
  if (!ts.isExportDeclaration(statement)) return undefined;
  const { exportClause, moduleSpecifier } = statement;
  if (exportClause === undefined || !ts.isNamedExports(exportClause)) return undefined;
  if (moduleSpecifier === undefined || !ts.isStringLiteral(moduleSpecifier)) return undefined;
  return { module: moduleSpecifier.text, typeOnly: statement.isTypeOnly, elements: exportClause.elements };
}

describe('the public API', () => {
  const { groups, others } = readExportGroups();

  it('names each export, in commented groups: no `export *`, nothing declared in index.ts', () => {
    expect(others).toEqual([]);
    expect(groups.length).toBeGreaterThan(5);
  });

  it('exports exactly these names, by group', () => {
    expect(groups.map(({ group, values, types }) => ({ group, values, types }))).toMatchSnapshot();
  });

  it('exports at run time exactly the values index.ts names, each once', () => {
    const values = groups.flatMap((group) => group.values).sort();
    const types = groups.flatMap((group) => group.types);
    expect(Object.keys(api).sort()).toEqual(values);
    expect(new Set([...values, ...types]).size).toBe(values.length + types.length);
  });

  it('exports no test helper', () => {
    const modules = groups.flatMap((group) => group.modules);
    expect(modules.filter((module) => module.includes('test-support'))).toEqual([]);
    expect(Object.keys(api)).not.toContain('createMemoryLogger');
  });

  it('exports the application layer every front end calls', () => {
    for (const name of [
      'evaluate',
      'triggerDeployment',
      'promoteRelease',
      'validate',
      'doctor',
      'sendEvent',
      'report',
    ])
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
  });
});
