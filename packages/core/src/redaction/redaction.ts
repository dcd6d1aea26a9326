/**
 * The one redaction layer (DESIGN.md section 9): everything that leaves ci-connect as text or
 * JSON (log lines, error messages, hints, history records, events, reports) passes through a
 * Redactor first, so a token can never reach stdout, stderr, reports or history.
 *
 * A secret is masked in every form it travels in: raw, percent-encoded (URLs), JSON-escaped, and
 * base64 (Basic auth headers), including base64 of the secret in the middle of a longer value,
 * as GitHub Actions' runner masks it. Text is cut short only through `clip`, which redacts
 * first; a token's beginning right before a cut mark ("…", "...") and any 8 of its characters in
 * a row are masked as well, so a partial token never survives a cut made elsewhere.
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
const CUT_MARK = /…|\.\.\./g;
// Shorter fragments (of base64 at an offset) would mask ordinary words.
const MIN_FRAGMENT = 6;
// A secret's beginning before a cut mark (or its end after one) is masked from this length on.
const MIN_CUT_FRAGMENT = 4;
// Any run of this many characters of a token-shaped secret is masked wherever it stands (a
// server that echoed a token cut short), for secrets long enough not to be words.
const PARTIAL_WINDOW = 8;
const MIN_PARTIAL_SECRET = 12;

/** Masks registered secrets and generic credential shapes in any text. */
export class Redactor {
  private readonly secrets = new Set<string>();
  // Every MIN_CUT_FRAGMENT-character run of every token-shaped form, with the forms and offsets it
  // stands at: one lookup per cut mark finds a beginning (or end) the cut left behind.
  private readonly grams = new Map<string, { form: string; at: number }[]>();
  // Every PARTIAL_WINDOW-character run of every long token-shaped form, and a rolling hash of
  // each, so that a text is scanned with one hash step per character.
  private readonly windows = new Set<string>();
  private readonly windowHashes = new Set<number>();
  private ordered: string[] | undefined;
  private readonly watchers: ((form: string) => void)[] = [];

  /**
   * Calls `watcher` with every form registered so far and every one registered later, e.g. so
   * that the GitHub Action masks them in the runner's log too (`setSecret`).
   */
  watch(watcher: (form: string) => void): this {
    for (const form of this.secrets) watcher(form);
    this.watchers.push(watcher);
    return this;
  }

  /** Registers secret values in all their encodings; empty and undefined values are ignored. */
  add(...values: readonly (string | undefined)[]): this {
    for (const value of values) {
      if (value === undefined || value === '') continue;
      // Prose, paths, URLs and JSON documents are masked whole only, in every form: their parts
      // (even percent-encoded: "service_account") are common text.
      const tokenShaped = isTokenShaped(value);
      for (const form of encodedForms(value)) {
        if (this.secrets.has(form)) continue;
        this.secrets.add(form);
        this.ordered = undefined;
        for (const watcher of this.watchers) watcher(form);
        if (!tokenShaped) continue;
        if (form.length > MIN_CUT_FRAGMENT) this.indexForCuts(form);
        if (form.length >= MIN_PARTIAL_SECRET) this.indexWindows(form);
      }
    }
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
    out = this.maskCutEdges(out);
    out = this.maskPartials(out);
    for (const [pattern, replacement] of GENERIC_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * Redacts, then cuts to at most `max` characters with a trailing "…": never the other way round.
   * Only a bounded head of a long text is redacted (a 64 MB error page costs no more than a
   * short one); the head is long enough that nothing past it can reach the first `max`.
   */
  clip(text: string, max: number): string {
    const margin = this.longestForm() + PARTIAL_WINDOW;
    for (let head = max + 2 * margin; ; head *= 2) {
      if (head >= text.length) return clipText(this.redact(text), max);
      const redacted = this.redact(text.slice(0, head));
      // Masking only shortens; the last `margin` characters may hold a secret the head cut.
      if (redacted.length >= max + margin) return `${redacted.slice(0, max)}…`;
    }
  }

  /** A copy of a JSON value with every string in it (keys too) redacted. */
  redactJson<T>(value: T): T {
    return redactValue(value, this) as T;
  }

  private longestForm(): number {
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    return this.ordered[0]?.length ?? 0;
  }

  private indexForCuts(form: string): void {
    for (let at = 0; at + MIN_CUT_FRAGMENT <= form.length; at++) {
      const gram = form.slice(at, at + MIN_CUT_FRAGMENT);
      this.grams.set(gram, [...(this.grams.get(gram) ?? []), { form, at }]);
    }
  }

  private indexWindows(form: string): void {
    for (let i = 0; i + PARTIAL_WINDOW <= form.length; i++) {
      const window = form.slice(i, i + PARTIAL_WINDOW);
      this.windows.add(window);
      this.windowHashes.add(hashOf(window));
    }
  }

  // Runs of a secret's characters that are not the whole secret: masked as one `***` each.
  private maskPartials(text: string): string {
    if (this.windows.size === 0 || text.length < PARTIAL_WINDOW) return text;
    const ranges: Range[] = [];
    let hash = hashOf(text.slice(0, PARTIAL_WINDOW));
    for (let i = 0; ; i++) {
      // The hash only preselects; the window itself decides.
      if (this.windowHashes.has(hash) && this.windows.has(text.slice(i, i + PARTIAL_WINDOW)))
        addRange(ranges, i, i + PARTIAL_WINDOW);
      if (i + PARTIAL_WINDOW >= text.length) break;
      hash = rollHash(hash, text.charCodeAt(i), text.charCodeAt(i + PARTIAL_WINDOW));
    }
    return maskRanges(text, ranges);
  }

  // A cut made without `clip` leaves a secret's beginning before the mark ("abc…"), or, cut from
  // the front, its end after the mark ("…xyz"): both are masked.
  private maskCutEdges(text: string): string {
    if (this.grams.size === 0) return text;
    const ranges: Range[] = [];
    for (const match of text.matchAll(CUT_MARK)) {
      const at = match.index;
      const end = at + match[0].length;
      const before = this.keptBeginning(text, at);
      if (before > 0) addRange(ranges, at - before, at);
      const after = this.keptEnd(text, end);
      if (after > 0) addRange(ranges, end, end + after);
    }
    return maskRanges(text, ranges);
  }

  /** How many characters before `at` are a registered form's beginning (0 if fewer than 4). */
  private keptBeginning(text: string, at: number): number {
    if (at < MIN_CUT_FRAGMENT) return 0;
    let kept = 0;
    // The 4 characters before the mark are the form's characters [k-4, k) for some cut k.
    for (const { form, at: offset } of this.grams.get(text.slice(at - MIN_CUT_FRAGMENT, at)) ?? []) {
      const length = offset + MIN_CUT_FRAGMENT;
      if (length < form.length && length <= at && text.startsWith(form.slice(0, length), at - length))
        kept = Math.max(kept, length);
    }
    return kept;
  }

  /** How many characters from `start` on are a registered form's end (0 if fewer than 4). */
  private keptEnd(text: string, start: number): number {
    let kept = 0;
    // The 4 characters after the mark are the form's characters [j, j+4) where the cut fell at j.
    for (const { form, at: offset } of this.grams.get(text.slice(start, start + MIN_CUT_FRAGMENT)) ?? []) {
      const tail = form.slice(offset);
      if (offset > 0 && text.startsWith(tail, start)) kept = Math.max(kept, tail.length);
    }
    return kept;
  }
}

// A polynomial rolling hash over PARTIAL_WINDOW characters, in 32-bit integer arithmetic.
const HASH_BASE = 31;
const HASH_DROP = Array.from({ length: PARTIAL_WINDOW - 1 }).reduce<number>(
  (power) => Math.imul(power, HASH_BASE),
  1,
);

function hashOf(window: string): number {
  let hash = 0;
  for (let i = 0; i < window.length; i++) hash = (Math.imul(hash, HASH_BASE) + window.charCodeAt(i)) | 0;
  return hash;
}

function rollHash(hash: number, leaving: number, entering: number): number {
  return (Math.imul(hash - Math.imul(leaving, HASH_DROP), HASH_BASE) + entering) | 0;
}

type Range = [start: number, end: number];

/** Adds a range, merging it with the last one when they touch (ranges come in order of start). */
function addRange(ranges: Range[], start: number, end: number): void {
  const last = ranges.at(-1);
  if (last !== undefined && last[1] >= start) last[1] = Math.max(last[1], end);
  else ranges.push([start, end]);
}

/** Replaces each range (in any order, overlapping or not) with one `***`. */
function maskRanges(text: string, ranges: readonly Range[]): string {
  if (ranges.length === 0) return text;
  const merged: Range[] = [];
  for (const [start, end] of [...ranges].sort((x, y) => x[0] - y[0])) addRange(merged, start, end);
  let out = '';
  let from = 0;
  for (const [start, end] of merged) {
    out += `${text.slice(from, start)}${MASK}`;
    from = end;
  }
  return out + text.slice(from);
}

/** A value with no spaces, no scheme, not a path and not a JSON document: a token or password. */
function isTokenShaped(form: string): boolean {
  return /^[\x21-\x7e]+$/.test(form) && !form.includes('://') && !/^[/{[]/.test(form);
}

/**
 * Cuts text to at most `max` characters, marking the cut with "…". Not exported: text is cut
 * only through Redactor.clip, after redaction (a cut first could leave a secret's first characters).
 */
function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Creates a Redactor that knows the given secret values. */
export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  return new Redactor().add(...secrets);
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

/** Percent-decodes, or returns the text as it is when it is not valid percent-encoding. */
export function decodeSafely(text: string): string {
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
