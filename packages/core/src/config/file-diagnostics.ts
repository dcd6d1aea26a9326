import { formatDocumentPath } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { locate } from './yaml-nodes.js';
import type { DocPath, Position, YamlSource } from './yaml-nodes.js';

/** Collects the diagnostics of one file, placing each at the line and column of its path. */
export class FileDiagnostics {
  readonly list: Diagnostic[] = [];
  source: YamlSource | undefined;

  constructor(readonly file: string) {}

  error(path: DocPath, message: string, hint?: string, at: 'value' | 'key' = 'value'): void {
    this.add('error', path, message, hint, at);
  }

  warning(path: DocPath, message: string, hint?: string, at: 'value' | 'key' = 'value'): void {
    this.add('warning', path, message, hint, at);
  }

  add(
    severity: Diagnostic['severity'],
    path: DocPath,
    message: string,
    hint?: string,
    at: 'value' | 'key' = 'value',
  ): void {
    const position = this.source === undefined ? undefined : locate(this.source, path, at);
    this.list.push(makeDiagnostic(severity, this.file, path, message, hint, position));
  }

  /** Adds a diagnostic placed at a node already in hand (no path lookup: cheap for long maps). */
  addAt(
    node: { range?: readonly number[] | null } | null | undefined,
    severity: Diagnostic['severity'],
    path: DocPath,
    message: string,
    hint?: string,
  ): void {
    const offset = node?.range?.[0];
    const pos =
      offset === undefined || this.source === undefined ? undefined : this.source.lineCounter.linePos(offset);
    this.list.push(
      makeDiagnostic(severity, this.file, path, message, hint, pos && { line: pos.line, column: pos.col }),
    );
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** A diagnostic with its fields in the order and shape formatDiagnostic expects. */
export function makeDiagnostic(
  severity: Diagnostic['severity'],
  file: string,
  path: DocPath,
  message: string,
  hint?: string,
  position?: Position,
): Diagnostic {
  return {
    severity,
    file,
    ...(position === undefined ? {} : { line: position.line, column: position.column }),
    path: formatDocumentPath(path),
    message,
    ...(hint === undefined ? {} : { hint }),
  };
}

/** Sorts by file, then position (problems about the whole file first), errors before warnings. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
