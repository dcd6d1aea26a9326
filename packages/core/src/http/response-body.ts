/**
 * Response bodies and headers in the shape the providers want: lower-case string headers, and
 * JSON parsed when it parses (a malformed body or an HTML error page stays text).
 */

/** Flattens axios headers to lower-case names and string values (arrays joined with ", "). */
export function toHeaderRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    const parts: unknown[] = Array.isArray(value) ? value : [value];
    out[name.toLowerCase()] = parts
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join(', ');
  }
  return out;
}

/** Parses JSON when the body claims or looks like JSON and is valid; otherwise returns the text. */
export function parseBody(text: string, headers: Readonly<Record<string, string>>): unknown {
  const looksJson = (headers['content-type'] ?? '').includes('json') || /^\s*[[{]/.test(text);
  if (!looksJson || text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
