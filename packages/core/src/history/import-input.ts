/**
 * What `history import` reads, before anything is imported: JSON Lines (one record or event per
 * line, as `history export` writes them; a line may also hold a JSON array or a Keptn API page),
 * or one JSON document (a page `{"events": [...]}` as Keptn's datastore API returns it, an array,
 * or one object). Each object found is an item with the line it starts on, so every problem can
 * be named as `file:line`.
 */

import type { Diagnostic } from '../config/diagnostics.js';
import { findJsonErrorOffset } from './json-error-offset.js';

/** One object of the input and where it is. */
export interface ImportItem {
  value: Readonly<Record<string, unknown>>;
  /** 1-based line the object starts on. */
  line: number;
  /** Where inside that line's (or the document's) value, e.g. `events[3]`; empty for the value itself. */
  path: string;
}

export interface ImportInput {
  items: ImportItem[];
  /** Problems of the text itself (not JSON, not objects); the items' contents are checked later. */
  diagnostics: Diagnostic[];
}

/** Splits the input's text into items; `file` names it in diagnostics. */
export function readImportItems(text: string, file: string): ImportInput {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const first = body.split('\n').find((line) => line.trim() !== '');
  if (first === undefined) return { items: [], diagnostics: [] };
  return parsesAsJson(first) ? readJsonLines(body, file) : readDocument(body, file);
}

function readJsonLines(text: string, file: string): ImportInput {
  const input: ImportInput = { items: [], diagnostics: [] };
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      input.diagnostics.push(problem(file, index + 1, '', `not a line of JSON (${jsonError(error)})`));
      return;
    }
    collect(value, file, () => index + 1, input);
  });
  return input;
}

function readDocument(text: string, file: string): ImportInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const line = lineOfError(text);
    return {
      items: [],
      diagnostics: [
        problem(file, line, '', `neither JSON Lines nor one JSON document (${jsonError(error)})`),
      ],
    };
  }
  const input: ImportInput = { items: [], diagnostics: [] };
  const lines = elementLines(text);
  const firstLine = lineAt(text, text.search(/\S/));
  collect(value, file, (index) => (index === undefined ? firstLine : (lines[index] ?? firstLine)), input);
  return input;
}

/** The items of one JSON value: a page's events, an array's elements, or the object itself. */
function collect(value: unknown, file: string, lineOf: (index?: number) => number, input: ImportInput): void {
  const page = isObject(value) && Array.isArray(value.events) ? (value.events as unknown[]) : undefined;
  const elements = page ?? (Array.isArray(value) ? value : undefined);
  if (elements === undefined) {
    if (isObject(value)) input.items.push({ value, line: lineOf(), path: '' });
    else
      input.diagnostics.push(
        problem(file, lineOf(), '', `${describe(value)}, not an object, a JSON array or {"events": [...]}`),
      );
    return;
  }
  elements.forEach((element, index) => {
    const path = `${page === undefined ? '' : 'events'}[${index}]`;
    if (isObject(element)) input.items.push({ value: element, line: lineOf(index), path });
    else input.diagnostics.push(problem(file, lineOf(index), path, `${describe(element)}, not an object`));
  });
}

/**
 * The line each element of the document's list starts on: of the root array, or of the root
 * object's `events` array. One pass over valid JSON, tracking strings and nesting.
 */
export function elementLines(text: string): number[] {
  const lines: number[] = [];
  const state = { line: 1, depth: 0, inString: false, escaped: false, key: '', text: '' };
  let listDepth = -1;
  let awaiting = false;
  let rootIsObject = false;
  for (const c of text) {
    if (c === '\n') state.line++;
    if (state.inString) {
      readStringCharacter(c, state);
      continue;
    }
    if (awaiting && c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') {
      awaiting = false;
      if (c !== ']') lines.push(state.line);
    }
    if (c === '"') {
      state.inString = true;
      state.text = '';
    } else if (c === '{' || c === '[') {
      if (state.depth === 0) rootIsObject = c === '{';
      const opensList =
        state.depth === 0
          ? c === '['
          : state.depth === 1 && rootIsObject && c === '[' && state.key === 'events';
      if (opensList && listDepth === -1) [listDepth, awaiting] = [state.depth + 1, true];
      state.depth++;
    } else if (c === '}' || c === ']') state.depth--;
    else if (c === ',' && state.depth === listDepth) awaiting = true;
  }
  return lines;
}

/** Keeps the text of strings at the root object's level only: its keys are what is looked for. */
function readStringCharacter(
  c: string,
  state: { depth: number; inString: boolean; escaped: boolean; key: string; text: string },
): void {
  if (state.escaped) state.escaped = false;
  else if (c === '\\') state.escaped = true;
  else if (c === '"') {
    state.inString = false;
    if (state.depth === 1) state.key = state.text;
  } else if (state.depth === 1 && state.text.length < 16) state.text += c;
}

function problem(file: string, line: number, path: string, message: string): Diagnostic {
  return { severity: 'error', file, line, column: 1, path, message };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function jsonError(error: unknown): string {
  return (error as Error).message.replace(/^JSON\.parse: /, '');
}

/** The line where the text stops being JSON. */
function lineOfError(text: string): number {
  const offset = findJsonErrorOffset(text);
  return lineAt(text, offset < 0 ? 0 : offset);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
