// GitLab CI/CD component templates as GitLab reads them (https://docs.gitlab.com/ci/inputs/): a
// `spec:` header, `---`, then the jobs. `expandTemplate` checks given inputs against the spec
// (unknown, missing, type, options, regex: GitLab refuses to create the pipeline for each) and
// interpolates `$[[ inputs.id ]]` in keys and values; a node that is only the interpolation takes
// the input's type (a boolean stays a boolean), as GitLab's does. An unknown input reference throws.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export type InputValue = string | number | boolean | unknown[];

export interface InputSpec {
  type?: 'string' | 'number' | 'boolean' | 'array';
  default?: InputValue;
  description?: string;
  options?: InputValue[];
  regex?: string;
}

export interface ComponentTemplate {
  header: { spec: { inputs: Record<string, InputSpec> } };
  body: Record<string, unknown>;
}

/** A template's two documents, parsed. */
export function readTemplate(file: string): ComponentTemplate {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  if (!Array.isArray(documents) || documents.length !== 2)
    throw new Error(`${file}: expected a spec header, ---, and the jobs`);
  for (const document of documents)
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
  const [header, body] = documents.map((d) => d.toJS({ maxAliasCount: 0 }) as Record<string, unknown>);
  return { header: header as ComponentTemplate['header'], body: body ?? {} };
}

/** The input values GitLab would use: given ones checked against the spec, defaults for the rest. */
export function resolveInputs(
  specs: Record<string, InputSpec>,
  given: Record<string, InputValue>,
): Record<string, InputValue> {
  const unknown = Object.keys(given).filter((name) => !(name in specs));
  if (unknown.length > 0) throw new Error(`unknown input(s): ${unknown.join(', ')}`);
  const values: Record<string, InputValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = name in given ? given[name] : spec.default;
    if (value === undefined) throw new Error(`\`${name}\` input: required value not provided`);
    const type = spec.type ?? 'string';
    const actual = Array.isArray(value) ? 'array' : typeof value;
    if (actual !== type) throw new Error(`\`${name}\` input: provided value is not a ${type}`);
    if (spec.options !== undefined && !spec.options.includes(value))
      throw new Error(
        `\`${name}\` input: \`${String(value)}\` cannot be used because it is not in the list of allowed options`,
      );
    if (spec.regex !== undefined && typeof value === 'string' && !new RegExp(spec.regex).test(value))
      throw new Error(`\`${name}\` input: provided value does not match required RegEx pattern`);
    values[name] = value;
  }
  return values;
}

const WHOLE = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/;
const PART = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;
const ANY = /\$\[\[(.*?)\]\]/g;

/** Interpolates every `$[[ inputs.id ]]`; throws for a name the spec does not declare or any other `$[[ ]]`. */
export function interpolate(node: unknown, inputs: Record<string, InputValue>): unknown {
  const lookup = (name: string): InputValue => {
    if (!(name in inputs)) throw new Error(`unknown interpolation key: \`${name}\``);
    return inputs[name] as InputValue;
  };
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole !== null) return lookup(whole[1] as string);
    for (const [, inner] of node.matchAll(ANY))
      if (!/^\s*inputs\.[A-Za-z0-9_-]+\s*$/.test(inner as string))
        throw new Error(`unsupported interpolation $[[${inner}]]`);
    return node.replace(PART, (_, name: string) => {
      const value = lookup(name);
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }
  if (Array.isArray(node)) return node.map((item) => interpolate(item, inputs));
  if (typeof node === 'object' && node !== null)
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        interpolate(key, inputs) as string,
        interpolate(value, inputs),
      ]),
    );
  return node;
}

/** The jobs of `file` with `given` inputs, as GitLab would add them to a pipeline. */
export function expandTemplate(file: string, given: Record<string, InputValue> = {}): Record<string, Job> {
  const template = readTemplate(file);
  const inputs = resolveInputs(template.header.spec.inputs, given);
  return interpolate(template.body, inputs) as Record<string, Job>;
}

/**
 * An included file's jobs with the pipeline's own of the same names, as GitLab merges them
 * (https://docs.gitlab.com/ci/yaml/includes/#override-included-configuration-values): hashes
 * merged key by key, anything else (an array such as `needs`) the pipeline's.
 */
export function mergeJobs(
  included: Record<string, unknown>,
  local: Record<string, unknown>,
): Record<string, Job> {
  const isHash = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const merge = (a: unknown, b: unknown): unknown =>
    isHash(a) && isHash(b)
      ? Object.fromEntries(
          [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [
            k,
            k in b ? merge(a[k], b[k]) : a[k],
          ]),
        )
      : b;
  return merge(included, local) as Record<string, Job>;
}

/** What the tests read of a job. */
export interface Job {
  stage: string;
  image: string;
  /** Absent: the job follows stage order. Given only by a job of the same name in the pipeline. */
  needs?: unknown[];
  when: string;
  environment: { name: string; action?: string };
  variables: Record<string, string | number | boolean>;
  before_script?: string[];
  script: string[];
  allow_failure: { exit_codes: number[] };
  artifacts: {
    when: string;
    expose_as: string;
    paths: string[];
    reports: { junit: string; dotenv: string; metrics: string };
  };
}

/**
 * A job's `variables` as the runner exports them: `$NAME` and `${NAME}` references to predefined
 * or earlier variables expanded (GitLab expands variables in variables); unknown ones stay as written.
 */
export function jobEnvironment(job: Job, predefined: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...predefined };
  for (const [name, raw] of Object.entries(job.variables ?? {}))
    env[name] = String(raw).replace(
      /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
      (whole, a?: string, b?: string) => {
        const ref = (a ?? b) as string;
        return env[ref] ?? whole;
      },
    );
  return env;
}

/** The shell script the runner runs: before_script then script, under `set -eo pipefail` as GitLab's bash does. */
export function jobScript(job: Job): string {
  return ['set -eo pipefail', ...(job.before_script ?? []), ...job.script].join('\n');
}
