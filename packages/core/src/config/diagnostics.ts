/**
 * A problem found in a configuration file, with where it is and how to fix it.
 * Formatted as `slo.yaml:12:9 objectives[2].pass[0].criteria[0]: "x" is not a criterion (hint)`.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** The file as the user named it (relative paths stay relative). */
  file: string;
  /** 1-based; absent when the problem is about the whole file. */
  line?: number;
  column?: number;
  /** Path inside the document, e.g. `objectives[2].pass[0].criteria[0]`; empty for the root. */
  path: string;
  message: string;
  hint?: string;
  /** The line of the file with a caret under the column, as compilers show it (YAML indentation errors). */
  excerpt?: string;
}

/** Renders a document path such as ['objectives', 2, 'pass'] as `objectives[2].pass`. */
export function formatDocumentPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * One line per diagnostic, the way compilers print them, so editors and CI logs link them; an
 * excerpt of the file, when there is one, follows on lines of its own.
 * The severity is not part of the text: callers tag the line (`validate` with `error `/`warning `,
 * the evaluate logger with `warning:`), so the level never appears twice.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const path = d.path === '' ? '' : ` ${d.path}`;
  const hint = d.hint === undefined ? '' : ` (${d.hint})`;
  const excerpt = d.excerpt === undefined ? '' : `\n${d.excerpt}`;
  return `${where}${path}: ${d.message}${hint}${excerpt}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
