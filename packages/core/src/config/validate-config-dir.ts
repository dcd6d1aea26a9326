/**
 * `ci-connect validate`: loads every file of a config directory and reports every problem at
 * once, then checks across files: each objective's SLI must come from one of the service's
 * effective SLI files (or be built into a provider), and no SLI name may be defined by two
 * providers of the same service and stage (DESIGN.md section 3).
 */

import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { findDuplicateIndicators, findUndefinedSlis, undefinedSliWarning } from './cross-check.js';
import type { EffectiveFiles, UndefinedSli } from './cross-check.js';
import { makeDiagnostic, sortDiagnostics } from './file-diagnostics.js';
import { FILE_VALIDATORS } from './file-validators.js';
import type { FileValidator } from './file-validators.js';
import { isDirectory, isFile } from './guards.js';
import type { LoadOptions } from './load-yaml-file.js';
import { loadProjectConfig, runnableTaskNames, type HistoryUrlChecker } from './project-config.js';
import type { ProviderSettingsDefinition } from './provider-settings.js';
import { CONFIG_DIR_HINT, findServiceLayout, listServices, listStages } from './service-files.js';
import type { ServiceLayout } from './service-files.js';
import { loadSliFile } from './sli-file.js';
import type { QueryChecker, SliLoadResult } from './sli-file.js';
import { loadSloWithReferences } from './slo-file.js';
import type { SloLoadResult, SliReference } from './slo-file.js';
import { suggestKey } from './suggest.js';
import { runnableActionNames } from '../remediation/runnable-actions.js';

export interface ValidateConfigDirOptions extends LoadOptions {
  /** The shipyard task names that have a runner (from ci-connect.yaml); set by validateConfigDir. */
  runnableTasks?: readonly string[] | undefined;
  /** The remediation actions that have a runner (ci-connect.yaml's `tasks:` and scaling); set by validateConfigDir. */
  runnableActions?: readonly string[] | undefined;
  /** Indicators a provider answers without an SLI file, e.g. `{ jmeter: ['samples', 'error_rate', ...] }`. */
  builtInIndicators?: Readonly<Record<string, readonly string[]>>;
  /** Query checks per provider, reported at the query's line and column. */
  queryCheckers?: Readonly<Record<string, QueryChecker>>;
  /** Provider names; an SLI file named after no provider is an error (evaluate rejects it too). */
  providers?: readonly string[];
  /** Each provider's `providers.<name>` settings; without them those keys are only schema-checked. */
  providerSettings?: readonly ProviderSettingsDefinition[];
  /** Validators for other files by file name; default FILE_VALIDATORS. */
  fileValidators?: Readonly<Record<string, FileValidator>>;
  /** Checks ci-connect.yaml's `history` against the history stores there are. */
  checkHistoryUrl?: HistoryUrlChecker;
}

export interface ConfigDirReport {
  diagnostics: Diagnostic[];
  /** Every file that was checked. */
  files: string[];
}

type SloResult = SloLoadResult & { references: SliReference[] };

/** Checks every file of a config directory; never throws for problems in the files. */
export async function validateConfigDir(
  configDir: string,
  options: ValidateConfigDirOptions = {},
): Promise<ConfigDirReport> {
  const info = await stat(configDir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    const message =
      info === undefined ? 'config directory not found' : 'the config directory is a file, not a directory';
    return { diagnostics: [makeDiagnostic('error', configDir, [], message, CONFIG_DIR_HINT)], files: [] };
  }
  const project = join(configDir, 'ci-connect.yaml');
  const config = await loadProjectConfig(project, {
    ...options,
    optional: true,
    providerSettings: options.providerSettings ?? [],
  });
  // Shipyard tasks are checked against the runners only when ci-connect.yaml's tasks: are known.
  const runnableTasks = config.config === undefined ? undefined : runnableTaskNames(config.config);
  // The same for remediation.yaml's actions.
  const runnableActions = config.config === undefined ? undefined : runnableActionNames(config.config);
  const run = new ValidationRun({ ...options, runnableTasks, runnableActions });
  if (config.config?.file !== undefined || config.diagnostics.length > 0) {
    run.record(project, config.diagnostics);
  }
  await run.otherFiles(configDir);
  const stages = await listStages(configDir);
  for (const service of await listServices(configDir)) {
    for (const stage of [undefined, ...stages]) {
      const layout = await findServiceLayout(configDir, service, stage);
      if (stage !== undefined && !(await isDirectory(layout.overlayDir))) continue;
      if (layout.exists) await run.service(layout);
    }
  }
  const empty = run.files.size === 0 ? [emptyConfigDirWarning(configDir)] : [];
  return { diagnostics: [...run.result(), ...empty], files: [...run.files] };
}

/** Nothing to check is not an error, but most likely the wrong directory. */
function emptyConfigDirWarning(configDir: string): Diagnostic {
  const message = 'no configuration here: no ci-connect.yaml, slo.yaml or sli/<provider>.yaml';
  const hint =
    'a config directory holds ci-connect.yaml and, per service, base/<service>/slo.yaml and base/<service>/sli/<provider>.yaml, ' +
    'with stage overlays in stages/<stage>/<service>/; point --config-dir (env CI_CONNECT_CONFIG_DIR) at the directory that holds them';
  return makeDiagnostic('warning', configDir, [], message, hint);
}

/** The state of one validation: each file is loaded once, each diagnostic reported once. */
class ValidationRun {
  readonly files = new Set<string>();
  private readonly diagnostics = new Map<string, Diagnostic>();
  private readonly slos = new Map<string, SloResult>();
  private readonly slis = new Map<string, SliLoadResult>();
  private readonly validated = new Set<string>();
  private readonly undefinedSlis = new Map<string, UndefinedSli>();
  private readonly builtIn: ReadonlySet<string>;

  constructor(private readonly options: ValidateConfigDirOptions) {
    this.builtIn = new Set(Object.values(options.builtInIndicators ?? {}).flat());
  }

  record(file: string, diagnostics: readonly Diagnostic[]): void {
    this.files.add(file);
    for (const d of diagnostics) this.diagnostics.set(JSON.stringify(d), d);
  }

  result(): Diagnostic[] {
    const warnings = [...this.undefinedSlis.values()].map(undefinedSliWarning);
    return sortDiagnostics([...this.diagnostics.values(), ...warnings]);
  }

  /** Files owned by other validators (shipyard.yaml, remediation.yaml) in `dir`. */
  async otherFiles(dir: string): Promise<void> {
    for (const [name, validate] of Object.entries(this.options.fileValidators ?? FILE_VALIDATORS)) {
      const path = join(dir, name);
      if (this.validated.has(path) || !(await isFile(path))) continue;
      this.validated.add(path);
      this.record(path, await validate(path, this.options));
    }
  }

  async service(layout: ServiceLayout): Promise<void> {
    for (const dir of [layout.baseDir, layout.overlayDir]) {
      if (await isDirectory(dir)) await this.otherFiles(dir ?? '');
    }
    for (const { first, second } of layout.ambiguous) {
      const message = `two SLI files for one provider: ${first} and ${second}`;
      this.record(second, [makeDiagnostic('error', second, [], message, 'keep one of them')]);
    }
    // Base files an overlay replaces are not effective here, but they are still checked.
    for (const [provider, path] of layout.all.sli) await this.sli(provider, path);
    for (const path of layout.all.slo) await this.slo(path);
    if (layout.slo !== undefined) await this.crossCheck(layout, layout.slo);
  }

  private async crossCheck(layout: ServiceLayout, sloFile: string): Promise<void> {
    const slis: [string, SliLoadResult][] = [];
    for (const [provider, path] of Object.entries(layout.sli))
      slis.push([provider, await this.sli(provider, path)]);
    const effective: EffectiveFiles = {
      service: layout.service,
      ...(layout.stage === undefined ? {} : { stage: layout.stage }),
      sloFile,
      references: (await this.slo(sloFile)).references,
      slis,
    };
    for (const d of findDuplicateIndicators(effective)) this.record(d.file, [d]);
    // The same objective may lack its SLI in several stages: one warning names them all.
    for (const found of findUndefinedSlis(effective, this.builtIn)) {
      const key = JSON.stringify([found.sloFile, found.reference.path]);
      const known = this.undefinedSlis.get(key);
      if (known === undefined) this.undefinedSlis.set(key, found);
      else known.stages.push(...found.stages);
    }
  }

  private async slo(path: string): Promise<SloResult> {
    let result = this.slos.get(path);
    if (result === undefined) {
      result = await loadSloWithReferences(path, this.options);
      this.slos.set(path, result);
      this.record(path, result.diagnostics);
    }
    return result;
  }

  private async sli(provider: string, path: string): Promise<SliLoadResult> {
    let result = this.slis.get(path);
    if (result === undefined) {
      const checkQuery = this.options.queryCheckers?.[provider];
      result = await loadSliFile(path, { ...this.options, ...(checkQuery ? { checkQuery } : {}) });
      this.slis.set(path, result);
      this.record(path, [...result.diagnostics, ...this.unknownProvider(provider, path)]);
    }
    return result;
  }

  private unknownProvider(provider: string, path: string): Diagnostic[] {
    const known = this.options.providers;
    if (known === undefined || known.includes(provider)) return [];
    const close = suggestKey(provider, known);
    const list = `the providers are: ${known.join(', ')}`;
    const hint =
      close === undefined
        ? `name it after its provider; ${list}`
        : `did you mean sli/${close}${extname(path)}? ${list}`;
    const message = `there is no SLI provider "${provider}" (an SLI file is named after its provider)`;
    return [makeDiagnostic('error', path, [], message, hint)];
  }
}
