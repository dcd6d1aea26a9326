/**
 * Loading `remediation.yaml` (Keptn spec.keptn.sh/0.1.4, keptn-spec.md 4): yaml → the JSON Schema
 * in packages/core/schemas/remediation.schema.json → the rules Keptn's remediation-service
 * applied, plus the ones it only hit when a problem arrived (no actions, an action without id).
 */

import type { Diagnostic } from '../config/diagnostics.js';
import { sortDiagnostics } from '../config/file-diagnostics.js';
import type { FileDiagnostics } from '../config/file-diagnostics.js';
import { isRecord } from '../config/guards.js';
import { readYamlFile } from '../config/load-yaml-file.js';
import type { LoadOptions } from '../config/load-yaml-file.js';
import { checkSchema } from '../config/schema-check.js';
import { locate, scalarText } from '../config/yaml-nodes.js';
import type { DocPath, YamlSource } from '../config/yaml-nodes.js';
import { parseYamlSource } from '../config/yaml-source.js';
import type { YamlParseResult } from '../config/yaml-source.js';
import { suggestKey } from '../config/suggest.js';
import { noActionRunnerHint } from './runnable-actions.js';
import type { Remediation, RemediationAction, RemediationFile } from './types.js';

export interface RemediationLoadResult {
  /** Present when the file has no errors (warnings allowed). */
  remediation?: RemediationFile;
  diagnostics: Diagnostic[];
}

/** The only version Keptn's remediation-service read. */
export const REMEDIATION_API_VERSION = 'spec.keptn.sh/0.1.4';

const NOT_FOUND_HINT =
  'put it in the config directory as base/<service>/remediation.yaml (--config-dir, CI_CONNECT_CONFIG_DIR)';
const REMEDIATIONS_HINT =
  'add e.g. spec: { remediations: [{ problemType: default, actionsOnOpen: [{ action: scaling, name: scale up, value: "1" }] }] }';

/** Loading options; with `runnableActions`, an action none of them names is reported (validate). */
export interface RemediationLoadOptions extends LoadOptions {
  /** The actions that have a runner (runnableActionNames of ci-connect.yaml). */
  runnableActions?: readonly string[] | undefined;
}

interface Context {
  source: YamlSource;
  out: FileDiagnostics;
  runnableActions: readonly string[] | undefined;
}

/** Loads and validates a Keptn remediation file; every problem of the file is in `diagnostics`. */
export async function loadRemediationFile(
  path: string,
  options: RemediationLoadOptions = {},
): Promise<RemediationLoadResult> {
  return finish(
    await readYamlFile(path, { notFoundHint: NOT_FOUND_HINT, ...options }),
    options.runnableActions,
  );
}

/** Validates remediation text as if read from `file`. */
export async function parseRemediation(
  text: string,
  file = 'remediation.yaml',
  options: RemediationLoadOptions = {},
): Promise<RemediationLoadResult> {
  return finish(parseYamlSource(file, text, options), options.runnableActions);
}

/** `ci-connect validate` for remediation.yaml (registered in FILE_VALIDATORS). */
export async function validateRemediationFile(
  path: string,
  options: RemediationLoadOptions = {},
): Promise<Diagnostic[]> {
  return (await loadRemediationFile(path, options)).diagnostics;
}

async function finish(
  { source, diagnostics: out }: YamlParseResult,
  runnableActions?: readonly string[],
): Promise<RemediationLoadResult> {
  if (source === undefined) return { diagnostics: sortDiagnostics(out.list) };
  await checkSchema('remediation', source, out, { skipRequired: true });
  const ctx: Context = { source, out, runnableActions };
  const data = isRecord(source.data) ? source.data : {};
  checkApiVersion(ctx, data.apiVersion);
  const spec = isRecord(data.spec) ? data.spec : {};
  const remediations = readRemediations(ctx, spec.remediations, data.spec === undefined);
  const metadata = isRecord(data.metadata) ? data.metadata : {};
  const name = text(ctx, ['metadata', 'name'], metadata.name);
  return {
    ...(out.hasErrors ? {} : { remediation: { file: source.file, name, remediations } }),
    diagnostics: sortDiagnostics(out.list),
  };
}

function checkApiVersion(ctx: Context, raw: unknown): void {
  const version = text(ctx, ['apiVersion'], raw);
  if (version === REMEDIATION_API_VERSION || isRecord(raw) || Array.isArray(raw)) return;
  const hint = `write apiVersion: ${REMEDIATION_API_VERSION} (the only remediation version Keptn read)`;
  if (version === '')
    ctx.out.error(['apiVersion'], 'missing: a remediation file starts with its apiVersion', hint, 'key');
  else
    ctx.out.error(
      ['apiVersion'],
      `${JSON.stringify(version)} is not a remediation version ci-connect reads`,
      hint,
    );
}

function readRemediations(ctx: Context, raw: unknown, noSpec: boolean): Remediation[] {
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) return []; // reported by the schema check
  const list: unknown[] = Array.isArray(raw) ? raw : [];
  if (list.length === 0) {
    const at = noSpec ? ['spec'] : ['spec', 'remediations'];
    ctx.out.error(
      at,
      'no remediations: the file needs at least one problemType with actions',
      REMEDIATIONS_HINT,
      'key',
    );
  }
  const seen = new Map<string, DocPath>();
  const remediations: Remediation[] = [];
  list.forEach((entry, i) => {
    const path = ['spec', 'remediations', i];
    if (!isRecord(entry)) {
      if (entry === null)
        ctx.out.error(path, 'empty remediation', 'add problemType and actionsOnOpen, or remove the lone "-"');
      return;
    }
    const problemType = text(ctx, [...path, 'problemType'], entry.problemType);
    if (problemType === '')
      ctx.out.error(
        [...path, 'problemType'],
        'missing: the problem this remediation is for',
        'add e.g. problemType: Response time degradation (or default)',
        'key',
      );
    const actions = readActions(ctx, entry.actionsOnOpen, [...path, 'actionsOnOpen']);
    if (problemType !== '' && warnDuplicate(ctx, seen, problemType, path))
      remediations.push({ problemType, actions });
  });
  return remediations;
}

/** Keptn used the first entry of a problem type; a second one never ran. */
function warnDuplicate(
  ctx: Context,
  seen: Map<string, DocPath>,
  problemType: string,
  path: DocPath,
): boolean {
  const first = seen.get(problemType);
  if (first === undefined) {
    seen.set(problemType, path);
    return true;
  }
  const line = locate(ctx.source, [...first, 'problemType'])?.line;
  ctx.out.warning(
    [...path, 'problemType'],
    `never used: problemType ${JSON.stringify(problemType)} appears earlier${line === undefined ? '' : ` (line ${line})`}, and only the first is used`,
    'merge its actionsOnOpen into the first entry',
  );
  return false;
}

function readActions(ctx: Context, raw: unknown, path: DocPath): RemediationAction[] {
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) return [];
  const list: unknown[] = Array.isArray(raw) ? raw : [];
  if (list.length === 0)
    ctx.out.error(
      path,
      'no actions: a remediation needs at least one action in actionsOnOpen',
      'add e.g. actionsOnOpen: [{ action: scaling, name: scale up, value: "1" }]',
      'key',
    );
  const actions: RemediationAction[] = [];
  list.forEach((entry, i) => {
    const entryPath = [...path, i];
    if (!isRecord(entry)) {
      if (entry === null)
        ctx.out.error(entryPath, 'empty action', 'add action: <id>, or remove the lone "-"');
      return;
    }
    const action = text(ctx, [...entryPath, 'action'], entry.action);
    if (action === '') {
      ctx.out.error(
        [...entryPath, 'action'],
        "missing: the action's identifier",
        'add e.g. action: scaling',
        'key',
      );
      return;
    }
    checkRunner(ctx, action, [...entryPath, 'action']);
    actions.push({
      action,
      name: text(ctx, [...entryPath, 'name'], entry.name),
      description: text(ctx, [...entryPath, 'description'], entry.description),
      ...(entry.value === undefined ? {} : { value: entry.value }),
    });
  });
  return actions;
}

/** An action no runner runs: `remediate` refuses it before it runs anything (exit 2), so it is an error here too. */
function checkRunner(ctx: Context, action: string, path: DocPath): void {
  const runnable = ctx.runnableActions;
  if (runnable === undefined || runnable.includes(action)) return;
  const hint = noActionRunnerHint(action, runnable, suggestKey(action, runnable));
  ctx.out.error(path, `the action "${action}" has no runner`, hint);
}

/** A scalar as text; '' for missing values and for lists or mappings (the schema reported those). */
function text(ctx: Context, path: DocPath, raw: unknown): string {
  if (isRecord(raw) || Array.isArray(raw)) return '';
  return scalarText(ctx.source, path, raw);
}
