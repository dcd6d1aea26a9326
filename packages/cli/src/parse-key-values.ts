import { UsageError } from '@ci-connect/core';

/** `key=value` pairs from a repeatable flag; the value may contain `=`; a key may come once. */
export function parseKeyValues(
  items: readonly string[],
  flag: string,
  example: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`${flag} ${JSON.stringify(item)} is not key=value`, {
        hint: `write e.g. ${flag} ${example}`,
      });
    }
    const key = item.slice(0, at).trim();
    if (Object.hasOwn(out, key)) {
      throw new UsageError(`${flag} gives "${key}" twice (${out[key]} and ${item.slice(at + 1)})`, {
        hint: `give each ${flag} key once`,
      });
    }
    out[key] = item.slice(at + 1);
  }
  return out;
}
