import { ConfigError } from '../errors.js';
import { formatDiagnostic } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';

const MAX_LISTED = 20;

/** Throws a ConfigError carrying every diagnostic when any of them is an error. */
export function throwIfConfigErrors(diagnostics: readonly Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const lines = errors.slice(0, MAX_LISTED).map(formatDiagnostic);
  if (errors.length > MAX_LISTED) lines.push(`... and ${errors.length - MAX_LISTED} more`);
  const files = new Set(errors.map((d) => d.file));
  const title = `${errors.length} configuration error${errors.length === 1 ? '' : 's'} in ${[...files].join(', ')}`;
  throw new ConfigError(`${title}:\n${lines.join('\n')}`, { diagnostics });
}

/** The loaded value of a load result, or a ConfigError with all its diagnostics. */
export function requireConfig<T>(value: T | undefined, diagnostics: readonly Diagnostic[]): T {
  throwIfConfigErrors(diagnostics);
  if (value === undefined) throw new ConfigError('the configuration could not be loaded', { diagnostics });
  return value;
}
