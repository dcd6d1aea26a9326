/**
 * Where JSON text first goes wrong, for messages that name a line: JSON.parse's own messages say
 * "at position N" in some Node versions and quote a fragment in others. A recursive descent over
 * RFC 8259's grammar (https://www.rfc-editor.org/rfc/rfc8259) that stops at the first offense.
 */

/** The offset of the first character that is not valid JSON; the text's length when it ends too soon. */
export function findJsonErrorOffset(text: string): number {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value(0);
    scanner.skipSpace();
    return scanner.at < text.length ? scanner.at : -1;
  } catch (error) {
    if (error instanceof Offense) return error.at;
    throw error;
  }
}

class Offense extends Error {
  constructor(readonly at: number) {
    super(`invalid JSON at ${at}`);
  }
}

const LITERAL = /true|false|null/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string: no raw control characters (U+0000 to U+001F), only JSON's escapes.
const STRING = new RegExp(String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`, 'y');
// Deeper than any history or Keptn event; JSON.parse accepted it, so this only bounds the stack.
const MAX_DEPTH = 1000;

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at++;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) throw new Offense(this.at);
    const c = this.text[this.at];
    if (c === '{') this.container('}', depth, () => this.member(depth));
    else if (c === '[') this.container(']', depth, () => this.value(depth + 1));
    else if (c === '"') this.match(STRING);
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.match(NUMBER);
    else this.match(LITERAL);
  }

  private container(close: string, depth: number, element: () => void): void {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === close) {
      this.at++;
      return;
    }
    for (;;) {
      element();
      this.skipSpace();
      const c = this.text[this.at];
      this.at++;
      if (c === close) return;
      if (c !== ',') throw new Offense(this.at - 1);
      this.skipSpace();
      if (depth >= MAX_DEPTH) throw new Offense(this.at);
    }
  }

  private member(depth: number): void {
    this.match(STRING);
    this.skipSpace();
    if (this.text[this.at] !== ':') throw new Offense(this.at);
    this.at++;
    this.skipSpace();
    this.value(depth + 1);
  }

  private match(pattern: RegExp): void {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (found === null) throw new Offense(this.at);
    this.at += found[0].length;
  }
}
