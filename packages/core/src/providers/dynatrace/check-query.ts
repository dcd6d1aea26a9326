/**
 * `validate`'s (and every gate's) check of one `sli/dynatrace.yaml` query: an error for a query
 * that cannot run; a warning for one that runs as Keptn ran it but is better written otherwise
 * (a legacy metrics query), or that fails only its own SLI, as in Keptn (an unknown `MV2;` unit).
 */

import type { QueryChecker } from '../../config/sli-file.js';
import { DynatraceQuerySyntaxError, parseDynatraceQuery } from './dynatrace-query.js';

/** The registry's `checkQuery` for Dynatrace queries. */
export const checkDynatraceQuery: QueryChecker = (query) => {
  try {
    const parsed = parseDynatraceQuery(query);
    if (parsed.kind === 'metrics' && parsed.legacy !== undefined)
      return {
        severity: 'warning',
        message: "a legacy metrics query (no metricSelector=): it runs as Keptn's dynatrace-service ran it",
        hint: `write it in the current form: ${parsed.legacy}`,
      };
    return undefined;
  } catch (error) {
    if (!(error instanceof DynatraceQuerySyntaxError)) throw error;
    if (error.failsSliOnly)
      return {
        severity: 'warning',
        message: `${error.message}: this SLI fails with a parse error (as in Keptn); the others are evaluated`,
        hint: error.hint,
      };
    return { message: error.message, hint: error.hint };
  }
};
