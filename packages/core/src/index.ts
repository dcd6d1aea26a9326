/**
 * @ci-connect/core: the domain logic of ci-connect, with no CLI or CI-system code.
 *
 * The public API, named one by one and grouped by use: first what a front end needs (the CLI; a
 * GitHub Action calling core directly) to call a use case and render its result, then the parts a
 * library user combines. Anything not listed here is internal and may change; core's own tests
 * import it by its module path. public-api.test.ts locks this list.
 */

// Use cases (app/) and the Host a front end builds for them: a request in, its result and exit code out.
export {
  commentOnMergeRequest,
  listenForStopSignals,
  recentEvaluationsOfGate,
  DEFAULT_COMMENT_TOKEN_ENV,
  doctor,
  evaluate,
  exitCodeFor,
  promoteRelease,
  remediate,
  remediationExitCode,
  isRemediationRecord,
  report,
  DEFAULT_REPORT_EVALUATIONS,
  sendEvent,
  SIGNAL_EXIT_CODES,
  triggerDeployment,
  validate,
} from './app/index.js';
// Generating a CI pipeline from the shipyard (app/generate-pipeline.ts over pipelines/).
export { generatePipeline } from './app/index.js';
export type { GeneratePipelineRequest, GeneratePipelineResult } from './app/index.js';
// Converting a legacy 0.1 shipyard to spec.keptn.sh/0.2 (app/migrate-shipyard.ts over shipyard/).
export { migrateShipyard } from './app/index.js';
export type { MigrateShipyardRequest, MigrateShipyardResult } from './app/index.js';
// The history commands' use cases (app/history/).
export {
  exportHistory,
  importHistory,
  invalidateRecord,
  listHistory,
  MAX_IMPORT_BYTES,
  pinEvaluation,
  rescoreHistory,
  showHistoryRecord,
  unpinEvaluation,
} from './app/index.js';
export type {
  HistoryExportRequest,
  HistoryExportResult,
  HistoryImportRequest,
  HistoryImportResult,
  HistoryListRequest,
  HistoryListResult,
  HistoryLocationRequest,
  HistoryMarkRequest,
  HistoryMarkResult,
  HistoryRescoreRequest,
  HistoryRescoreResult,
  HistoryShowRequest,
  HistoryTargetRequest,
  HistoryUnpinRequest,
  RescoreEntry,
} from './app/index.js';
export type { ObjectiveChange, ObjectiveOutcome, RescoredEvaluation } from './gate/rescore.js';
export type {
  CommentRequest,
  CommentResult,
  EvaluateCommand,
  EvaluateResult,
  Host,
  PlanResult,
  PromotionResult,
  ActionRun,
  ProblemSource,
  RemediateRequest,
  RemediationActionRef,
  RemediationListener,
  RemediationOutcome,
  RemediationPlan,
  RemediationProblemRef,
  RemediationRecord,
  RemediationRunResult,
  RemediationStep,
  ReportRequest,
  ReportSummary,
  StageRunOptions,
  StageRunResult,
  Verdict,
} from './app/index.js';
export type { EvaluateRequest } from './evaluation/run-evaluation.js';
export type { EvaluationSetupRequest } from './evaluation/setup.js';
export type { WindowFlags } from './evaluation/time-window.js';
export type { CheckStatus, DoctorCheck, DoctorOutcome, DoctorReport, DoctorRequest } from './doctor/index.js';
export type { EventRecord, SendEventRequest } from './events/index.js';
export { silentLogger, systemClock } from './environment.js';
export type { Clock, Logger } from './environment.js';

// Errors, exit codes and input checks: each failure is a CiConnectError with a code, exit code and hint.
export {
  CiConnectError,
  ConfigError,
  ExitCode,
  ExternalSystemError,
  InputError,
  InternalError,
  UsageError,
} from './errors.js';
export type { ErrorOptions, ErrorProblem } from './errors.js';
export { escapeControlCharacters, refuseControlCharacters } from './control-characters.js';

// Configuration: the user's files read and checked, with file:line:col diagnostics.
export {
  DEFAULT_CONFIG_DIR,
  loadProjectConfig,
  loadSliFile,
  loadSloFile,
  parseSli,
  parseSlo,
} from './config/index.js';
export type {
  ConfigDirReport,
  LoadOptions,
  OnWarning,
  ProjectConfig,
  ProjectConfigLoadResult,
  QueryChecker,
  SliFile,
  SliIndicator,
  SliLoadOptions,
  SliLoadResult,
  SloLoadResult,
} from './config/index.js';
export { loadJmeterConf, parseJmeterConf } from './config/jmeter/index.js';
export type { JmeterConf, JmeterConfLoadResult, JmeterWorkload } from './config/jmeter/index.js';
export { formatDiagnostic, hasErrors } from './config/diagnostics.js';
export type { Diagnostic } from './config/diagnostics.js';
export { suggestKey } from './config/suggest.js';

// The gate: Keptn's criteria and the pure scorer (SLO, values and baseline in, evaluation out).
export { CriterionSyntaxError, parseCriterion } from './gate/criteria.js';
export { scoreEvaluation } from './gate/score.js';
export type { ScoreInput, ScoreOutput } from './gate/score.js';
export type {
  AggregateFunction,
  Comparison,
  CriteriaSet,
  Criterion,
  EvaluationRecord,
  GateResult,
  IncludeResults,
  Objective,
  ObjectiveResult,
  ObjectiveStatus,
  Operator,
  SliFailure,
  SliValue,
  Slo,
  TargetResult,
} from './gate/types.js';

// SLI providers: the interface, the built-in ones and their registry.
export { SLI_PROVIDERS } from './providers/registry.js';
export type { ProviderInput, SliProviderDefinition } from './providers/provider-definition.js';
export type {
  IndicatorDefinition,
  SliContext,
  SliProvider,
  SliRunContext,
  TimeWindow,
} from './providers/provider.js';
export { PrometheusProvider } from './providers/prometheus/index.js';
export type { PrometheusProviderOptions } from './providers/prometheus/index.js';
export { DynatraceProvider } from './providers/dynatrace/index.js';
export type { DynatraceProviderOptions } from './providers/dynatrace/index.js';
export { JmeterProvider } from './providers/jmeter/index.js';
export type { JmeterProviderOptions } from './providers/jmeter/index.js';
export { StaticProvider } from './providers/static/index.js';

// History: the stores behind a history URL, and the baseline an evaluation compares with.
export {
  FileHistoryStore,
  findBaseline,
  isEvaluationRecord,
  openHistoryStore,
  recordTime,
  selectBaseline,
} from './history/index.js';
export type {
  BookkeepingRecord,
  FileHistoryStoreOptions,
  HistoryQuery,
  HistoryRecord,
  HistoryStore,
  HistoryTarget,
  ImportTally,
  InvalidationRecord,
  OpenHistoryStoreOptions,
  PinRecord,
} from './history/index.js';

// Events: Dynatrace Events API v2, and the sinks Keptn-style CloudEvents go to.
export { buildDynatraceEvent, DYNATRACE_EVENT_TYPES, sendDynatraceEvent } from './events/index.js';
export type {
  DynatraceEvent,
  DynatraceEventRequest,
  DynatraceEventType,
  EventIngestOutcome,
  EventIngestResult,
  EventTarget,
  SendEventOptions,
} from './events/index.js';
export { openCloudEventSink } from './events/index.js';
export { ciJobLink } from './events/index.js';
export type { CiJobLink, CiName } from './events/index.js';
export type {
  CloudEventSink,
  CloudEventSinkDependencies,
  KeptnCloudEvent,
  SinkDelivery,
} from './events/index.js';

// Reports: Markdown, JUnit and the files an evaluation writes, and the numbers as the table shows them.
export { escapeCell, renderMarkdownSummary } from './report/markdown.js';
export { renderMarkdownHeatmap, MARKDOWN_HEATMAP_COLUMNS } from './report/markdown-heatmap.js';
export { reviewCommentBody, stickyMarker, MAX_COMMENT_LENGTH } from './review-comments/comment-body.js';
export { upsertPullRequestComment } from './review-comments/github-pull-request.js';
export type {
  GitHubCommentDependencies,
  GitHubPullRequest,
  StickyCommentOutcome,
} from './review-comments/github-pull-request.js';
export { renderJunit } from './report/junit.js';
export { renderHtmlReport, HTML_REPORT_FILES } from './report/html/render-html-report.js';
export type { HtmlReportInput, ReportedEvaluation, ScoreThresholds } from './report/html/report-model.js';
export { prepareReportDir, writeReports } from './report/write-reports.js';
export { formatDelta, formatNumber, formatTargets, objectiveName } from './report/format.js';
export { formatScore } from './gate/score.js';

// Redaction and credentials: the one layer every output passes through.
export { createRedactor, Redactor } from './redaction/redaction.js';
export { createProcessRedactor } from './redaction/credential-sources.js';

// HTTP: the one client (timeouts, retries, TLS, proxies, redacted errors) that providers and events use.
export { createHttpClient } from './http/http-client.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
} from './http/http-client.js';

// Tools: the programs core drives (helm, JMeter), always as an argv with a timeout, never through a shell.
export { runProcess } from './tools/process.js';
export type { ProcessResult, ProcessRunner, ProcessSpec } from './tools/process.js';
export { HelmRunner } from './tools/helm/index.js';
export type {
  BlueGreenColor,
  BlueGreenState,
  HelmAction,
  HelmRunnerOptions,
  HelmStepResult,
  HelmTarget,
} from './tools/helm/index.js';
export { keptnLoadTestName, runJmeterTest } from './tools/jmeter/index.js';
export type {
  JmeterTestContext,
  JmeterTestReason,
  JmeterTestRequest,
  JmeterTestResult,
} from './tools/jmeter/index.js';

// Shipyards and stage runs: the Keptn shipyard, what trigger-deployment and promote plan, run and record.
export { loadShipyardFile, parseShipyard } from './shipyard/index.js';
export type {
  ApprovalMode,
  DeploymentStrategy,
  SequenceResult,
  SequenceTrigger,
  Shipyard,
  ShipyardLoadResult,
  ShipyardSequence,
  ShipyardStage,
  ShipyardTask,
} from './shipyard/index.js';
export type {
  ApprovalRecord,
  DeploymentRecord,
  PreflightProblem,
  PreflightReport,
  PromotePlan,
  PromoteRequest,
  SequenceRunInput,
  SequenceRunRecord,
  StagePlan,
  StageRunListener,
  StageRunRequest,
  StageSetup,
  TaskContext,
  TaskPlan,
  TaskResult,
  TaskStatus,
  TriggerCheck,
} from './stage-run/index.js';

// CI pipelines: the plan of jobs from a shipyard, and the pure renderers for GitLab, GitHub and Jenkins.
export { GENERATED_MARKER, PIPELINE_CIS, planPipeline, RENDERERS } from './pipelines/index.js';
export type {
  PipelineCi,
  PipelineCommand,
  PipelineJob,
  PipelinePlan,
  PipelinePlanRequest,
  RenderRequest,
  SkippedSequence,
} from './pipelines/index.js';

// Remediation: Keptn remediation files.
export { describeAction, loadRemediationFile, parseRemediation } from './remediation/index.js';
export type {
  Remediation,
  RemediationAction,
  RemediationFile,
  RemediationLoadResult,
} from './remediation/index.js';
