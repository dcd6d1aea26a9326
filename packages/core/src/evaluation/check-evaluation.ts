/**
 * The quality gate's setup, checked without fetching anything (a stage run's check before its
 * first task): the SLO and SLI files load, every scored SLI has exactly one provider, and each
 * provider that would be asked is configured (its endpoint env vars set, a results file for
 * JMeter indicators).
 */

import { CiConnectError } from '../errors.js';
import { planIndicators } from './resolve-indicators.js';
import { loadEvaluationSetup, type EvaluationSetupRequest, type SetupEnvironment } from './setup.js';

/** A problem of the gate's setup: what, how to fix it, and its exit code (2 config, 3 unreachable). */
export interface GateProblem {
  message: string;
  hint?: string;
  exitCode: 2 | 3;
}

/** What checking the gate found; `notes` says which provider answers what when that is a choice. */
export interface GateCheck {
  problems: GateProblem[];
  notes: string[];
  /** Which provider would answer each SLI, for the plan. */
  providers: Record<string, string[]>;
}

/** Loads the gate's files and plans its SLIs as `evaluate` would, and asks no one. */
export async function checkEvaluation(
  request: EvaluationSetupRequest,
  environment: SetupEnvironment,
): Promise<GateCheck> {
  const check: GateCheck = { problems: [], notes: [], providers: {} };
  try {
    const setup = await loadEvaluationSetup(request, environment);
    const plan = planIndicators(setup.slo.objectives, setup.providers);
    check.notes.push(...plan.notes);
    for (const sli of plan.undefinedInfo)
      check.notes.push(
        `informational SLI "${sli}" is not defined by any provider; it is shown without value`,
      );
    for (const [provider, slis] of plan.byProvider) {
      check.providers[provider.name] = [...slis];
      try {
        provider.checkConfigured?.(slis);
      } catch (error) {
        check.problems.push(problemOf(error));
      }
    }
  } catch (error) {
    check.problems.push(problemOf(error));
  }
  return check;
}

/** A user-facing error as a problem (a stage run's checks take theirs so too); anything else is a bug and is rethrown. */
export function problemOf(error: unknown): GateProblem {
  if (!(error instanceof CiConnectError)) throw error;
  return {
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    exitCode: error.exitCode === 3 ? 3 : 2,
  };
}
