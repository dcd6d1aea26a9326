// Helpers for the pipeline tests: shipyards from fixtures or text, plans with defaults, and the
// CI systems' own JSON Schemas (copied into fixtures/schemas/, see its SOURCES.md) as ajv validators.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { keptnExample } from '../../config/test-support/diagnostics.js';
import { loadShipyardFile, parseShipyard } from '../../shipyard/shipyard-file.js';
import type { Shipyard } from '../../shipyard/types.js';
import { planPipeline, type PipelinePlanRequest } from '../plan-pipeline.js';
import type { PipelinePlan } from '../types.js';

export async function keptnShipyard(name: string): Promise<Shipyard> {
  const { shipyard, diagnostics } = await loadShipyardFile(keptnExample(name));
  if (shipyard === undefined) throw new Error(JSON.stringify(diagnostics));
  return shipyard;
}

export async function shipyardOf(text: string): Promise<Shipyard> {
  const { shipyard, diagnostics } = await parseShipyard(text);
  if (shipyard === undefined) throw new Error(JSON.stringify(diagnostics));
  return shipyard;
}

/** A plan with one service `carts`, a git: history and Helm running every deployment. */
export function planOf(shipyard: Shipyard, request: Partial<PipelinePlanRequest> = {}): PipelinePlan {
  return planPipeline({
    shipyard,
    services: ['carts'],
    history: 'git:ci-connect-history',
    shipyardFile: '.ci-connect/shipyard.yaml',
    deploysWithHelm: (task) => ['deployment', 'release', 'rollback'].includes(task.name),
    ...request,
  });
}

/** Every shipyard of fixtures/keptn-examples (Keptn's examples and users' repositories). */
export const KEPTN_SHIPYARDS = [
  'examples-0.2.0_onboarding-carts_shipyard.yaml',
  'examples-0.7.3_onboarding-carts_shipyard.yaml',
  'examples_onboarding-carts_shipyard-argo.yaml',
  'examples_onboarding-carts_shipyard-quality-gates.yaml',
  'examples_onboarding-carts_shipyard.yaml',
  'examples_quickstart_shipyard.yaml',
  'examples_simplenodeservice_shipyard.yaml',
  'examples_simplenodeservice_shipyard_keptn07.yaml',
  'examples_unleash-server_shipyard.yaml',
  'gitlab-tutorial_shipyard.yaml',
  'tracetest_shipyard.yaml',
];

const validators = new Map<string, ValidateFunction>();

/** The validator of fixtures/schemas/<name>.json (draft-07, as GitLab and SchemaStore publish them). */
export function schemaValidator(name: 'gitlab-ci' | 'github-workflow'): ValidateFunction {
  let validate = validators.get(name);
  if (validate === undefined) {
    const file = fileURLToPath(new URL(`../../../../../fixtures/schemas/${name}.json`, import.meta.url));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    validators.set(name, validate);
  }
  return validate;
}
