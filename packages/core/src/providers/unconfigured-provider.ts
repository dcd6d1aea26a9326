import { UsageError } from '../errors.js';
import type { SliFile } from '../config/sli-file.js';
import type { SliValue } from '../gate/types.js';
import type { IndicatorDefinition, SliProvider } from './provider.js';
import { sliQueriesOf } from './sli-queries.js';

/**
 * A provider that cannot run as configured (no results file, no client yet). It still names its
 * indicators, so an SLO that needs one gets a usage error that says what to pass.
 */
export class UnconfiguredProvider implements SliProvider {
  constructor(
    readonly name: string,
    readonly indicators: readonly IndicatorDefinition[],
    private readonly reason: { message: string; hint: string },
  ) {}

  fetch(names: readonly string[]): Promise<SliValue[]> {
    return Promise.reject(this.error(names));
  }

  checkConfigured(names: readonly string[]): void {
    throw this.error(names);
  }

  private error(names: readonly string[]): UsageError {
    return new UsageError(`${this.reason.message} (${names.join(', ')})`, { hint: this.reason.hint });
  }
}

/** A provider's indicators: its defaults (those its SLI file does not redefine), then the file's. */
export function definitionsOf(
  provider: string,
  defaults: Readonly<Record<string, string>>,
  sliFile: SliFile | undefined,
  defaultOrigin: IndicatorDefinition['origin'],
): IndicatorDefinition[] {
  const fromFile = sliQueriesOf(sliFile).sliFile?.indicators ?? {};
  return [
    ...Object.entries(defaults)
      .filter(([name]) => !(name in fromFile))
      .map(([name, query]): IndicatorDefinition => ({ name, query, origin: defaultOrigin })),
    ...Object.entries(fromFile).map(([name, query]): IndicatorDefinition => ({
      name,
      query,
      origin: 'file',
      file: sliFile?.file ?? provider,
    })),
  ];
}
