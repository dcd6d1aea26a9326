/**
 * The config directory check: the same validation as `ci-connect validate`, summed up as a
 * count and the first few problems, each `file:line:col path: message`.
 */

import { stat } from 'node:fs/promises';
import { formatDiagnostic } from '../config/diagnostics.js';
import { CONFIG_DIR_HINT } from '../config/service-files.js';
import { validateConfigDir } from '../config/validate-config-dir.js';
import { providerValidationOptions } from '../providers/registry.js';
import { checkResult } from './types.js';
import type { CheckResult } from './types.js';

export const CONFIG_CHECK = 'config';
const LISTED_PROBLEMS = 3;

/**
 * Validates the config directory. A missing directory the user named is a failure; the default
 * `.ci-connect` missing is only a warning, since a gate can run from flags alone.
 */
export async function checkConfigDir(configDir: string, named: boolean): Promise<CheckResult> {
  const info = await stat(configDir).catch(() => undefined);
  if (info === undefined && named) {
    return checkResult(CONFIG_CHECK, 'fail', `config directory ${configDir} not found`, {
      hint: CONFIG_DIR_HINT,
      failure: 'config',
    });
  }
  if (info === undefined) {
    return checkResult(
      CONFIG_CHECK,
      'warning',
      `no config directory ${configDir}: only gates given by flags (--slo, --sli) can run`,
      { hint: CONFIG_DIR_HINT },
    );
  }
  const report = await validateConfigDir(configDir, providerValidationOptions());
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  const warnings = report.diagnostics.filter((d) => d.severity === 'warning');
  const counted = `${count(errors.length, 'error')}, ${count(warnings.length, 'warning')} in ${count(report.files.length, 'file')}`;
  const listed = [...errors, ...warnings].slice(0, LISTED_PROBLEMS).map(formatDiagnostic);
  const more = report.diagnostics.length > LISTED_PROBLEMS;
  const hint = `fix the files named; ci-connect validate --config-dir ${configDir} lists ${more ? 'all of them' : 'them'} with hints`;
  if (errors.length > 0) {
    return checkResult(CONFIG_CHECK, 'fail', `${configDir}: ${counted}`, {
      hint,
      problems: listed,
      failure: 'config',
    });
  }
  if (warnings.length > 0) {
    return checkResult(CONFIG_CHECK, 'warning', `${configDir}: ${counted}`, { hint, problems: listed });
  }
  return checkResult(CONFIG_CHECK, 'ok', `${configDir}: ${count(report.files.length, 'file')} valid`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
