/**
 * What the checks need to know about a config directory: its ci-connect.yaml settings and which
 * SLI files exist for which provider, in base/ and in every stage overlay. Problems in the files
 * are the config check's business; here a file that cannot be read is simply left out.
 */

import { join } from 'node:path';
import { isDirectory } from '../config/guards.js';
import { DEFAULT_TASK_RUNNERS, TASK_RUNNERS, loadProjectConfig } from '../config/project-config.js';
import type { ProjectConfig, TaskRunnerDefinition } from '../config/project-config.js';
import { findServiceLayout, listServices, listStages } from '../config/service-files.js';
import type { ProviderSettingsDefinition } from '../config/provider-settings.js';
import { loadShipyardFile } from '../shipyard/shipyard-file.js';
import type { BinaryNeeds } from './binary-check.js';

/** The parts of a project the checks look at. */
export interface ProjectSurvey {
  /** Absent when ci-connect.yaml has errors (the config check reports them). */
  config?: ProjectConfig;
  /** True when ci-connect.yaml exists but could not be used. */
  configUnusable: boolean;
  /** Every SLI file per provider name (`sli/dynatrace.yaml` → `dynatrace`), sorted. */
  sliFiles: ReadonlyMap<string, readonly string[]>;
  /** The binaries the shipyard's tasks run, and why. */
  needs?: BinaryNeeds;
}

/** Surveys a config directory (ci-connect.yaml read with the providers' settings); none is an empty project. */
export async function surveyProject(
  configDir: string,
  providerSettings: readonly ProviderSettingsDefinition[],
): Promise<ProjectSurvey> {
  if (!(await isDirectory(configDir))) return { configUnusable: false, sliFiles: new Map(), needs: {} };
  const loaded = await loadProjectConfig(join(configDir, 'ci-connect.yaml'), {
    optional: true,
    providerSettings,
  });
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
    needs: await binaryNeeds(configDir, loaded.config),
  };
}

/** Which of helm and jmeter the shipyard's tasks run (with their tasks: settings), as each runner says. */
async function binaryNeeds(configDir: string, config: ProjectConfig | undefined): Promise<BinaryNeeds> {
  const { shipyard } = await loadShipyardFile(join(configDir, 'shipyard.yaml'));
  if (shipyard === undefined) return {};
  const tasks = { helm: new Set<string>(), jmeter: new Set<string>() };
  for (const stage of shipyard.stages)
    for (const sequence of stage.sequences)
      for (const task of sequence.tasks) {
        const runner = config?.tasks[task.name] ?? DEFAULT_TASK_RUNNERS[task.name];
        if (typeof runner !== 'string') continue;
        const definition: TaskRunnerDefinition = TASK_RUNNERS[runner];
        const binary = definition.binaryFor?.(task);
        if (binary !== undefined) tasks[binary].add(task.name);
      }
  const because = (names: Set<string>) => `the shipyard's ${[...names].join(', ')} tasks run it`;
  return {
    ...(tasks.helm.size === 0 ? {} : { helm: because(tasks.helm) }),
    ...(tasks.jmeter.size === 0 ? {} : { jmeter: because(tasks.jmeter) }),
  };
}
