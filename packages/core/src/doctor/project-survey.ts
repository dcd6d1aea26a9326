/**
 * What the checks need to know about a config directory: its ci-connect.yaml settings and which
 * SLI files exist for which provider, in base/ and in every stage overlay. Problems in the files
 * are the config check's business; here a file that cannot be read is simply left out.
 */

import { join } from 'node:path';
import { isDirectory } from '../config/guards.js';
import { loadProjectConfig } from '../config/project-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { findServiceLayout, listServices, listStages } from '../config/service-files.js';

/** The parts of a project the checks look at. */
export interface ProjectSurvey {
  /** Absent when ci-connect.yaml has errors (the config check reports them). */
  config?: ProjectConfig;
  /** True when ci-connect.yaml exists but could not be used. */
  configUnusable: boolean;
  /** Every SLI file per provider name (`sli/dynatrace.yaml` → `dynatrace`), sorted. */
  sliFiles: ReadonlyMap<string, readonly string[]>;
}

/** Surveys a config directory; a missing directory is an empty project. */
export async function surveyProject(configDir: string): Promise<ProjectSurvey> {
  if (!(await isDirectory(configDir))) return { configUnusable: false, sliFiles: new Map() };
  const loaded = await loadProjectConfig(join(configDir, 'ci-connect.yaml'), { optional: true });
  const files = new Map<string, Set<string>>();
  const stages = await listStages(configDir);
  for (const service of await listServices(configDir)) {
    for (const stage of [undefined, ...stages]) {
      const layout = await findServiceLayout(configDir, service, stage);
      for (const [provider, path] of layout.all.sli) {
        const known = files.get(provider) ?? new Set<string>();
        files.set(provider, known.add(path));
      }
    }
  }
  return {
    ...(loaded.config === undefined ? {} : { config: loaded.config }),
    configUnusable: loaded.config === undefined,
    sliFiles: new Map([...files].map(([provider, paths]) => [provider, [...paths].sort()])),
  };
}
