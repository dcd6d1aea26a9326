import { describe, expect, it } from 'vitest';
import { elementLines, readImportItems } from './import-input.js';
import { findJsonErrorOffset } from './json-error-offset.js';

const at = (text: string) => {
  const { items, diagnostics } = readImportItems(text, 'in.json');
  return { items: items.map((i) => [i.line, i.path, i.value.id]), diagnostics };
};

describe('reading an import file', () => {
  it('reads JSON Lines, one object per line, skipping blank lines', () => {
    expect(at('{"id":"a"}\n\n{"id":"b"}\n')).toEqual({
      items: [
        [1, '', 'a'],
        [3, '', 'b'],
      ],
      diagnostics: [],
    });
  });

  it("reads one line holding a Keptn API page, or an array, as that line's items", () => {
    expect(at('{"events":[{"id":"a"},{"id":"b"}],"pageSize":20}\n[{"id":"c"}]\n').items).toEqual([
      [1, 'events[0]', 'a'],
      [1, 'events[1]', 'b'],
      [2, '[0]', 'c'],
    ]);
  });

  it('reads a pretty-printed document, naming the line each event starts on', () => {
    const page = JSON.stringify(
      { totalCount: 2, events: [{ id: 'a', data: { x: '[{,' } }, { id: 'b' }] },
      null,
      2,
    );
    expect(at(page).items).toEqual([
      [4, 'events[0]', 'a'],
      [10, 'events[1]', 'b'],
    ]);
    expect(at(JSON.stringify([{ id: 'a' }, { id: 'b' }], null, 1)).items).toEqual([
      [2, '[0]', 'a'],
      [5, '[1]', 'b'],
    ]);
    expect(at(`\n\n${JSON.stringify({ id: 'a' }, null, 2)}`).items).toEqual([[3, '', 'a']]);
  });

  it('names the line of each line that is not JSON, or of an object that is not one', () => {
    const { diagnostics } = readImportItems('{"id":"a"}\n{"id":\n42\n[1]\n', 'in.jsonl');
    expect(diagnostics.map((d) => [d.line, d.path, d.message.replace(/\(.*\)/, '(...)')])).toEqual([
      [2, '', 'not a line of JSON (...)'],
      [3, '', 'a number, not an object, a JSON array or {"events": [...]}'],
      [4, '[0]', 'a number, not an object'],
    ]);
  });

  it('names the line of a syntax error in a pretty-printed document', () => {
    const { items, diagnostics } = readImportItems(
      '{\n  "events": [\n    {"id": "a"},,\n  ]\n}\n',
      'in.json',
    );
    expect(items).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        file: 'in.json',
        line: 3,
        message: expect.stringContaining('neither JSON Lines nor one JSON document'),
      },
    ]);
  });

  it('has nothing to import in an empty file', () => {
    expect(readImportItems('\n \n', 'e.jsonl')).toEqual({ items: [], diagnostics: [] });
  });
});

describe('elementLines', () => {
  it('ignores brackets and escaped quotes inside strings, and nested events keys', () => {
    const text = '{"a": "x\\"[", "b": {"events": [1]},\n "events": [\n {"s": "]"},\n 2]}';
    expect(elementLines(text)).toEqual([3, 4]);
  });
});

describe('findJsonErrorOffset', () => {
  it.each([
    ['{"a": [1, 2,, 3]}', 12],
    ['{"a" 1}', 5],
    ['[1, 2', 5],
    ['{"a": tru}', 6],
    ['{"a": "x\ny"}', 6],
    ['[1] [2]', 4],
    ['{"a": [1, {"b": null}], "c": -1.5e3}', -1],
  ])('finds where %j goes wrong: %i', (text, offset) => {
    expect(findJsonErrorOffset(text)).toBe(offset);
  });
});
