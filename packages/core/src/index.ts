/** @ci-connect/core: the domain logic of ci-connect, with no CLI or CI-system code. */
export * from './errors.js';
export { findControlCharacter, quoteEscaped, refuseControlCharacters } from './control-characters.js';
export * from './environment.js';
export * from './config/diagnostics.js';
export * from './config/index.js';
export * from './config/jmeter/index.js';
export * from './gate/types.js';
export * from './gate/criteria.js';
export { aggregateValues } from './gate/aggregate.js';
export { scoreEvaluation, formatScore } from './gate/score.js';
export type { ScoreInput, ScoreOutput } from './gate/score.js';
export type { ObjectiveChange, ObjectiveOutcome, RescoredEvaluation } from './gate/rescore.js';
export * from './providers/provider.js';
export { SLI_PROVIDERS, builtInIndicators, providerValidationOptions } from './providers/registry.js';
export type { SliProviderDefinition, ProviderInput } from './providers/provider-definition.js';
export { StaticProvider } from './providers/static/index.js';
export * from './providers/jmeter/index.js';
export * from './history/index.js';
export { runEvaluation } from './evaluation/run-evaluation.js';
export type {
  EvaluateRequest,
  EvaluateDependencies,
  EvaluationOutcome,
} from './evaluation/run-evaluation.js';
export type { EvaluationSetupRequest, EvaluationTarget } from './evaluation/setup.js';
export { parseDuration } from './duration.js';
export { resolveTimeWindow, parseInstant } from './evaluation/time-window.js';
export type { WindowFlags } from './evaluation/time-window.js';
export * from './report/format.js';
export { renderMarkdownSummary } from './report/markdown.js';
export { renderJunit } from './report/junit.js';
export { prepareReportDir, writeReports, REPORT_FILES } from './report/write-reports.js';
export { Redactor, createRedactor, registerRequestSecrets } from './redaction/redaction.js';
export { createProcessRedactor, registerEnvironmentSecrets } from './redaction/credential-sources.js';
export { createHttpClient } from './http/http-client.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
} from './http/http-client.js';
export { toHttpError, extractServerMessage } from './http/http-errors.js';
export type { StatusHints } from './http/http-errors.js';
export {
  dynatraceDefinition,
  DynatraceProvider,
  parseDynatraceQuery,
  DynatraceQuerySyntaxError,
} from './providers/dynatrace/index.js';
export type { DynatraceProviderOptions } from './providers/dynatrace/index.js';
export * from './providers/prometheus/index.js';
export * from './events/index.js';
export * from './doctor/index.js';
export * from './tools/jmeter/index.js';
export * from './tools/process.js';
export * from './tools/helm/index.js';
export * from './shipyard/index.js';
export * from './remediation/index.js';
export * from './stage-run/index.js';
export * from './app/index.js';
