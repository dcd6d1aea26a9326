/**
 * jmeter/jmeter.conf.yaml, Keptn jmeter-service's workload file (`spec_version`, `workloads[]`).
 * Read like every config file (yaml with positions, then rules), with the checks done in code:
 * each problem is a Diagnostic at its file:line:col. Where jmeter-service silently ran a broken
 * workload (vuser 0 runs nothing, a missing script fails at run time), this is an error instead.
 */

import type { Diagnostic } from '../diagnostics.js';
import { sortDiagnostics } from '../file-diagnostics.js';
import type { FileDiagnostics } from '../file-diagnostics.js';
import { isRecord } from '../guards.js';
import { readYamlFile } from '../load-yaml-file.js';
import type { LoadOptions } from '../load-yaml-file.js';
import { suggestKey } from '../suggest.js';
import { findNode, locate, scalarText } from '../yaml-nodes.js';
import type { DocPath, YamlSource } from '../yaml-nodes.js';
import { parseYamlSource } from '../yaml-source.js';
import type { YamlParseResult } from '../yaml-source.js';
import type { ConfWorkload, JmeterConf } from './jmeter-workload.js';
import { defaultScript, normaliseStrategy } from './jmeter-workload.js';
import { readErrorRate, readProperties, readScript, readWholeNumber } from './workload-fields.js';

export interface JmeterConfLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  conf?: JmeterConf;
  diagnostics: Diagnostic[];
}

const TOP_KEYS = ['spec_version', 'workloads'] as const;
const WORKLOAD_KEYS = [
  'teststrategy',
  'vuser',
  'loopcount',
  'thinktime',
  'script',
  'acceptederrorrate',
  'avgrtvalidation',
  'properties',
] as const;
const NOT_FOUND_HINT =
  'put it next to the plans, as base/<service>/jmeter/jmeter.conf.yaml in the config directory';
const WORKLOAD_EXAMPLE =
  'e.g. - { teststrategy: performance, vuser: 10, loopcount: 100, script: jmeter/load.jmx }';

/** Loads and checks a jmeter.conf.yaml; every problem of the file is in `diagnostics`. */
export async function loadJmeterConf(path: string, options: LoadOptions = {}): Promise<JmeterConfLoadResult> {
  return finish(await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options, allowEmpty: true }));
}

/** Checks jmeter.conf.yaml text as if read from `file`. */
export function parseJmeterConf(
  text: string,
  file = 'jmeter.conf.yaml',
  options: LoadOptions = {},
): JmeterConfLoadResult {
  return finish(parseYamlSource(file, text, { ...options, allowEmpty: true }));
}

function finish({ source, empty, diagnostics: out }: YamlParseResult): JmeterConfLoadResult {
  if (source === undefined) {
    if (empty && !out.hasErrors) {
      out.warning([], 'the file is empty: every test strategy runs its built-in workload');
      return { conf: { file: out.file, workloads: [] }, diagnostics: out.list };
    }
    return { diagnostics: sortDiagnostics(out.list) };
  }
  const data = source.data as Record<string, unknown>;
  warnUnknownKeys(data, [], TOP_KEYS, out);
  const specVersion = readSpecVersion(source, data.spec_version, out);
  const workloads = readWorkloads(source, data.workloads, out);
  return {
    ...(out.hasErrors
      ? {}
      : { conf: { file: out.file, ...(specVersion === undefined ? {} : { specVersion }), workloads } }),
    diagnostics: sortDiagnostics(out.list),
  };
}

function readSpecVersion(source: YamlSource, raw: unknown, out: FileDiagnostics): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object') {
    out.error(['spec_version'], 'spec_version must be a version text', "write spec_version: '0.1.0'");
    return undefined;
  }
  return scalarText(source, ['spec_version'], raw);
}

function readWorkloads(source: YamlSource, raw: unknown, out: FileDiagnostics): ConfWorkload[] {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    out.warning(
      raw === undefined ? [] : ['workloads'],
      'no workloads: every test strategy runs its built-in workload',
      `add workloads: ${WORKLOAD_EXAMPLE}`,
      'key',
    );
    return [];
  }
  if (!Array.isArray(raw)) {
    out.error(
      ['workloads'],
      'workloads must be a list',
      `write each workload as a list item, ${WORKLOAD_EXAMPLE}`,
    );
    return [];
  }
  const workloads: ConfWorkload[] = [];
  const firstAt = new Map<string, number>();
  raw.forEach((item: unknown, index) => {
    const path = ['workloads', index];
    const { testStrategy, workload } = readWorkload(source, item, path, out);
    if (testStrategy === undefined) return;
    const earlier = firstAt.get(testStrategy);
    if (earlier !== undefined) {
      out.warning(
        [...path, 'teststrategy'],
        `teststrategy "${testStrategy}" is also defined at line ${earlier}; only that first workload is used`,
        'remove one of the two, or rename this one',
      );
      return;
    }
    firstAt.set(testStrategy, locate(source, path)?.line ?? 0);
    if (workload !== undefined) workloads.push(workload);
  });
  return workloads;
}

function readWorkload(
  source: YamlSource,
  item: unknown,
  path: DocPath,
  out: FileDiagnostics,
): { testStrategy?: string; workload?: ConfWorkload } {
  if (!isRecord(item)) {
    out.error(path, 'a workload must be a mapping of keys to values', WORKLOAD_EXAMPLE);
    return {};
  }
  warnUnknownKeys(item, path, WORKLOAD_KEYS, out);
  const at = (key: string): DocPath => [...path, key];
  const testStrategy = readStrategy(source, item.teststrategy, at('teststrategy'), path, out);
  const before = out.list.length;
  const workload = {
    vuser: readWholeNumber(item.vuser, at('vuser'), 1, 1, out),
    loopCount: readWholeNumber(item.loopcount, at('loopcount'), 1, 1, out),
    thinkTimeMs: readWholeNumber(item.thinktime, at('thinktime'), 0, 0, out),
    script: readScript(item.script, at('script'), defaultScript(testStrategy ?? 'teststrategy'), out),
    acceptedErrorRate: readErrorRate(item.acceptederrorrate, at('acceptederrorrate'), out),
    avgRtValidationMs: readWholeNumber(item.avgrtvalidation, at('avgrtvalidation'), 0, 0, out),
    properties: readProperties(source, item.properties, at('properties'), out),
  };
  const failed = out.list.slice(before).some((d) => d.severity === 'error');
  if (testStrategy === undefined || failed) return testStrategy === undefined ? {} : { testStrategy };
  const position = locate(source, path) ?? { line: 1, column: 1 };
  return { testStrategy, workload: { testStrategy, ...workload, ...position } };
}

function readStrategy(
  source: YamlSource,
  raw: unknown,
  path: DocPath,
  workloadPath: DocPath,
  out: FileDiagnostics,
): string | undefined {
  const text =
    raw === undefined || raw === null || typeof raw === 'object' ? '' : scalarText(source, path, raw);
  if (text.trim() === '') {
    const target = findNode(source, path).found ? path : workloadPath;
    out.error(
      target,
      'a workload needs a teststrategy: the shipyard test task property that selects it',
      'write e.g. teststrategy: performance',
    );
    return undefined;
  }
  return normaliseStrategy(text);
}

function warnUnknownKeys(
  data: Record<string, unknown>,
  path: DocPath,
  known: readonly string[],
  out: FileDiagnostics,
): void {
  for (const key of Object.keys(data)) {
    if (known.includes(key)) continue;
    const suggestion = suggestKey(key, known);
    const hint =
      suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
    out.warning([...path, key], `unknown key ${JSON.stringify(key)} (ignored)`, hint, 'key');
  }
}
