/**
 * Keptn prometheus-service's placeholder substitution (`replaceQueryParameters` in
 * keptn-contrib/prometheus-service utils/prometheus/prometheus.go): plain replace-all, case-sensitive,
 * no escaping, in Keptn's order, so that a Keptn user's sli.yaml means here what it meant there.
 */
import type { SliContext, TimeWindow } from '../provider.js';

/** `$DURATION_SECONDS`: the window's length rounded up to whole seconds, e.g. "300s". */
export function durationSeconds(window: TimeWindow): string {
  return `${Math.ceil((window.end.getTime() - window.start.getTime()) / 1000)}s`;
}

/** `$DEPLOYMENT`: the label `deployment`, else "primary" (Keptn's default deployment type). */
function deploymentOf(context: SliContext): string {
  return context.labels['deployment'] ?? 'primary';
}

/** Removes the quotes Keptn strips from filter values before substituting them. */
export function stripQuotes(value: string): string {
  return value.replaceAll("'", '').replaceAll('"', '');
}

/**
 * Replaces, in order: SLO filter keys (`$key` and `$KEY`), `$PROJECT`, `$STAGE`, `$SERVICE`,
 * `$DEPLOYMENT`, `$LABEL.<name>`, `$DURATION_SECONDS`. Unknown `$X` are left as they are.
 */
export function replacePlaceholders(query: string, context: SliContext): string {
  let out = query;
  for (const [key, raw] of Object.entries(context.filter)) {
    const value = stripQuotes(raw);
    out = out.replaceAll(`$${key}`, value).replaceAll(`$${key.toUpperCase()}`, value);
  }
  out = out
    .replaceAll('$PROJECT', context.project)
    .replaceAll('$STAGE', context.stage)
    .replaceAll('$SERVICE', context.service)
    .replaceAll('$DEPLOYMENT', deploymentOf(context));
  for (const [key, value] of Object.entries(context.labels)) out = out.replaceAll(`$LABEL.${key}`, value);
  return out.replaceAll('$DURATION_SECONDS', durationSeconds(context.window));
}
