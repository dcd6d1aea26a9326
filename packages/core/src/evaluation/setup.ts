import { join } from 'node:path';
import { requireConfig } from '../config/config-errors.js';
import { isDirectory, isFile } from '../config/guards.js';
import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import {
  loadProjectSettings,
  type DynatraceEventSettings,
  type OnWarning,
} from '../config/project-config.js';
import type { ProviderSettingsMap } from '../config/provider-settings.js';
import { resolveHistoryUrl, resolveOnWarning, resolveTarget } from '../config/project-context.js';
import { CONFIG_DIR_HINT, resolveServiceFiles } from '../config/service-files.js';
import { loadSliFile, type SliFile, type SliLoadResult } from '../config/sli-file.js';
import { loadSloWithReferences, type SliReference } from '../config/slo-file.js';
import { findUnitMismatches, type BuiltInDefinition } from '../config/target-units.js';
import { ConfigError } from '../errors.js';
import type { Clock, Logger } from '../environment.js';
import type { Redactor } from '../redaction/redaction.js';
import type { Slo } from '../gate/types.js';
import type { SliProvider } from '../providers/provider.js';
import type { ProviderInput } from '../providers/provider-definition.js';
import { dynatraceSettingsOf, type DynatraceSettings } from '../providers/dynatrace/dynatrace-settings.js';
import { PROVIDER_SETTINGS, SLI_PROVIDERS } from '../providers/registry.js';
import { StaticProvider } from '../providers/static/index.js';
import { PRECEDENCE } from './resolve-indicators.js';
import { findStage } from '../shipyard/sequence-plan.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';

/** Where the gate's configuration comes from: a config directory, or flags alone. */
export interface EvaluationSetupRequest {
  /** As given (default `.ci-connect`); relative paths are relative to the working directory. */
  configDir: string;
  project?: string;
  stage?: string;
  service?: string;
  /** `--slo FILE`: the SLO without a config directory. */
  sloFile?: string;
  /** `--sli PROVIDER=FILE`, over the config directory's sli/ files. */
  sliFiles: readonly { provider: string; file: string }[];
  valuesFile?: string;
  jtlFile?: string;
  /** How this run gets a results file, for the message when it has none (a stage run's test task). */
  resultsFileHint?: string;
  /** `--history URL`; relative `file:` paths are relative to the working directory. */
  history?: string;
  /** `--on-warning`; default: ci-connect.yaml `defaults.onWarning`, else pass. */
  onWarning?: OnWarning;
  /** `--settle SECONDS`: the wait of each provider that `settles` (Dynatrace), over ci-connect.yaml. */
  settleSeconds?: number;
  /** `--ca-file`: a CA certificate for the monitoring APIs. */
  caFile?: string;
}

export interface EvaluationTarget {
  project: string;
  stage: string;
  service: string;
}

export interface EvaluationSetup {
  target: EvaluationTarget;
  slo: Slo;
  providers: SliProvider[];
  historyUrl: string;
  /** `--on-warning` default from ci-connect.yaml. */
  onWarning: OnWarning;
  /** ci-connect.yaml's Dynatrace endpoint and `events.dynatrace`, for the result's event. */
  dynatrace: { settings?: DynatraceSettings; events?: DynatraceEventSettings };
}

/** What building the providers needs from outside: env, clock, logger and the redactor. */
export interface SetupEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
}

/** Loads what an evaluation needs and builds its providers; every config problem is a ConfigError. */
export async function loadEvaluationSetup(
  request: EvaluationSetupRequest,
  environment: SetupEnvironment,
): Promise<EvaluationSetup> {
  const { logger } = environment;
  const hasConfigDir = await isDirectory(request.configDir);
  if (!hasConfigDir && request.sloFile === undefined) {
    throw new ConfigError(`no config directory ${request.configDir}`, { hint: CONFIG_DIR_HINT });
  }
  const config = hasConfigDir
    ? await loadProjectSettings(request.configDir, logger, PROVIDER_SETTINGS, environment)
    : undefined;
  if (hasConfigDir && request.stage !== undefined) await checkStage(request.configDir, request.stage);
  const target: EvaluationTarget = await resolveTarget(
    request,
    config,
    hasConfigDir && request.sloFile === undefined ? request.configDir : undefined,
  );
  const files =
    request.sloFile === undefined
      ? await resolveServiceFiles({
          configDir: request.configDir,
          service: target.service,
          stage: target.stage,
        })
      : { slo: request.sloFile, sli: {} };
  const sliPaths: Record<string, string> = { ...files.sli };
  for (const { provider, file } of request.sliFiles) sliPaths[provider] = file;

  const sloOptions = request.sloFile === undefined ? {} : { flag: '--slo' };
  const sloLoad = await loadSloWithReferences(files.slo, sloOptions);
  const slo = await load(Promise.resolve(sloLoad), (r) => r.slo, logger);
  const sliFiles: [string, SliFile][] = [];
  const providers = await buildProviders(
    sliPaths,
    request,
    {
      ...environment,
      settings: withSettle(config?.providers ?? {}, request.settleSeconds),
    },
    sliFiles,
  );
  // What `validate` warns about targets in another unit than the query's, said before the gate runs.
  if (request.valuesFile === undefined)
    warnUnitMismatches(
      { service: target.service, sloFile: files.slo, references: sloLoad.references, sliFiles },
      answeringBuiltIns(sloLoad.references, providers),
      logger,
    );
  const dynatrace = config === undefined ? undefined : dynatraceSettingsOf(config.providers);
  return {
    target,
    slo,
    providers,
    historyUrl: resolveHistoryUrl(request.history, config, request.configDir),
    onWarning: resolveOnWarning(request.onWarning, config),
    dynatrace: {
      ...(dynatrace === undefined ? {} : { settings: dynatrace }),
      ...(config?.events.dynatrace === undefined ? {} : { events: config.events.dynatrace }),
    },
  };
}

async function buildProviders(
  sliPaths: Record<string, string>,
  request: EvaluationSetupRequest,
  environment: SetupEnvironment & { settings: ProviderSettingsMap },
  loaded: [string, SliFile][],
): Promise<SliProvider[]> {
  const { logger } = environment;
  const providers: SliProvider[] = [];
  if (request.valuesFile !== undefined) providers.push(await StaticProvider.fromFile(request.valuesFile));
  for (const name of Object.keys(sliPaths)) {
    if (!SLI_PROVIDERS.has(name)) {
      throw new ConfigError(`${sliPaths[name]}: there is no SLI provider "${name}"`, {
        hint: `SLI files are named after their provider: ${[...SLI_PROVIDERS.keys()].join(', ')}`,
      });
    }
  }
  for (const definition of SLI_PROVIDERS.values()) {
    const path = sliPaths[definition.name];
    const sliFile: SliFile | undefined =
      path === undefined
        ? undefined
        : await load(
            loadSliFile(path, {
              ...(definition.checkQuery === undefined ? {} : { checkQuery: definition.checkQuery }),
              ...(request.sliFiles.some((f) => f.provider === definition.name) ? { flag: '--sli' } : {}),
            }),
            (r) => r.sli,
            logger,
          );
    if (sliFile !== undefined) loaded.push([definition.name, sliFile]);
    const input: ProviderInput = {
      ...environment,
      ...(sliFile === undefined ? {} : { sliFile }),
      ...(request.jtlFile === undefined ? {} : { jtlFile: request.jtlFile }),
      ...(request.resultsFileHint === undefined ? {} : { resultsFileHint: request.resultsFileHint }),
      ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
    };
    const offersBuiltIns =
      definition.builtInIndicators.length > 0 && definition.offersBuiltIns?.(input) !== false;
    if (sliFile === undefined && !offersBuiltIns) continue;
    providers.push(definition.create(input));
  }
  return providers;
}

function warnUnitMismatches(
  files: {
    service: string;
    sloFile: string;
    references: readonly SliReference[];
    sliFiles: [string, SliFile][];
  },
  builtIns: Readonly<Record<string, BuiltInDefinition>>,
  logger: Logger,
): void {
  const slis = files.sliFiles.map(([provider, sli]): [string, SliLoadResult] => [
    provider,
    { sli, diagnostics: [] },
  ]);
  const checkers = Object.fromEntries(
    [...SLI_PROVIDERS.values()].flatMap((d) =>
      d.checkTarget === undefined ? [] : [[d.name, d.checkTarget]],
    ),
  );
  for (const d of findUnitMismatches({ ...files, slis }, checkers, builtIns))
    logger.warn(formatDiagnostic(d));
}

/**
 * The built-in queries that will answer the SLO's SLIs, picked as planIndicators picks them (a
 * single definition of the best rank): e.g. Dynatrace's Keptn defaults, in microseconds.
 */
function answeringBuiltIns(
  references: readonly SliReference[],
  providers: readonly SliProvider[],
): Record<string, BuiltInDefinition> {
  const found: Record<string, BuiltInDefinition> = {};
  for (const { sli } of references) {
    const candidates = providers.flatMap((provider) =>
      provider.indicators.filter((i) => i.name === sli).map((definition) => ({ provider, definition })),
    );
    const best = PRECEDENCE.find((origin) => candidates.some((c) => c.definition.origin === origin));
    const chosen = candidates.filter((c) => c.definition.origin === best);
    if (chosen.length !== 1 || (best !== 'default' && best !== 'fallback')) continue;
    const { provider, definition } = chosen[0]!;
    found[sli] = { provider: provider.name, query: definition.query };
  }
  return found;
}

/** `--settle` over the `settleSeconds` setting of each provider whose data lags. */
function withSettle(settings: ProviderSettingsMap, settleSeconds: number | undefined): ProviderSettingsMap {
  if (settleSeconds === undefined) return settings;
  const settling = [...SLI_PROVIDERS.values()].filter((d) => d.settles);
  return {
    ...settings,
    ...Object.fromEntries(settling.map((d) => [d.name, { ...settings[d.name], settleSeconds }])),
  };
}

/** Awaits a loader, reports its warnings, and throws a ConfigError with every error. */
async function load<R extends { diagnostics: Diagnostic[] }, T>(
  loading: Promise<R>,
  pick: (r: R) => T | undefined,
  logger: Logger,
): Promise<T> {
  const result = await loading;
  for (const d of result.diagnostics) if (d.severity === 'warning') logger.warn(formatDiagnostic(d));
  return requireConfig(pick(result), result.diagnostics);
}

/**
 * `--stage` names a stage of the config directory's shipyard, when it has one: a typo is a usage
 * error naming the nearest stage, as for a stage run (findStage), not a gate on files of no stage.
 */
async function checkStage(configDir: string, stage: string): Promise<void> {
  const path = join(configDir, 'shipyard.yaml');
  if (!(await isFile(path))) return;
  const { shipyard } = await loadShipyardFile(path);
  // A shipyard with errors is validate's to report: the gate itself does not need it.
  if (shipyard !== undefined) findStage(shipyard, stage);
}
