/**
 * The one redaction layer (DESIGN.md section 9): everything that leaves ci-connect as text or
 * JSON (log lines, error messages, hints, history records, events, reports) passes through a
 * Redactor first, so a token can never reach stdout, stderr, reports or history.
 *
 * A secret is masked in every form it travels in: raw, percent-encoded (URLs), JSON-escaped, and
 * base64 (Basic auth headers), including base64 of the secret in the middle of a longer value,
 * as GitHub Actions' runner masks it. Text is cut short only through `clip`, which redacts
 * first; a secret's beginning right before a cut mark ("…", "...") is masked as well, so a
 * partial token never survives a cut made elsewhere.
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

// Marks a cut leaves behind; a secret's first characters right before one are masked.
const CUT_MARKS = ['…', '...'] as const;
// Shorter fragments (of a cut, or of base64 at an offset) would mask ordinary words.
const MIN_FRAGMENT = 6;
// A secret's beginning before a cut mark is masked from this length on.
const MIN_CUT_FRAGMENT = 4;
// Any run of this many characters of a secret is masked wherever it stands (a server that echoed
// a token cut short, a log line that kept its end), for secrets long enough not to be words.
const PARTIAL_WINDOW = 8;
const MIN_PARTIAL_SECRET = 12;

/** Masks registered secrets and generic credential shapes in any text. */
export class Redactor {
  private readonly secrets = new Set<string>();
  // Raw secrets, for the check of beginnings cut short; `secrets` holds every encoded form.
  private readonly originals = new Set<string>();
  // Every PARTIAL_WINDOW-character run of every long form, for masking partial secrets.
  private readonly windows = new Set<string>();
  private ordered: string[] | undefined;

  /** Registers secret values in all their encodings; empty and undefined values are ignored. */
  add(...values: readonly (string | undefined)[]): this {
    for (const value of values) {
      if (value === undefined || value === '') continue;
      this.originals.add(value);
      for (const form of encodedForms(value)) {
        this.secrets.add(form);
        if (form.length >= MIN_PARTIAL_SECRET)
          for (let i = 0; i + PARTIAL_WINDOW <= form.length; i++)
            this.windows.add(form.slice(i, i + PARTIAL_WINDOW));
      }
    }
    this.ordered = undefined;
    return this;
  }

  /**
   * Registers a user:password pair as sent in a Basic `Authorization` or `Proxy-Authorization`
   * header: the password alone, and base64 of the pair (raw and percent-decoded).
   */
  addBasicCredentials(user: string, password: string): this {
    if (password === '') return this;
    const plainUser = decodeSafely(user);
    const plainPassword = decodeSafely(password);
    this.add(password, plainPassword);
    for (const pair of new Set([`${user}:${password}`, `${plainUser}:${plainPassword}`]))
      this.add(Buffer.from(pair, 'utf8').toString('base64'));
    return this;
  }

  /** Replaces every registered secret and every generic credential shape with `***`. */
  redact(text: string): string {
    // Longest first, so a secret containing a shorter one is masked whole.
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(MASK);
    out = this.maskCutBeginnings(out);
    out = this.maskPartials(out);
    for (const [pattern, replacement] of GENERIC_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** Redacts, then cuts to at most `max` characters with a trailing "…": never the other way round. */
  clip(text: string, max: number): string {
    return clipText(this.redact(text), max);
  }

  /** A copy of a JSON value with every string in it (keys too) redacted. */
  redactJson<T>(value: T): T {
    return redactValue(value, this) as T;
  }

  // Runs of a secret's characters that are not the whole secret: masked as one `***` each.
  private maskPartials(text: string): string {
    if (this.windows.size === 0 || text.length < PARTIAL_WINDOW) return text;
    const ranges: [number, number][] = [];
    for (let i = 0; i + PARTIAL_WINDOW <= text.length; i++) {
      if (!this.windows.has(text.slice(i, i + PARTIAL_WINDOW))) continue;
      const last = ranges.at(-1);
      if (last !== undefined && last[1] >= i) last[1] = i + PARTIAL_WINDOW;
      else ranges.push([i, i + PARTIAL_WINDOW]);
    }
    if (ranges.length === 0) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      out += `${text.slice(from, start)}${MASK}`;
      from = end;
    }
    return out + text.slice(from);
  }

  // A cut made without `clip` leaves a secret's beginning before the cut mark: mask that too.
  private maskCutBeginnings(text: string): string {
    if (!CUT_MARKS.some((mark) => text.includes(mark))) return text;
    let out = text;
    for (const secret of this.originals) {
      if (secret.length <= MIN_CUT_FRAGMENT) continue;
      for (const mark of CUT_MARKS) {
        let at = out.indexOf(mark);
        while (at !== -1) {
          // "abc…" kept a beginning; "…xyz" (a cut from the front) kept an end.
          const before = longestPrefixEndingAt(out, at, secret);
          if (before > 0) {
            out = `${out.slice(0, at - before)}${MASK}${out.slice(at)}`;
            at -= before - MASK.length;
          }
          const start = at + mark.length;
          const after = longestSuffixStartingAt(out, start, secret);
          if (after > 0) out = `${out.slice(0, start)}${MASK}${out.slice(start + after)}`;
          at = out.indexOf(mark, start);
        }
      }
    }
    return out;
  }
}

/**
 * Cuts text to at most `max` characters, marking the cut with "…". Use Redactor.clip where a
 * redactor is at hand; where none is (a child process's output), the mark still lets the
 * redaction of the final output mask a secret's beginning the cut left behind.
 */
export function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Creates a Redactor that knows the given secret values. */
export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  return new Redactor().add(...secrets);
}

/** How many of the secret's first characters end at `end` in the text (0 when fewer than MIN_CUT_FRAGMENT). */
function longestPrefixEndingAt(text: string, end: number, secret: string): number {
  for (let length = Math.min(secret.length - 1, end); length >= MIN_CUT_FRAGMENT; length--) {
    if (text.startsWith(secret.slice(0, length), end - length)) return length;
  }
  return 0;
}

/** How many of the secret's last characters start at `start` in the text (0 when fewer than MIN_CUT_FRAGMENT). */
function longestSuffixStartingAt(text: string, start: number, secret: string): number {
  for (let length = Math.min(secret.length - 1, text.length - start); length >= MIN_CUT_FRAGMENT; length--) {
    if (text.startsWith(secret.slice(secret.length - length), start)) return length;
  }
  return 0;
}

/** Every form a secret can travel in. */
function encodedForms(value: string): Set<string> {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  if (value.length >= MIN_FRAGMENT) for (const fragment of base64Fragments(value)) forms.add(fragment);
  return forms;
}

/**
 * The base64 characters that encode only the secret, when it starts 0, 1 or 2 bytes into the
 * encoded value (a Basic header encodes `user:password`, so the password starts anywhere).
 * Characters that also carry bits of neighbouring bytes are left out: they differ per neighbour.
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const fragments: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length >= MIN_FRAGMENT) fragments.push(fragment);
  }
  // The whole value encoded on its own, padding included.
  fragments.push(bytes.toString('base64'));
  return fragments;
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor));
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactor.redact(key), redactValue(item, redactor)]),
  );
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|private-token|x-auth-token)$/i;
const SECRET_PARAM =
  /^(api[-_]?token|access[-_]?token|private[-_]?token|token|api[-_]?key|apikey|password|secret)$/i;

/** Registers the credentials a request carries (auth headers, URL user-info, token query params), as a
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
  registerUrlCredentials(redactor, request.url);
  for (const [name, value] of request.url.searchParams) if (SECRET_PARAM.test(name)) redactor.add(value);
}

/** Registers the password of a URL's user-info, and the Basic header built from it. */
export function registerUrlCredentials(redactor: Redactor, url: URL): void {
  if (url.password !== '') redactor.addBasicCredentials(url.username, url.password);
}
