import { refuseControlCharacters, UsageError } from '@ci-connect/core';

/**
 * `key=value` pairs from a repeatable flag; the value may contain `=`; a key may come once.
 * `source` names where the items came from when that is not the flag itself (an env var).
 */
export function parseKeyValues(
  items: readonly string[],
  flag: string,
  example: string,
  source = flag,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    // Keys and values are printed and recorded: no line breaks or other control characters.
    refuseControlCharacters(item, source);
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`${source} ${JSON.stringify(item)} is not key=value`, {
        hint: `write e.g. ${flag} ${example}`,
      });
    }
    const key = item.slice(0, at).trim();
    if (Object.hasOwn(out, key)) {
      throw new UsageError(`${source} gives "${key}" twice (${out[key]} and ${item.slice(at + 1)})`, {
        hint: `give each ${flag} key once`,
      });
    }
    out[key] = item.slice(at + 1);
  }
  return out;
}

/** The `--label` flags, or else CI_CONNECT_LABELS (`k=v,k2=v2`), as a record; shared by every command. */
export function parseLabels(
  flagValues: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  if (flagValues !== undefined) return parseKeyValues(flagValues, '--label', 'buildId=812');
  return parseKeyValues(splitList(env.CI_CONNECT_LABELS), '--label', 'buildId=812', 'CI_CONNECT_LABELS');
}

function splitList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
