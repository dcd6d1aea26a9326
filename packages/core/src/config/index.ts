/**
 * Loading and validating the user's configuration: SLO and SLI files, ci-connect.yaml and the
 * config directory. Each file goes through yaml (positions kept), the JSON Schema in
 * packages/core/schemas, normalisation with Keptn's defaults, and semantic rules; every step
 * reports Diagnostics with file, line, column, document path, message and hint.
 */

export { DEFAULT_MAX_FILE_BYTES } from './read-config-file.js';
export type { LoadOptions } from './load-yaml-file.js';
export { loadSloFile, parseSlo } from './slo-file.js';
export type { SloLoadResult } from './slo-file.js';
export { loadSliFile, parseSli } from './sli-file.js';
export type { QueryChecker, SliFile, SliIndicator, SliLoadOptions, SliLoadResult } from './sli-file.js';
export {
  DEFAULT_TASK_RUNNERS,
  loadProjectConfig,
  loadProjectSettings,
  resolveHistory,
} from './project-config.js';
export type {
  OnWarning,
  ProjectConfig,
  ProjectConfigLoadOptions,
  ProjectConfigLoadResult,
} from './project-config.js';
export type { ProviderSettingsDefinition, ProviderSettingsMap } from './provider-settings.js';
export { listServices, listStages, resolveOverlayFile, resolveServiceFiles } from './service-files.js';
export type { ServiceFiles, ServiceFilesRequest } from './service-files.js';
export { validateConfigDir } from './validate-config-dir.js';
export type { ConfigDirReport, ValidateConfigDirOptions } from './validate-config-dir.js';
export { FILE_VALIDATORS } from './file-validators.js';
export type { FileValidator } from './file-validators.js';
export { requireConfig, throwIfConfigErrors } from './config-errors.js';
export { SCHEMA_FILES, readSchema } from './schema-check.js';
export type { SchemaName } from './schema-check.js';
export { sortDiagnostics } from './file-diagnostics.js';
export {
  DEFAULT_CONFIG_DIR,
  defaultHistoryUrl,
  findOnlyService,
  resolveHistoryUrl,
  resolveOnWarning,
} from './project-context.js';
