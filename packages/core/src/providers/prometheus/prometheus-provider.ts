/**
 * The `prometheus` SLI provider, compatible with keptn prometheus-service: one instant query per
 * SLI at the window's end, the window baked into the PromQL as `[$DURATION_SECONDS]`.
 * A broken query, an empty answer or an unreachable server is that SLI's failure (a server that
 * answers 200 with a login page instead of JSON counts as unreachable); refused credentials or a
 * missing URL are the configuration's, and abort the fetch (exit 2).
 */
import type { PrometheusSettings } from './prometheus-settings.js';
import type { Logger } from '../../environment.js';
import { ExternalSystemError } from '../../errors.js';
import type { SliValue } from '../../gate/types.js';
import { createHttpClient } from '../../http/http-client.js';
import { readCaFile } from '../../http/https-agent.js';
import type { HttpClient, HttpClientOptions } from '../../http/http-client.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { IndicatorDefinition, SliContext, SliProvider } from '../provider.js';
import { mapBounded } from '../bounded-map.js';
import { buildDefaultQuery, PROMETHEUS_DEFAULT_INDICATORS } from './default-queries.js';
import { replacePlaceholders } from './placeholders.js';
import { resolvePrometheusConnection } from './prometheus-connection.js';
import type { PrometheusConnection } from './prometheus-connection.js';
import { readInstantResult } from './query-result.js';
import type { QueryOutcome } from './query-result.js';

export interface PrometheusProviderOptions {
  /** ci-connect.yaml `providers.prometheus`. */
  settings?: PrometheusSettings;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  logger: Logger;
  /** The indicators of `sli/prometheus.yaml`; one with a default's name replaces that default. */
  sliFile?: { file: string; indicators: Readonly<Record<string, string>> };
  /** Overrides of the HTTP client's options (tests: no real waits between retries). */
  http?: Partial<HttpClientOptions>;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_CONCURRENCY = 4;

/** SLI values from a Prometheus server's instant-query API. */
export class PrometheusProvider implements SliProvider {
  readonly name = 'prometheus';
  readonly indicators: readonly IndicatorDefinition[];
  private readonly settings: PrometheusSettings;

  constructor(private readonly options: PrometheusProviderOptions) {
    this.settings = options.settings ?? {};
    const file = options.sliFile;
    const indicators: IndicatorDefinition[] = [];
    for (const [name, query] of Object.entries(PROMETHEUS_DEFAULT_INDICATORS)) {
      if (file === undefined || !Object.hasOwn(file.indicators, name))
        indicators.push({ name, query, origin: 'default' });
    }
    for (const [name, query] of Object.entries(file?.indicators ?? {})) {
      indicators.push({ name, query, origin: 'file', file: file?.file });
    }
    this.indicators = indicators;
  }

  /** Throws the ConfigError fetch would for a server URL that is not set, or a --ca-file it cannot read. */
  checkConfigured(): void {
    resolvePrometheusConnection(this.settings, this.options.env, this.options.redactor);
    readCaFile(this.options.http?.caFile, this.options.redactor);
  }

  /** Values for the named indicators, in order; throws ConfigError for a missing URL or refused credentials. */
  async fetch(names: readonly string[], context: SliContext): Promise<SliValue[]> {
    const { redactor } = this.options;
    const connection = resolvePrometheusConnection(this.settings, this.options.env, redactor);
    const client = this.createClient();
    const outcomes = await mapBounded(names, this.settings.concurrency ?? DEFAULT_CONCURRENCY, (name) =>
      this.fetchOne(client, connection, name, context),
    );
    return outcomes.map((outcome, i): SliValue => {
      const sli = names[i] ?? '';
      if (outcome.value !== null) return { sli, provider: this.name, value: outcome.value };
      return { sli, provider: this.name, ...outcome, message: redactor.redact(outcome.message) };
    });
  }

  /** The PromQL sent for an indicator in this context, placeholders replaced; undefined if unknown. */
  queryFor(name: string, context: SliContext): string | undefined {
    const indicator = this.indicators.find((i) => i.name === name);
    if (indicator === undefined) return undefined;
    if (indicator.origin === 'default') return buildDefaultQuery(name, context);
    return replacePlaceholders(indicator.query, context);
  }

  private createClient(): HttpClient {
    const { logger, redactor } = this.options;
    return createHttpClient({
      timeoutMs: (this.settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      retries: 2,
      logger,
      redactor,
      userAgent: 'ci-connect',
      ...this.options.http,
    });
  }

  private async fetchOne(
    client: HttpClient,
    connection: PrometheusConnection,
    name: string,
    context: SliContext,
  ): Promise<QueryOutcome> {
    const query = this.queryFor(name, context);
    if (query === undefined) {
      return { value: null, failure: 'error', message: `the prometheus provider has no indicator "${name}"` };
    }
    const time = context.window.end.getTime() / 1000;
    this.options.logger.debug(`prometheus: ${name}: ${query} at time=${time}`);
    try {
      const response = await client.request({
        method: 'GET',
        url: connection.queryUrl,
        headers: connection.headers,
        query: { query, time },
        hints: connection.authHints,
        // Prometheus answers a bad query with its error envelope: 400 bad_data, 422 execution.
        acceptStatuses: [400, 422],
        // A login page or a proxy's page at 200 is the server unavailable, not a query's failure.
        expect: 'json',
      });
      return readInstantResult(response.data, query);
    } catch (error) {
      // Unreachable, 5xx or timed out after retries: this SLI is unavailable; other errors abort.
      if (!(error instanceof ExternalSystemError)) throw error;
      return {
        value: null,
        failure: 'unavailable',
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      };
    }
  }
}
