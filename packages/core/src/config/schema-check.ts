/**
 * The JSON Schema step: checks a parsed file against one of the schemas shipped in
 * packages/core/schemas (the same files users point their editors at) and turns ajv's errors
 * into diagnostics at the YAML node they are about.
 */

import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as generated from './generated/schema-validators.js';
import type { FileDiagnostics } from './file-diagnostics.js';
import { suggestKey } from './suggest.js';
import { describeError } from './schema-messages.js';
import type { DocPath, YamlSource } from './yaml-nodes.js';

export type SchemaName = 'slo' | 'sli' | 'ci-connect' | 'shipyard' | 'remediation';

/** The schema files, relative to packages/core (the same path from src/ and dist/). */
export const SCHEMA_FILES: Readonly<Record<SchemaName, string>> = {
  slo: 'schemas/slo.schema.json',
  sli: 'schemas/sli.schema.json',
  'ci-connect': 'schemas/ci-connect.schema.json',
  shipyard: 'schemas/shipyard.schema.json',
  remediation: 'schemas/remediation.schema.json',
};

export interface SchemaCheckOptions {
  /** Leave `required` to the semantic rules, which say more about what is missing. */
  skipRequired?: boolean;
  /** Drop diagnostics at or below these paths (e.g. secrets, whose values must not be echoed). */
  suppress?: (path: DocPath) => boolean;
  /** A better hint for a problem than the generic one, by path and ajv keyword. */
  hint?: (path: DocPath, keyword: string) => string | undefined;
}

/** The parsed JSON of a shipped schema file (what editors read; validation uses the compiled code). */
export function readSchema(name: SchemaName): Record<string, unknown> {
  const url = new URL(`../../${SCHEMA_FILES[name]}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** Validation code compiled from the schema files at build time (scripts/compile-schemas.js). */
const VALIDATORS: Readonly<Record<SchemaName, ValidateFunction>> = {
  slo: generated.slo as ValidateFunction,
  sli: generated.sli as ValidateFunction,
  'ci-connect': generated.ci_connect as ValidateFunction,
  shipyard: generated.shipyard as ValidateFunction,
  remediation: generated.remediation as ValidateFunction,
};

/**
 * The validator for a schema. Compiled ahead of time: importing ajv and compiling the SLO schema
 * at run time would cost ~85 ms of every command's start-up.
 */
export function schemaValidator(name: SchemaName): Promise<ValidateFunction> {
  return Promise.resolve(VALIDATORS[name]);
}

/** Checks `source.data` against a schema; unknown keys become warnings, everything else errors. */
export async function checkSchema(
  name: SchemaName,
  source: YamlSource,
  out: FileDiagnostics,
  options: SchemaCheckOptions = {},
): Promise<void> {
  const validate = await schemaValidator(name);
  if (validate(source.data)) return;
  const seen = new Set<string>();
  for (const error of sortErrors(validate.errors ?? [])) {
    if (options.skipRequired === true && error.keyword === 'required') continue;
    const path = [...toDocPath(source.data, error.instancePath), ...childKey(error)];
    if (options.suppress?.(path) === true) continue;
    // One problem per value: a wrong type also fails its enum or pattern; say it once.
    const key = `${error.instancePath}|${childKey(error).join('')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    report(error, path, out, options.hint?.(path, error.keyword));
  }
}

function report(error: ErrorObject, path: DocPath, out: FileDiagnostics, betterHint?: string): void {
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
    const suggestion = suggestKey(key, known);
    const list = known.length > 0 ? `known keys: ${known.join(', ')}` : undefined;
    const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : list;
    out.warning(path, `unknown key ${JSON.stringify(key)} (ignored)`, hint, 'key');
    return;
  }
  const [message, hint] = describeError(error);
  // "Write it without quotes" beats a general hint; otherwise the caller's hint is more specific.
  out.error(path, message, error.keyword === 'type' ? (hint ?? betterHint) : (betterHint ?? hint));
}

/** Type errors first, so that the one message per value is the most basic one. */
function sortErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const rank = (e: ErrorObject) => (e.keyword === 'type' ? 0 : 1);
  return [...errors].sort((a, b) => rank(a) - rank(b));
}

/** For required and additionalProperties the problem is a key below the reported object. */
function childKey(error: ErrorObject): string[] {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return [String(params.missingProperty)];
  if (error.keyword === 'additionalProperties') return [String(params.additionalProperty)];
  return [];
}

/** Turns ajv's JSON pointer into a document path, with numbers for list positions. */
export function toDocPath(data: unknown, pointer: string): (string | number)[] {
  const path: (string | number)[] = [];
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(value) ? Number(part) : Number.NaN;
    path.push(Number.isInteger(index) ? index : part);
    value = Array.isArray(value) ? value[index] : (value as Record<string, unknown> | undefined)?.[part];
  }
  return path;
}
