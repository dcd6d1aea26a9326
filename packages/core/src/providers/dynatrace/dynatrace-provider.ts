/**
 * The `dynatrace` SLI provider: the queries of `sli/dynatrace.yaml` (keptn-contrib/dynatrace-service
 * syntax, plus `DQL;`) run against the Metrics, SLO and Problems API v2 and Grail, a bounded
 * number at a time, after the evaluation window's data has had time to settle.
 */

import { dynatraceEnvNames, type DynatraceSettings } from './dynatrace-settings.js';
import type { Clock, Logger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import type { SliValue } from '../../gate/types.js';
import { createHttpClient } from '../../http/http-client.js';
import { readCaFile } from '../../http/https-agent.js';
import type { HttpClient } from '../../http/http-client.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { IndicatorDefinition, SliContext, SliProvider } from '../provider.js';
import { mapBounded } from '../bounded-map.js';
import { DYNATRACE_DEFAULT_INDICATORS } from './default-queries.js';
import { DynatraceApi, resolveEndpoint } from './dynatrace-api.js';
import { requirePlatform, resolveRoutes } from './environment-urls.js';
import type { DynatraceQuery } from './dynatrace-query.js';
import { DynatraceQuerySyntaxError, parseDynatraceQuery, substituteQuery } from './dynatrace-query.js';

/** Defaults: dynatrace-service waits 2 minutes after the window too, 6 before USQL queries. */
const DEFAULT_SETTLE_SECONDS = 120;
const USQL_SETTLE_SECONDS = 360;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** A query of the file, or the parse error Keptn failed only its SLI for (an unknown MV2 unit). */
type PlannedQuery = DynatraceQuery | { kind: 'invalid'; message: string; hint: string };

export interface DynatraceProviderOptions {
  /** The indicators of `sli/dynatrace.yaml`; without one, Keptn's built-in defaults. */
  sliFile?: { file: string; indicators: Readonly<Record<string, string>> };
  settings?: DynatraceSettings;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  clock: Clock;
  logger: Logger;
  /** Overrides settings.settleSeconds (the CLI's --settle, tests). */
  settleSeconds?: number;
  /** Waits (settle time and the HTTP client's retry backoff); injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Extra attempts on 429/502/503/504 and network errors. */
  retries?: number;
  /** A ready client (tests); by default one is made from the settings. */
  http?: HttpClient;
  /** A CA certificate file to trust besides Node's (`--ca-file`). */
  caFile?: string;
}

/** SLI values from Dynatrace. */
export class DynatraceProvider implements SliProvider {
  readonly name = 'dynatrace';
  readonly indicators: readonly IndicatorDefinition[];

  constructor(private readonly options: DynatraceProviderOptions) {
    const file = options.sliFile;
    // As dynatrace-service: its defaults only when there is no SLI file at all, so a typo in a
    // file's indicator name fails instead of falling back to a default. They rank below other
    // providers' built-ins (`fallback`): DT_URL is also set by projects that only send events.
    this.indicators = Object.entries(file?.indicators ?? DYNATRACE_DEFAULT_INDICATORS).map(
      ([name, query]): IndicatorDefinition =>
        file === undefined
          ? { name, query, origin: 'fallback' }
          : { name, query, origin: 'file', file: file.file },
    );
    // Registered before any request or message, so nothing can print it.
    const { tokenEnv } = dynatraceEnvNames(options.settings);
    options.redactor.add(options.env[tokenEnv], options.env[tokenEnv]?.trim());
  }

  /**
   * Throws the ConfigError fetch would at once: an environment URL or token that is not set, and
   * for DQL SLIs an environment or token that cannot run DQL (a Managed URL, a classic token), a
   * --ca-file it cannot read.
   */
  checkConfigured(names: readonly string[]): void {
    const endpoint = resolveEndpoint(this.options.settings, this.options.env);
    readCaFile(this.options.caFile, this.options.redactor);
    const dql = names.some((name) => {
      const query = this.indicators.find((i) => i.name === name)?.query;
      try {
        return query !== undefined && parseDynatraceQuery(query).kind === 'dql';
      } catch (error) {
        if (error instanceof DynatraceQuerySyntaxError) return false; // fetch says so, per SLI
        throw error;
      }
    });
    if (dql) requirePlatform(resolveRoutes(endpoint.url, endpoint.token), endpoint.token, endpoint.tokenEnv);
  }

  /** Values for the named indicators, in order; throws ConfigError for a bad setup, query or token. */
  async fetch(names: readonly string[], context: SliContext): Promise<SliValue[]> {
    const { settings, env, redactor, logger, clock } = this.options;
    const endpoint = resolveEndpoint(settings, env);
    const queries = names.map((name) => this.queryOf(name, context));
    const api = new DynatraceApi({
      endpoint,
      http: this.options.http ?? this.createHttp(),
      redactor,
      logger,
      timeoutMs: this.timeoutMs(),
      now: () => clock.now().getTime(),
      sleep: (ms) => this.sleep(ms),
    });
    // Before the settle wait, so a setup that cannot run DQL fails at once.
    if (queries.some((query) => query?.kind === 'dql')) api.checkDqlPossible();
    // Nothing to wait for when no SLI will be asked (e.g. every query failed to parse, as in Keptn).
    if (queries.some((query) => query !== undefined && query.kind !== 'invalid'))
      await this.settle(
        context.window.end,
        queries.some((query) => query?.kind === 'usql'),
      );
    const concurrency = Math.max(1, Math.floor(settings?.concurrency ?? DEFAULT_CONCURRENCY));
    return mapBounded(names, concurrency, async (sli, index): Promise<SliValue> => {
      const query = queries[index];
      if (query === undefined) {
        const message = `sli/dynatrace.yaml has no indicator ${JSON.stringify(sli)}`;
        return { sli, provider: this.name, value: null, failure: 'error', message };
      }
      const where = `${this.options.sliFile?.file ?? 'dynatrace (built-in)'}: indicator ${sli}`;
      if (query.kind === 'invalid') {
        const { message, hint } = query;
        return {
          sli,
          provider: this.name,
          value: null,
          failure: 'error',
          message: `${where}: ${message}`,
          hint,
        };
      }
      return { sli, provider: this.name, ...(await api.query(query, context.window, where)) };
    });
  }

  private queryOf(name: string, context: SliContext): PlannedQuery | undefined {
    const indicator = this.indicators.find((i) => i.name === name);
    if (indicator === undefined) return undefined;
    let parsed: DynatraceQuery;
    try {
      parsed = parseDynatraceQuery(indicator.query);
    } catch (error) {
      if (!(error instanceof DynatraceQuerySyntaxError)) throw error;
      if (error.failsSliOnly) return { kind: 'invalid', message: error.message, hint: error.hint };
      const where = indicator.file ?? 'dynatrace (built-in)';
      throw new ConfigError(`${where}: indicator ${name}: ${error.message}`, { hint: error.hint });
    }
    return substituteQuery(parsed, { ...context, env: this.options.env });
  }

  /** Dynatrace data lags: wait until window end + settle time before the first query. */
  private async settle(end: Date, usql: boolean): Promise<void> {
    const chosen = this.options.settleSeconds ?? this.options.settings?.settleSeconds;
    const seconds = chosen ?? (usql ? USQL_SETTLE_SECONDS : DEFAULT_SETTLE_SECONDS);
    const waitMs = end.getTime() + seconds * 1000 - this.options.clock.now().getTime();
    if (waitMs <= 0) return;
    // The USQL default is longer than any configured wait: say why, or it looks like a hang.
    const why =
      chosen === undefined && usql ? ', the default with a USQL; SLI (user-session data arrives later)' : '';
    this.options.logger.info(
      `dynatrace: waiting ${Math.ceil(waitMs / 1000)} s for data to settle ` +
        `(${seconds} s after the window's end at ${end.toISOString()}${why}; ` +
        'change with providers.dynatrace.settleSeconds or --settle)',
    );
    await this.sleep(waitMs);
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? ((t) => new Promise<void>((resolve) => setTimeout(resolve, t))))(ms);
  }

  private timeoutMs(): number {
    return (this.options.settings?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  private createHttp(): HttpClient {
    const { logger, redactor } = this.options;
    return createHttpClient({
      timeoutMs: this.timeoutMs(),
      retries: this.options.retries ?? 3,
      logger,
      redactor,
      userAgent: 'ci-connect',
      ...(this.options.sleep === undefined ? {} : { sleep: this.options.sleep }),
      ...(this.options.caFile === undefined ? {} : { caFile: this.options.caFile }),
    });
  }
}
