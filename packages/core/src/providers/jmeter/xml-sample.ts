/** A top-level sample of a JMeter XML results file as the scanner hands it out: offsets, no strings. */

/** Raised for text that is not well-formed XML, or not JMeter's results format. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** The attributes read, by index: JMeter's short names (SampleResultConverter). */
export const XML_ATTRIBUTES = ['t', 'lt', 'ct', 'ts', 's', 'lb'] as const;
export type XmlAttribute = (typeof XML_ATTRIBUTES)[number];
export const ATTR = { t: 0, lt: 1, ct: 2, ts: 3, s: 4, lb: 5 } as const satisfies Record<
  XmlAttribute,
  number
>;

/** One sample's attributes as offsets into the scanner's buffer; valid only during the callback. */
export class XmlSample {
  buf: Buffer = Buffer.alloc(0);
  /** Element name: `sample`, `httpSample` or `statSample`. */
  name = '';
  /** Attribute i's value is `buf[starts[i], ends[i])`, raw (entities not decoded); -1 when absent. */
  readonly starts = new Int32Array(XML_ATTRIBUTES.length).fill(-1);
  readonly ends = new Int32Array(XML_ATTRIBUTES.length);
  /** 1 when the raw value holds `&` or a tab or line break, so its text needs decoding. */
  readonly escaped = new Uint8Array(XML_ATTRIBUTES.length);
  /** The 1-based line of the sample's start tag; computed on demand (only errors need it). */
  lineOf: () => number = () => 0;

  has(i: number): boolean {
    return this.starts[i]! >= 0;
  }

  /** Attribute i's value as text, entities decoded and line breaks normalised, as XML says. */
  text(i: number): string {
    const raw = this.buf.toString('utf8', this.starts[i], this.ends[i]);
    return this.escaped[i] === 1 ? decodeAttributeValue(raw, this.lineOf()) : raw;
  }
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes an attribute value (XML 1.0 section 3.3.3): a literal tab or line break is a space, a
 * character reference is its character, and only XML's five named entities exist (JMeter's
 * writer, XStream, uses nothing else and declares no DTD).
 */
export function decodeAttributeValue(raw: string, line: number): string {
  return raw.replace(/\r\n|[\t\n\r]/g, ' ').replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`"&" without a ";" in an attribute value`, line);
    const code = name.startsWith('#x')
      ? parseInt(name.slice(2), 16)
      : name.startsWith('#')
        ? parseInt(name.slice(1), 10)
        : undefined;
    if (code === undefined) {
      const named = NAMED[name];
      if (named === undefined)
        throw new XmlSyntaxError(`unknown entity &${name}; in an attribute value`, line);
      return named;
    }
    if (!/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name) || code > 0x10ffff) {
      throw new XmlSyntaxError(`bad character reference &${name};`, line);
    }
    return String.fromCodePoint(code);
  });
}
