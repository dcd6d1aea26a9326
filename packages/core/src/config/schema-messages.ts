/** Messages for ajv's errors: what was expected, what was found, never repeating text values. */

import type { ErrorObject } from 'ajv';
import { suggestKey } from './suggest.js';
import { showScalar } from './yaml-nodes.js';

/** Message and hint for one ajv error (other than additionalProperties: a warning, not an error). */
export function describeError(error: ErrorObject): [string, string?] {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return ['missing (required)'];
  if (error.keyword === 'type') {
    return [`must be ${describeTypes(params.type)}, not ${describeValue(error.data)}`, typeHint(error)];
  }
  if (error.keyword !== 'enum') return describeOther(error);
  const allowed = (error.schema as unknown[]).filter((v) => v !== null).map(String);
  const data = error.data;
  // Short values are too close to everything: "p99" is not a typo of "p90".
  const suggestion = typeof data === 'string' && data.length > 3 ? suggestKey(data, allowed) : undefined;
  const hint = suggestion === undefined ? undefined : `did you mean "${suggestion}"?`;
  return [`${JSON.stringify(data)} is not one of ${allowed.join(', ')}`, hint];
}

/** Message and hint for keywords other than type, enum, required and additionalProperties. */
export function describeOther(error: ErrorObject): [string, string?] {
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema ?? {};
  switch (error.keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [
        `must be ${String(params.comparison)} ${String(params.limit)}, not ${describeValue(error.data)}`,
      ];
    case 'pattern': {
      if (String(schema.type).includes('boolean')) {
        const quoted = /^(true|false)$/i.test(String(error.data));
        return ['must be true or false', quoted ? 'write true or false without quotes' : undefined];
      }
      // The value is not repeated: a token pasted into the wrong key must not reach the log.
      // The first sentence of the schema's description says what the value should be.
      const description = typeof schema.description === 'string' ? schema.description : '';
      return [
        'does not have the required form',
        description.split(/\. /)[0]?.replace(/\.$/, '') || undefined,
      ];
    }
    case 'maxLength':
      return [`must be at most ${String(params.limit)} characters long`];
    default:
      return [error.message ?? `fails the schema's ${error.keyword} rule`];
  }
}

/** The expected types in words (`a whole number`, `a list`), leaving out null. */
export function describeTypes(type: unknown): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
  };
  const types = (Array.isArray(type) ? type : String(type).split(','))
    .map(String)
    .filter((t) => t !== 'null');
  // A text field also takes numbers and booleans (as Go did); saying "text" is enough.
  const shown = types.includes('string')
    ? types.filter((t) => t === 'string' || t === 'object' || t === 'array')
    : types;
  return shown.map((t) => names[t] ?? t).join(' or ');
}

/** What a value is, without repeating text (it could be a secret). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return showScalar(value);
}

/** How to fix a quoted number or boolean. */
export function typeHint(error: ErrorObject): string | undefined {
  const expected = String((error.params as { type?: unknown }).type);
  const data = error.data;
  if (typeof data !== 'string') return undefined;
  if (/integer|number/.test(expected) && /^\s*-?\d+(\.\d+)?\s*$/.test(data))
    return 'write the number without quotes';
  if (/boolean/.test(expected) && /^(true|false)$/i.test(data.trim()))
    return 'write true or false without quotes';
  return undefined;
}
