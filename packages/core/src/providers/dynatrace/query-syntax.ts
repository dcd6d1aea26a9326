/** What every Dynatrace SLI query parser shares: the Metrics API v2 parameters and the syntax error. */

/** Metrics API v2 query parameters an SLI may set; `from`, `to` come from the evaluation window. */
export interface MetricsParams {
  metricSelector: string;
  entitySelector?: string;
  resolution?: string;
  mzSelector?: string;
}

/**
 * A query that cannot be read; `hint` says how to write it. `failsSliOnly`: Keptn failed only that
 * SLI (and ran the others), so ci-connect does too, and `validate` warns instead of refusing.
 */
export class DynatraceQuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly failsSliOnly = false,
  ) {
    super(message);
    this.name = 'DynatraceQuerySyntaxError';
  }
}
