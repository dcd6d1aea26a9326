import { UsageError } from '@ci-connect/core';

/** `key=value` pairs from a repeatable flag; the value may contain `=`. */
export function parseKeyValues(items: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0)
      throw new UsageError(`${flag} ${JSON.stringify(item)} is not key=value`, {
        hint: `write e.g. ${flag} buildId=812`,
      });
    out[item.slice(0, at).trim()] = item.slice(at + 1);
  }
  return out;
}
