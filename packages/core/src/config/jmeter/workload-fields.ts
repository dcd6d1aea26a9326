/**
 * The value checks of one jmeter.conf.yaml workload. A field left out takes jmeter-service's
 * value (Go's zero value), except where that zero would run nothing: vuser and loopcount take 1,
 * script takes `jmeter/<teststrategy>.jmx`.
 */

import type { FileDiagnostics } from '../file-diagnostics.js';
import { isRecord } from '../guards.js';
import { scalarText } from '../yaml-nodes.js';
import type { DocPath, YamlSource } from '../yaml-nodes.js';
import { checkPropertyName } from './property-names.js';

/** A whole number >= `min`; `fallback` when the key is absent; reports anything else. */
export function readWholeNumber(
  raw: unknown,
  path: DocPath,
  fallback: number,
  min: number,
  out: FileDiagnostics,
): number {
  if (raw === undefined) return fallback;
  const key = String(path.at(-1));
  const unit = key === 'thinktime' || key === 'avgrtvalidation' ? ' (milliseconds)' : '';
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
    out.error(path, `${key} must be a whole number >= ${min}${unit}, not ${describe(raw)}`, hintFor(key));
    return fallback;
  }
  return raw;
}

/** acceptederrorrate: a fraction of all samples, 0 to 1, as jmeter-service compared it. */
export function readErrorRate(raw: unknown, path: DocPath, out: FileDiagnostics): number {
  if (raw === undefined) return 0;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > 1) {
    const percent = typeof raw === 'number' && raw > 1 && raw <= 100;
    out.error(
      path,
      `acceptederrorrate must be a fraction from 0 to 1, not ${describe(raw)}`,
      percent
        ? `it is a fraction of all samples, not a percentage: write ${raw / 100} for ${raw}%`
        : 'write e.g. acceptederrorrate: 0.05 to accept up to 5% failed samples',
    );
    return 0;
  }
  return raw;
}

/** The plan's path, relative to the service's directory; `fallback` when absent. */
export function readScript(raw: unknown, path: DocPath, fallback: string, out: FileDiagnostics): string {
  if (raw === undefined) return fallback;
  const hint = `write a path inside the service's directory, e.g. script: ${fallback}`;
  if (typeof raw !== 'string' || raw.trim() === '') {
    out.error(path, `script must name the JMeter plan (.jmx), not ${describe(raw)}`, hint);
    return fallback;
  }
  const script = raw.trim();
  if (script.startsWith('/') || /^[A-Za-z]:[\\/]/.test(script)) {
    out.error(
      path,
      `script must be relative to the service's directory, not the absolute path ${script}`,
      hint,
    );
  } else if (script.split(/[\\/]/).includes('..')) {
    out.error(path, `script must stay inside the service's directory; ${script} leaves it with ".."`, hint);
  }
  return script;
}

/** properties: JMeter property names to values, kept as written (`010` stays "010"). */
export function readProperties(
  source: YamlSource,
  raw: unknown,
  path: DocPath,
  out: FileDiagnostics,
): Record<string, string> {
  const properties: Record<string, string> = {};
  if (raw === undefined || raw === null) return properties;
  if (!isRecord(raw)) {
    out.error(
      path,
      'properties must be a mapping of JMeter property names to values',
      'write e.g. properties: { TSN: checkout }',
    );
    return properties;
  }
  for (const [name, value] of Object.entries(raw)) {
    const at = [...path, name];
    const problem = checkPropertyName(name);
    if (problem !== undefined) {
      out.error(at, problem.message, problem.hint, 'key');
      continue;
    }
    if (value === null || typeof value === 'object') {
      out.error(at, `property ${name} needs a single value (text or a number)`, `write ${name}: <value>`);
      continue;
    }
    properties[name] = scalarText(source, at, value);
  }
  return properties;
}

function hintFor(key: string): string {
  switch (key) {
    case 'vuser':
      return 'the number of threads (virtual users), e.g. vuser: 10';
    case 'loopcount':
      return 'iterations per thread, e.g. loopcount: 100 (a test that never ends is not supported)';
    case 'thinktime':
      return 'milliseconds each thread waits before a request, e.g. thinktime: 250';
    default:
      return 'the highest accepted average response time in milliseconds, e.g. avgrtvalidation: 500 (0: no check)';
  }
}

function describe(raw: unknown): string {
  if (raw === null) return 'an empty value';
  if (typeof raw === 'string') return `the text ${JSON.stringify(raw)}`;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return Array.isArray(raw) ? 'a list' : 'a mapping';
}
