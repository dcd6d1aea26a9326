/**
 * The one redaction layer (DESIGN.md section 9): everything that leaves the HTTP layer as text
 * (log lines, error messages, hints, causes) passes through a Redactor first, so a token can
 * never reach stdout, stderr, reports or history by way of an error.
 */

const MASK = '***';

// Generic patterns catch credentials nobody registered (a token typed into a URL by hand, a
// header echoed back by a proxy). Each keeps the label and masks only the value.
const GENERIC_PATTERNS: readonly [RegExp, string][] = [
  // Authorization / Proxy-Authorization header values, as text or as JSON.
  [/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, `$1${MASK}`],
  // Scheme-prefixed credentials anywhere: "Api-Token dt0c01...", "Bearer eyJ...". Case-sensitive
  // and without "Basic"/"Token", so prose such as "Basic authentication failed" stays readable.
  [/\b(Api-Token|Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${MASK}`],
  // user:password@ in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*):[^\s/@]*@/gi, `$1:${MASK}@`],
  // Query parameters named like credentials.
  [
    /([?&](?:api[-_]?token|access[-_]?token|private[-_]?token|token|api[-_]?key|apikey|password|secret)=)[^&#\s"']*/gi,
    `$1${MASK}`,
  ],
];

/** Masks registered secrets and generic credential shapes in any text. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers secret values; empty and undefined values are ignored. Returns this. */
  add(...values: readonly (string | undefined)[]): this {
    for (const value of values) {
      if (value === undefined || value === '') continue;
      this.secrets.add(value);
      // The same secret appears percent-encoded when it travels in a URL query.
      this.secrets.add(encodeURIComponent(value));
    }
    return this;
  }

  /** Replaces every registered secret and every generic credential shape with `***`. */
  redact(text: string): string {
    // Longest first, so a secret containing a shorter one is masked whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of ordered) out = out.split(secret).join(MASK);
    for (const [pattern, replacement] of GENERIC_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}

/** Creates a Redactor that knows the given secret values. */
export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  return new Redactor().add(...secrets);
}

const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|private-token|x-auth-token)$/i;
const SECRET_PARAM =
  /^(api[-_]?token|access[-_]?token|private[-_]?token|token|api[-_]?key|apikey|password|secret)$/i;

/** Registers the credentials a request carries (auth headers, URL password, token query params), as a
 * safety net for callers that forgot to. */
export function registerRequestSecrets(
  redactor: Redactor,
  request: { url: URL; headers?: Readonly<Record<string, string>> },
): void {
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!SECRET_HEADER.test(name)) continue;
    // "Api-Token abc" and "Bearer abc": the value alone may be echoed back without its scheme.
    redactor.add(value, value.includes(' ') ? value.slice(value.indexOf(' ') + 1).trim() : undefined);
  }
  if (request.url.password !== '')
    redactor.add(request.url.password, decodeURIComponent(request.url.password));
  for (const [name, value] of request.url.searchParams) if (SECRET_PARAM.test(name)) redactor.add(value);
}
