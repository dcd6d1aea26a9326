/**
 * One `DQL;` SLI: runs the query (grail-query.ts), reads its number (dql-result.ts) and says what
 * went wrong in the words of DESIGN.md section 4. A query Grail rejects (400, 404) or a token it
 * refuses (401, 403) is a ConfigError, exit 2: rerunning the gate cannot help. A FAILED query,
 * or a JSON answer of the wrong shape, fails its SLI; a cancelled, expired or timed-out one,
 * 429/5xx after retries, or a 2xx that is not JSON at all (a login page), is 'unavailable'.
 */

import type { Logger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { HttpClient } from '../../http/http-client.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { TimeWindow } from '../provider.js';
import type { QueryOutcome } from './query-outcome.js';
import { describeGrailError, missingScopesOf, notificationsOf, reduceDqlResult } from './dql-result.js';
import { runGrailQuery } from './grail-query.js';
import type { GrailOutcome } from './grail-query.js';

/** What a DQL SLI needs besides its query. */
export interface DqlContext {
  http: HttpClient;
  redactor: Redactor;
  logger: Logger;
  platformUrl: string;
  authorization: string;
  /** The env var holding the token, for hints. */
  tokenEnv: string;
  timeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const SCOPES_HINT =
  'storage:buckets:read and storage:<table>:read for each table the query reads ' +
  '(storage:metrics:read for timeseries, storage:logs:read, storage:spans:read, storage:events:read, ...)';

/** The value of one DQL query over the window; `where` names the indicator for messages. */
export async function fetchDqlValue(
  query: string,
  window: TimeWindow,
  where: string,
  context: DqlContext,
): Promise<QueryOutcome> {
  const described = `${where}: DQL query "${abbreviate(query, context.redactor)}"`;
  const outcome = await runGrailQuery(query, window, context);
  const failed = (failure: 'no-data' | 'error' | 'unavailable', message: string): QueryOutcome => ({
    value: null,
    failure,
    message: context.redactor.redact(`${described} ${message}`),
  });
  switch (outcome.kind) {
    case 'succeeded': {
      const reduction = reduceDqlResult(outcome.result);
      return reduction.kind === 'value'
        ? { value: reduction.value }
        : failed(reduction.kind, reduction.message);
    }
    case 'failed':
      return outcome.state === 'FAILED'
        ? failed('error', `failed in Grail${reasonOf(outcome.body, context.redactor)}`)
        : failed(
            'unavailable',
            `ended in the state ${outcome.state}${reasonOf(outcome.body, context.redactor)}`,
          );
    case 'malformed':
      return failed('error', outcome.message);
    case 'timed-out':
      return failed(
        'unavailable',
        `did not finish within ${Math.round(context.timeoutMs / 1000)} s and was cancelled ` +
          '(allow more with providers.dynatrace.timeoutSeconds, or narrow the query)',
      );
    case 'refused':
      return refused(outcome, described, context);
  }
}

function refused(
  outcome: Extract<GrailOutcome, { kind: 'refused' }>,
  described: string,
  context: DqlContext,
): QueryOutcome {
  const { redactor } = context;
  const said = describeGrailError(outcome.body, redactor);
  const what = `${described} was refused by Grail with HTTP ${outcome.status}${said === '' ? '' : `: ${said}`}`;
  if (outcome.status === 401 || outcome.status === 403) {
    const missing = missingScopesOf(outcome.body);
    const hint =
      outcome.status === 401
        ? `the token is missing, invalid or expired: ${context.tokenEnv} must hold a platform token (dt0s16.) or an OAuth access token`
        : `give the token the scopes ${missing.length > 0 ? missing.join(', ') : SCOPES_HINT}`;
    throw new ConfigError(redactor.redact(what), { hint: redactor.redact(hint) });
  }
  if (outcome.call === 'execute')
    throw new ConfigError(redactor.redact(what), {
      hint:
        outcome.status === 404
          ? `check that ${context.platformUrl} is a Dynatrace platform environment (https://<env>.apps.dynatrace.com)`
          : 'fix the query in the SLI file; try it in a Dynatrace notebook first',
    });
  // A poll refused: the request token expired or the result is gone; a new run may succeed.
  return { value: null, failure: 'unavailable', message: redactor.redact(what) };
}

function reasonOf(body: unknown, redactor: Redactor): string {
  const said = describeGrailError(body, redactor);
  const result =
    typeof body === 'object' && body !== null ? (body as { result?: unknown }).result : undefined;
  const notes = notificationsOf(result);
  return `${said === '' ? '' : `: ${said}`}${notes}`;
}

/** One line, at most 200 characters: queries span lines and can be long ($ENV secrets redacted first). */
function abbreviate(query: string, redactor: Redactor): string {
  return redactor.clip(query.replace(/\s+/g, ' ').trim(), 199);
}
