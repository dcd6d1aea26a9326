/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already
 * `Html`: a value from history (an SLI name, a label, a version) cannot open a tag or an
 * attribute, whatever it holds. Escaping is the `entities` package's (fb55's, behind htmlparser2
 * and cheerio), not hand-written: `&`, `<`, `>`, `"` and `'`, safe in text and quoted attributes.
 * (The tag is `markup`, not `html`: prettier would reformat an `html` template's output.)
 */

import { escapeUTF8 } from 'entities/escape';

/** Markup that is already safe: made only by `markup` and `joinHtml`. */
export class Html {
  private constructor(readonly value: string) {}

  /** Markup known to be safe; only for the templates here, never for data. */
  static trusted(value: string): Html {
    return new Html(value);
  }

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), numbers, markup, lists of markup, or nothing. */
export type HtmlValue = Html | string | number | readonly Html[] | undefined | false;

/** `markup\`<td class="${cls}">${text}</td>\``: text and attribute values escaped. */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return Html.trusted(out);
}

/** Markup of many parts, in order, with `separator` (itself escaped) between them. */
export function joinHtml(parts: readonly Html[], separator = ''): Html {
  return Html.trusted(parts.map((p) => p.value).join(escapeUTF8(separator)));
}

/** The text, escaped for HTML text and quoted attribute values. */
export function escapeHtml(text: string): string {
  return escapeUTF8(text);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeUTF8(value);
  return value.map((v) => v.value).join('');
}
