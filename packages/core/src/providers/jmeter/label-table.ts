/**
 * Finds the aggregate of a label from its raw bytes without making a string per row: with 10
 * million rows and a few dozen labels, decoding every label would dominate the scan.
 */

interface Entry<T> {
  bytes: Buffer;
  value: T;
  next: Entry<T> | undefined;
}

/** A map from labels to values, looked up by bytes (hashed) or by name. */
export class LabelTable<T> {
  private readonly byHash = new Map<number, Entry<T>>();
  private readonly byName = new Map<string, T>();

  constructor(private readonly create: (label: string) => T) {}

  /** The value for the UTF-8 label in `buf[start, end)`, created on first sight. */
  lookupBytes(buf: Buffer, start: number, end: number): T {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const head = this.byHash.get(hash);
    for (let entry = head; entry !== undefined; entry = entry.next) {
      if (sameBytes(entry.bytes, buf, start, end)) return entry.value;
    }
    const value = this.lookupName(buf.toString('utf8', start, end));
    this.byHash.set(hash, { bytes: Buffer.from(buf.subarray(start, end)), value, next: head });
    return value;
  }

  /** The value for a label given as a string (quoted labels take this path), created on first sight. */
  lookupName(label: string): T {
    let value = this.byName.get(label);
    if (value === undefined) {
      value = this.create(label);
      this.byName.set(label, value);
    }
    return value;
  }

  /** Every label seen, with its value, in order of first appearance. */
  entries(): IterableIterator<[string, T]> {
    return this.byName.entries();
  }
}

function sameBytes(bytes: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (bytes.length !== end - start) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== buf[start + i]) return false;
  return true;
}
