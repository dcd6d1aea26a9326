/**
 * Reduces a User sessions API answer (`GET /api/v1/userSessionQueryLanguage/table`, a
 * `DtaqlResultAsTable`: `columnNames`, `values` rows) to one number, as keptn-contrib/
 * dynatrace-service did for `USQL;` SLIs: SINGLE_VALUE takes the only cell; COLUMN_CHART,
 * LINE_CHART and PIE_CHART the second column, TABLE the last column, of the first row whose first
 * column is the dimension.
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/rum/user-sessions/get-usql-table
 */

import type { UsqlQuery } from './legacy-query.js';

/** A value, or why there is none: `no-data` when the window had no matching sessions. */
export type UsqlReduction =
  | { kind: 'value'; value: number }
  | { kind: 'no-data'; message: string }
  | { kind: 'error'; message: string };

/** Reduces a parsed answer for `query`. */
export function reduceUsqlTable(body: unknown, query: UsqlQuery): UsqlReduction {
  const table = body as { columnNames?: unknown; values?: unknown } | null;
  if (
    typeof table !== 'object' ||
    table === null ||
    !Array.isArray(table.columnNames) ||
    !Array.isArray(table.values)
  )
    return { kind: 'error', message: 'the answer is not a USQL table (no "columnNames" and "values")' };
  const columns = table.columnNames.length;
  const rows = table.values.filter((row): row is unknown[] => Array.isArray(row));
  if (query.resultType === 'SINGLE_VALUE') {
    if (rows.length === 0) return { kind: 'no-data', message: 'returned no rows' };
    if (columns !== 1 || rows.length !== 1)
      return {
        kind: 'error',
        message: `returned ${rows.length} rows of ${columns} columns; a SINGLE_VALUE query must return one cell`,
      };
    return numberOf(rows[0]?.[0]);
  }
  if (columns < 2)
    return { kind: 'error', message: `a ${query.resultType} query must return at least two columns` };
  for (const row of rows) {
    const name = row[0];
    if (typeof name !== 'string')
      return { kind: 'error', message: 'the first column (the dimension name) must be text' };
    if (name === query.dimension) return numberOf(query.resultType === 'TABLE' ? row.at(-1) : row[1]);
  }
  return { kind: 'no-data', message: `has no row for the dimension "${query.dimension}"` };
}

function numberOf(cell: unknown): UsqlReduction {
  if (cell === null || cell === undefined) return { kind: 'no-data', message: 'returned null as value' };
  if (typeof cell !== 'number' || !Number.isFinite(cell))
    return { kind: 'error', message: `the value ${JSON.stringify(cell)} is not a number` };
  return { kind: 'value', value: cell };
}
