/**
 * An exact distribution of sample times. JMeter writes elapsed, Latency and Connect as integer
 * milliseconds, so counting each distinct value gives exact percentiles in constant memory per
 * label, where a sorted copy of 10 million samples would need 80 MB.
 */

/** Integers below this are counted in a dense array; anything else goes to a Map. */
const DENSE_LIMIT = 8192;
/** The dense array starts this small and doubles, so labels with short times stay cheap. */
const DENSE_INITIAL = 256;

/** Count, sum, min, max and exact percentiles of a stream of numbers. */
export class ExactDistribution {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  // Allocated on first use: most fields of most labels never need both.
  private dense: Float64Array | undefined;
  private sparse: Map<number, number> | undefined;

  /** Adds one observation. */
  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value >= 0 && value < DENSE_LIMIT && Math.trunc(value) === value) {
      let dense = this.dense;
      if (dense === undefined || value >= dense.length) dense = this.growDense(value);
      dense[value]! += 1;
    } else {
      const sparse = (this.sparse ??= new Map());
      sparse.set(value, (sparse.get(value) ?? 0) + 1);
    }
  }

  /** Adds every observation of `other` to this one. */
  merge(other: ExactDistribution): void {
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    if (other.dense !== undefined) {
      let dense = this.dense;
      if (dense === undefined || dense.length < other.dense.length) {
        dense = this.growDense(other.dense.length - 1);
      }
      for (let i = 0; i < other.dense.length; i++) dense[i]! += other.dense[i]!;
    }
    if (other.sparse !== undefined) {
      const sparse = (this.sparse ??= new Map());
      for (const [value, n] of other.sparse) sparse.set(value, (sparse.get(value) ?? 0) + n);
    }
  }

  /** The mean, or NaN when empty. */
  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /**
   * The q-quantile (0 <= q <= 1) exactly as numpy's `quantile(method='linear')` and pandas'
   * default: h = (n-1)q, interpolated between the values of ranks floor(h) and floor(h)+1, with
   * numpy's `_lerp` so that results agree to the last bit. NaN when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const h = (this.count - 1) * q;
    if (h >= this.count - 1) return this.max;
    if (h <= 0) return this.min;
    const lower = Math.floor(h);
    const [a, b] = this.valuesAtRanks(lower);
    const t = h - lower;
    const diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  /** The values at 0-based ranks `rank` and `rank + 1` in sorted order. */
  private valuesAtRanks(rank: number): [number, number] {
    const found: number[] = [];
    let seen = 0;
    for (const [value, n] of this.sortedCounts()) {
      seen += n;
      while (found.length < 2 && seen > rank + found.length) found.push(value);
      if (found.length === 2) break;
    }
    return [found[0] ?? this.max, found[1] ?? this.max];
  }

  /** (value, count) pairs in ascending value order: dense and sparse values interleaved. */
  private *sortedCounts(): Generator<[number, number]> {
    const sparse = [...(this.sparse?.entries() ?? [])].sort((x, y) => x[0] - y[0]);
    const dense = this.dense ?? new Float64Array(0);
    let s = 0;
    for (let i = 0; i < dense.length; i++) {
      const n = dense[i]!;
      if (n === 0) continue;
      while (s < sparse.length && sparse[s]![0] < i) yield sparse[s++]!;
      yield [i, n];
    }
    while (s < sparse.length) yield sparse[s++]!;
  }

  private growDense(value: number): Float64Array {
    let size = this.dense?.length ?? DENSE_INITIAL;
    while (size <= value) size *= 2;
    const grown = new Float64Array(Math.min(size, DENSE_LIMIT));
    if (this.dense !== undefined) grown.set(this.dense);
    this.dense = grown;
    return grown;
  }
}
