/** Buffers a byte stream so fixed-size reads (tar's 512-byte blocks) are easy. */
export class ByteReader {
  private buffer = new Uint8Array(0);
  total = 0;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly check: (decompressed: number) => void,
    private readonly truncated: () => Error,
  ) {}

  /** Exactly n bytes, or null at a clean end of stream. */
  async read(n: number): Promise<Uint8Array | null> {
    while (this.buffer.length < n) {
      const { done, value } = await this.reader.read();
      if (done) {
        if (this.buffer.length === 0) return null;
        throw this.truncated();
      }
      this.total += value.length;
      this.check(this.total);
      const merged = new Uint8Array(this.buffer.length + value.length);
      merged.set(this.buffer);
      merged.set(value, this.buffer.length);
      this.buffer = merged;
    }
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, 65536);
      if (!(await this.read(step))) throw this.truncated();
      left -= step;
    }
  }
}
