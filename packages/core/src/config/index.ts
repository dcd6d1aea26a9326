/**
 * Loading and validating the user's configuration: SLO and SLI files, ci-connect.yaml and the
 * config directory. Each file goes through yaml (positions kept), the JSON Schema in
 * packages/core/schemas, normalisation with Keptn's defaults, and semantic rules; every step
 * reports Diagnostics with file, line, column, document path, message and hint.
 */

export type { LoadOptions } from './load-yaml-file.js';
export { loadSloFile, parseSlo } from './slo-file.js';
export type { SloLoadResult } from './slo-file.js';
export { loadSliFile, parseSli } from './sli-file.js';
export type { QueryChecker, SliFile, SliIndicator, SliLoadOptions, SliLoadResult } from './sli-file.js';
export { loadProjectConfig } from './project-config.js';
export type { OnWarning, ProjectConfig, ProjectConfigLoadResult } from './project-config.js';
export type { ConfigDirReport } from './validate-config-dir.js';
export { DEFAULT_CONFIG_DIR } from './project-context.js';
