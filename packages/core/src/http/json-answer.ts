/**
 * A 2xx answer to a call that asked for JSON (`expect: 'json'`) whose body is not JSON: a login
 * page of single sign-on in front of the API, a captive proxy's page, a body cut short. Such an
 * answer says nothing about the monitored service; the API is as unusable from here as when it
 * cannot be reached, so it is an ExternalSystemError (exit 3), never a value or "no data"
 * (DESIGN.md section 5). Kept apart from http-errors.ts, which maps refused statuses.
 */

import { ExternalSystemError } from '../errors.js';
import { describeTarget } from './http-errors.js';
import type { HttpErrorContext } from './http-errors.js';
import type { Redactor } from '../redaction/redaction.js';

/** How much of a body is looked at for a title or a preview; bodies can be megabytes. */
const INSPECTED_CHARS = 4_000;
const MAX_PREVIEW = 100;

const HINT =
  'check that the URL points at the API itself, base URL and path, and whether a proxy or single sign-on ' +
  'in front of the API answers instead: reach the API directly with NO_PROXY, or with credentials it accepts';

/** The parsed body of a 2xx answer; throws ExternalSystemError when it is not JSON. */
export function readJsonAnswer(
  status: number,
  text: string,
  contentType: string | undefined,
  context: HttpErrorContext,
): unknown {
  if (text.trim() !== '') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Described below.
    }
  }
  throw unusableAnswer(status, text, contentType, context);
}

function unusableAnswer(
  status: number,
  text: string,
  contentType: string | undefined,
  context: HttpErrorContext,
): ExternalSystemError {
  const { redactor } = context;
  const target = describeTarget(context.url, redactor);
  const what = describeBody(text, contentType, redactor);
  const message = `${context.method} ${target} answered HTTP ${status} with ${what} instead of JSON`;
  return new ExternalSystemError(redactor.redact(message), { hint: HINT });
}

/** What came back, in a few words; every quoted piece is redacted before it is cut short. */
export function describeBody(text: string, contentType: string | undefined, redactor: Redactor): string {
  // Redacted before it is cut: clip redacts a bounded head, then cuts (no partial token).
  const head = redactor.clip(text.trimStart(), INSPECTED_CHARS);
  if (head.trim() === '') return 'an empty body';
  if (isHtml(head, contentType)) {
    const title = titleOf(head);
    return `an HTML page${title === '' ? '' : ` titled "${title}"`} (a login page or a proxy?)`;
  }
  if (/^[[{"]/.test(head) || (contentType ?? '').includes('json'))
    return `JSON that does not parse (${text.length} characters; cut short or malformed)`;
  const type = contentType === undefined ? 'text without a content type' : contentType;
  return `${type}: "${oneLine(head)}"`;
}

function isHtml(head: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || /^<(!doctype\s+html|html|head|body)\b/i.test(head);
}

function titleOf(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
  return oneLine(title.replace(/<[^>]*>/g, ' '));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_PREVIEW ? `${line.slice(0, MAX_PREVIEW)}…` : line;
}
