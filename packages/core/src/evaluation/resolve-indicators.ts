import { ConfigError } from '../errors.js';
import type { Objective } from '../gate/types.js';
import type { IndicatorDefinition, SliProvider } from '../providers/provider.js';

/** Which provider answers each SLI the SLO uses. */
export interface IndicatorPlan {
  byProvider: Map<SliProvider, string[]>;
  /** Informational objectives whose SLI nobody defines: shown without value, not scored. */
  undefinedInfo: string[];
  /** What the run should be told about the choice (a results file's built-ins over others'). */
  notes: string[];
}

/** Which definition wins: a value given for this run, then an SLI file, then a built-in default. */
export const PRECEDENCE: readonly IndicatorDefinition['origin'][] = [
  'values',
  'file',
  'default',
  'fallback',
  'unconfigured',
];

/**
 * Looks each objective's SLI up in every provider (DESIGN.md section 3). A value given with
 * `--values` overrides any definition (dry runs, values from an earlier step); an SLI file beats a
 * provider's built-in default; among built-in defaults, those of this run's results file (a
 * provider with its own time span: `--jtl`) win, with a note; any other two definitions of the
 * same rank are ambiguous: a config error.
 */
export function planIndicators(
  objectives: readonly Objective[],
  providers: readonly SliProvider[],
): IndicatorPlan {
  const byProvider = new Map<SliProvider, string[]>();
  const problems: string[] = [];
  const undefinedScored: string[] = [];
  const undefinedInfo: string[] = [];
  const overridden: { sli: string; winner: string; others: string[] }[] = [];
  for (const sli of new Set(objectives.map((o) => o.sli))) {
    const candidates = providers.flatMap((provider) =>
      provider.indicators.filter((i) => i.name === sli).map((definition) => ({ provider, definition })),
    );
    const origin = PRECEDENCE.find((o) => candidates.some((c) => c.definition.origin === o));
    let chosen = candidates.filter((c) => c.definition.origin === origin);
    const measured = chosen.filter((c) => c.provider.timeSpan !== undefined);
    if (origin === 'default' && chosen.length > 1 && measured.length === 1) {
      const others = chosen.filter((c) => c !== measured[0]).map((c) => c.provider.name);
      overridden.push({ sli, winner: measured[0]!.provider.name, others });
      chosen = measured;
    }
    if (chosen.length === 1) {
      const { provider } = chosen[0]!;
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), sli]);
    } else if (chosen.length > 1) {
      problems.push(
        `SLI "${sli}" is defined by ${chosen.map((c) => describe(c.provider.name, c.definition)).join(' and ')}`,
      );
    } else if (objectives.some((o) => o.sli === sli && o.pass.length > 0)) {
      undefinedScored.push(sli);
    } else {
      undefinedInfo.push(sli);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.join('; '), {
      hint:
        'an SLI comes from one provider: remove or rename one of the SLI-file definitions; where two ' +
        'providers offer it built in, define it in the SLI file of the one you mean (e.g. ' +
        'response_time_p95: "measure=p95" in sli/jmeter.yaml), which takes precedence',
    });
  }
  if (undefinedScored.length > 0) {
    const known = providers
      .map((p) => `${p.name}: ${p.indicators.map((i) => i.name).join(', ') || 'none'}`)
      .join('; ');
    throw new ConfigError(
      `no provider defines ${undefinedScored.map((s) => `"${s}"`).join(', ')} (known SLIs: ${known || 'none'})`,
      {
        hint: 'define it in sli/<provider>.yaml, give its value with --values, or pass --jtl for the JMeter indicators',
      },
    );
  }
  return { byProvider, undefinedInfo, notes: overridden.length > 0 ? [overriddenNote(overridden)] : [] };
}

/** One line for every built-in a results file answers in place of another provider's built-in. */
function overriddenNote(overridden: readonly { sli: string; winner: string; others: string[] }[]): string {
  const others = [...new Set(overridden.flatMap((o) => o.others))];
  const winners = [...new Set(overridden.map((o) => o.winner))];
  return (
    `this run's results file answers ${overridden.map((o) => o.sli).join(', ')} (${winners.join(', ')} ` +
    `built-ins); the built-ins of ${others.join(' and ')} with the same names are not used. ` +
    `To use them for one, define it in ${others.map((o) => `sli/${o}.yaml`).join(' or ')}`
  );
}

function describe(provider: string, definition: IndicatorDefinition): string {
  if (
    definition.origin === 'default' ||
    definition.origin === 'fallback' ||
    definition.origin === 'unconfigured'
  )
    return `${provider} (built-in)`;
  return definition.file === undefined ? provider : `${provider} (${definition.file})`;
}
