import { describe, expect, it } from 'vitest';
import { loadSloFile } from './slo-file.js';
import { expectDiagnostics, fixture } from './test-support/diagnostics.js';
import type { Expected } from './test-support/diagnostics.js';
import { formatDiagnostic } from './diagnostics.js';
import { locate } from './yaml-nodes.js';
import { parseYamlSource } from './yaml-source.js';

const yamlFixture = (name: string) => fixture('yaml', name);

describe('YAML files that are not usable configuration (loaded as SLO files)', () => {
  it.each<[string, Expected[]]>([
    ['empty.yaml', [['error', '', '', 'the file is empty']]],
    ['only-comments.yaml', [['error', '', '', 'the file holds only comments, no settings']]],
    ['syntax-error.yaml', [['error', '5:1', '', 'YAML syntax error: Flow sequence in block collection']]],
    ['tabs.yaml', [['error', '2:1', '', 'tabs are not allowed for indentation', 'indent with spaces']]],
    ['duplicate-key.yaml', [['error', '5:5', '', 'the key "sli" appears twice in this mapping']]],
    [
      'custom-tags.yaml',
      [
        ['error', '2:15', '', 'YAML tag !Ref is not supported', 'plain YAML'],
        ['error', '4:34', '', 'YAML tag !!js/function is not supported'],
        ['error', '6:18', '', 'YAML tag !!binary is not supported'],
      ],
    ],
    [
      'alias-bomb.yaml',
      [['error', '2:1', '', 'aliases expand to too many nodes (more than 100 alias uses)']],
    ],
    ['undefined-alias.yaml', [['error', '3:11', '', 'alias *strict refers to no anchor', 'define &strict']]],
    ['self-alias.yaml', [['error', '3:11', '', 'alias *o refers to the node that contains it']]],
    [
      'multi-doc.yaml',
      [
        [
          'error',
          '7:1',
          '',
          'the file holds 2 YAML documents; a configuration file holds exactly one',
          'line 7',
        ],
      ],
    ],
    ['top-level-list.yaml', [['error', '1:1', '', 'must be a mapping of keys to values, but it is a list']]],
    ['top-level-scalar.yaml', [['error', '1:1', '', 'must be a mapping of keys to values, but it is text']]],
    ['collection-key.yaml', [['error', '1:3', '', 'a mapping key must be text, not a list or mapping']]],
  ])('%s', async (name, expected) => {
    const result = await loadSloFile(yamlFixture(name));
    expect(result.slo).toBeUndefined();
    expectDiagnostics(result.diagnostics, expected);
  });

  it('expands the alias bomb in bounded time', async () => {
    const started = performance.now();
    await loadSloFile(yamlFixture('alias-bomb.yaml'));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts a trailing --- (an empty last document)', async () => {
    const result = await loadSloFile(yamlFixture('trailing-separator.yaml'));
    expect(result.diagnostics).toEqual([]);
    expect(result.slo?.objectives).toHaveLength(1);
  });
});

describe('YAML indentation errors name the indentation and show the line', () => {
  const errorOf = (text: string) => {
    const list = parseYamlSource('slo.yaml', text).diagnostics.list;
    expect(list).toHaveLength(1);
    return list[0]!;
  };

  it.each([
    [
      'a mapping key less indented than its siblings',
      'total_score:\n  pass: "90%"\n warning: "75%"\n',
      {
        line: 3,
        column: 2,
        message: 'YAML indentation error: all mapping items must start at the same column',
      },
      '   3 |  warning: "75%"\n     |  ^',
    ],
    [
      'a list item less indented than the one above',
      'objectives:\n  - sli: a\n   - sli: b\n',
      {
        line: 3,
        column: 4,
        message: 'YAML indentation error: all sequence items must start at the same column',
      },
      '   3 |    - sli: b\n     |    ^',
    ],
    [
      'a key indented deeper than the key above it',
      'objectives:\n  - sli: a\n     pass: []\n',
      {
        line: 3,
        column: 6,
        message:
          'YAML indentation error: this key is indented deeper than the key above it, as if inside its value',
      },
      '   3 |      pass: []\n     |      ^',
    ],
  ])('%s', (_, text, expected, excerpt) => {
    const d = errorOf(text);
    expect(d).toMatchObject({ severity: 'error', ...expected, excerpt });
    expect(d.hint).toMatch(/indent/);
    expect(formatDiagnostic(d)).toBe(
      `slo.yaml:${expected.line}:${expected.column}: ${expected.message} (${d.hint})\n${excerpt}`,
    );
  });

  it('shows a tab as a visible character, and a control character not at all', () => {
    const d = errorOf('objectives:\n\t- sli: a\u001b[2J\n');
    expect(d.message).toBe('YAML syntax error: tabs are not allowed for indentation');
    expect(d.excerpt).toBe('   2 | \u2192- sli: a\uFFFD[2J\n     | ^');
  });
});

describe('parseYamlSource', () => {
  it('refuses brackets nested too deeply before the parser sees them (it would exhaust memory)', () => {
    const started = performance.now();
    const { diagnostics } = parseYamlSource('deep.yaml', `a: ${'['.repeat(5_000_000)}`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(diagnostics.list[0]?.message).toBe('brackets are nested more than 100 levels deep');
  });

  it('refuses blocks indented too deeply, without a crash', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`);
    const { diagnostics } = parseYamlSource('deep.yaml', `${lines.join('\n')} x\n`);
    expect(diagnostics.list[0]?.message).toBe('a line is indented by more than 400 spaces');
  });

  it('reads blocks nested as deeply as the indentation limit allows', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`);
    const { diagnostics, source } = parseYamlSource('deep.yaml', `${lines.join('\n')} x\n`);
    expect(diagnostics.list).toEqual([]);
    expect(source).toBeDefined();
  });

  it('refuses a file with too many lines for the parser to handle quickly', () => {
    const { diagnostics } = parseYamlSource('long.yaml', '- 1\n'.repeat(60_000));
    expect(diagnostics.list[0]?.message).toBe(
      'the file has 60000 lines and list items, more than the 50000 a configuration file may have',
    );
  });

  it('reports at most 20 syntax errors, then how many more', () => {
    const { diagnostics } = parseYamlSource('bad.yaml', ': : :\n'.repeat(200));
    expect(diagnostics.list.length).toBe(21);
    expect(diagnostics.list[20]?.message).toMatch(/^and \d+ more YAML syntax errors$/);
  });

  it('keeps line and column right with CRLF line endings and a leading ---', () => {
    const { source } = parseYamlSource('crlf.yaml', '---\r\na: 1\r\nb:\r\n  c: [x, y]\r\n');
    expect(source).toBeDefined();
    if (source === undefined) return;
    expect(locate(source, ['b', 'c', 1])).toEqual({ line: 4, column: 10 });
    expect(locate(source, ['b'], 'key')).toEqual({ line: 3, column: 1 });
  });

  it('follows anchors, aliases and merge keys, as Go yaml.v3 did', () => {
    const { source } = parseYamlSource('a.yaml', 'x: &x {a: 1, b: 2}\ny:\n  <<: *x\n  b: 3\n');
    expect(source?.data).toEqual({ x: { a: 1, b: 2 }, y: { a: 1, b: 3 } });
    if (source === undefined) return;
    expect(locate(source, ['y', 'a'])).toEqual({ line: 1, column: 11 });
    expect(locate(source, ['y', 'b'])).toEqual({ line: 4, column: 6 });
  });

  it('allows an empty file when asked to (ci-connect.yaml: every key optional)', () => {
    const result = parseYamlSource('ci-connect.yaml', '# nothing yet\n', { allowEmpty: true });
    expect(result.empty).toBe(true);
    expect(result.diagnostics.list).toEqual([]);
  });

  it('honours a lower alias limit', () => {
    const text = 'a: &a 1\nb: [*a, *a, *a]\n';
    expect(parseYamlSource('a.yaml', text).diagnostics.list).toEqual([]);
    expect(parseYamlSource('a.yaml', text, { maxAliasCount: 2 }).diagnostics.list[0]?.message).toContain(
      'aliases expand to too many nodes',
    );
  });
});
