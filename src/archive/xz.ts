/**
 * An in-memory `.xz` decoder (LZMA2 filter only — what `xz` and `dpkg-deb` write), for
 * `control.tar.xz` members of Debian packages. Workers cannot compile WebAssembly at run time
 * (so the wasm xz ports do not load) and the pure-JS ones depend on Node's Buffer and native
 * modules; the LZMA decoder is small and well specified (Igor Pavlov's LzmaSpec), so it is ours.
 * Integrity checks (CRC32/CRC64/SHA-256) are skipped: the tar parsed from the output is
 * validated on its own. Output is capped at `maxOutput` bytes (decompression-bomb guard).
 * Concatenated streams: only the first is decoded.
 */

export class XzError extends Error {}

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const CHECK_SIZES: Record<number, number> = { 0: 0, 1: 4, 4: 8, 10: 32 };
const PROB_INIT = 1024;

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;

  constructor(
    private readonly input: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {
    if (this.next() !== 0) throw new XzError("corrupt LZMA data");
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    if (this.code === this.range) throw new XzError("corrupt LZMA data");
  }

  private next(): number {
    if (this.pos >= this.end) throw new XzError("truncated LZMA data");
    return this.input[this.pos++] ?? 0;
  }

  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }

  bit(probs: Uint16Array, index: number): number {
    const prob = probs[index] ?? PROB_INIT;
    const bound = (this.range >>> 11) * prob;
    let bit: number;
    if (this.code < bound) {
      probs[index] = prob + ((2048 - prob) >>> 5);
      this.range = bound;
      bit = 0;
    } else {
      probs[index] = prob - (prob >>> 5);
      this.code = (this.code - bound) >>> 0;
      this.range = (this.range - bound) >>> 0;
      bit = 1;
    }
    this.normalize();
    return bit;
  }

  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        bit = 1;
      }
      result = ((result << 1) | bit) >>> 0;
      this.normalize();
    }
    return result;
  }

  tree(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) + this.bit(probs, offset + m);
    return m - (1 << bits);
  }

  reverse(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.bit(probs, offset + m);
      m = (m << 1) + bit;
      symbol |= bit << i;
    }
    return symbol;
  }
}

/** Probabilities of one length decoder: choice, choice2, low[16][8], mid[16][8], high[256]. */
const LEN_PROBS = 2 + 16 * 8 + 16 * 8 + 256;

function decodeLength(rc: RangeDecoder, probs: Uint16Array, posState: number): number {
  if (rc.bit(probs, 0) === 0) return rc.tree(probs, 2 + posState * 8, 3);
  if (rc.bit(probs, 1) === 0) return 8 + rc.tree(probs, 2 + 128 + posState * 8, 3);
  return 16 + rc.tree(probs, 2 + 256, 8);
}

/** LZMA state kept across LZMA2 chunks (reset on request). */
class LzmaState {
  lc = 0;
  lp = 0;
  pb = 0;
  state = 0;
  reps = [0, 0, 0, 0];
  literal = new Uint16Array(0);
  isMatch = new Uint16Array(192);
  isRep = new Uint16Array(12);
  isRepG0 = new Uint16Array(12);
  isRepG1 = new Uint16Array(12);
  isRepG2 = new Uint16Array(12);
  isRep0Long = new Uint16Array(192);
  posSlot = new Uint16Array(4 * 64);
  posDecoders = new Uint16Array(1 + 114);
  align = new Uint16Array(16);
  len = new Uint16Array(LEN_PROBS);
  repLen = new Uint16Array(LEN_PROBS);

  setProperties(props: number): void {
    if (props > 224) throw new XzError("bad LZMA properties");
    this.lc = props % 9;
    this.lp = Math.floor(props / 9) % 5;
    this.pb = Math.floor(props / 45);
    if (this.lc + this.lp > 4) throw new XzError("bad LZMA2 properties");
  }

  reset(): void {
    this.state = 0;
    this.reps = [0, 0, 0, 0];
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp)).fill(PROB_INIT);
    for (const probs of [this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posDecoders, this.align, this.len, this.repLen]) {
      probs.fill(PROB_INIT);
    }
  }
}

class Output {
  bytes: Uint8Array;
  pos = 0;
  dictStart = 0;

  constructor(private readonly max: number) {
    this.bytes = new Uint8Array(Math.min(max, 64 * 1024));
  }

  private grow(need: number): void {
    if (need > this.max) throw new XzError(`decompressed data larger than ${this.max} bytes`);
    if (need <= this.bytes.length) return;
    const next = new Uint8Array(Math.min(this.max, Math.max(need, this.bytes.length * 2)));
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  put(byte: number): void {
    if (this.pos >= this.bytes.length) this.grow(this.pos + 1);
    this.bytes[this.pos++] = byte;
  }

  /** The byte `distance` bytes back (1 = the last byte written). */
  back(distance: number): number {
    if (distance > this.pos - this.dictStart) throw new XzError("corrupt LZMA data (distance beyond the dictionary)");
    return this.bytes[this.pos - distance] ?? 0;
  }

  copy(distance: number, length: number): void {
    if (distance > this.pos - this.dictStart || distance <= 0) throw new XzError("corrupt LZMA data (distance beyond the dictionary)");
    this.grow(this.pos + length);
    for (let i = 0; i < length; i++, this.pos++) this.bytes[this.pos] = this.bytes[this.pos - distance] ?? 0;
  }

  append(data: Uint8Array): void {
    this.grow(this.pos + data.length);
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }
}

function decodeDistance(rc: RangeDecoder, s: LzmaState, length: number): number {
  const lenState = Math.min(length, 3);
  const slot = rc.tree(s.posSlot, lenState * 64, 6);
  if (slot < 4) return slot;
  const directBits = (slot >>> 1) - 1;
  let distance = ((2 | (slot & 1)) << directBits) >>> 0;
  if (slot < 14) return (distance + rc.reverse(s.posDecoders, distance - slot, directBits)) >>> 0;
  distance = (distance + (rc.direct(directBits - 4) << 4)) >>> 0;
  return (distance + rc.reverse(s.align, 0, 4)) >>> 0;
}

/** Decodes one LZMA chunk producing exactly `size` bytes. */
function decodeChunk(rc: RangeDecoder, s: LzmaState, out: Output, size: number): void {
  const end = out.pos + size;
  const pbMask = (1 << s.pb) - 1;
  const lpMask = (1 << s.lp) - 1;
  while (out.pos < end) {
    const dictPos = out.pos - out.dictStart;
    const posState = dictPos & pbMask;
    if (rc.bit(s.isMatch, (s.state << 4) + posState) === 0) {
      const prev = dictPos > 0 ? out.back(1) : 0;
      const base = 0x300 * (((dictPos & lpMask) << s.lc) + (prev >>> (8 - s.lc)));
      let symbol = 1;
      if (s.state >= 7) {
        let match = out.back((s.reps[0] ?? 0) + 1);
        do {
          const matchBit = (match >>> 7) & 1;
          match <<= 1;
          const bit = rc.bit(s.literal, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | bit;
          if (matchBit !== bit) break;
        } while (symbol < 0x100);
      }
      while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(s.literal, base + symbol);
      out.put(symbol - 0x100);
      s.state = s.state < 4 ? 0 : s.state < 10 ? s.state - 3 : s.state - 6;
      continue;
    }
    let length: number;
    if (rc.bit(s.isRep, s.state) !== 0) {
      if (dictPos === 0) throw new XzError("corrupt LZMA data");
      if (rc.bit(s.isRepG0, s.state) === 0) {
        if (rc.bit(s.isRep0Long, (s.state << 4) + posState) === 0) {
          s.state = s.state < 7 ? 9 : 11;
          out.put(out.back((s.reps[0] ?? 0) + 1));
          continue;
        }
      } else {
        let distance: number;
        if (rc.bit(s.isRepG1, s.state) === 0) distance = s.reps[1] ?? 0;
        else {
          if (rc.bit(s.isRepG2, s.state) === 0) distance = s.reps[2] ?? 0;
          else {
            distance = s.reps[3] ?? 0;
            s.reps[3] = s.reps[2] ?? 0;
          }
          s.reps[2] = s.reps[1] ?? 0;
        }
        s.reps[1] = s.reps[0] ?? 0;
        s.reps[0] = distance;
      }
      length = decodeLength(rc, s.repLen, posState);
      s.state = s.state < 7 ? 8 : 11;
    } else {
      s.reps = [0, s.reps[0] ?? 0, s.reps[1] ?? 0, s.reps[2] ?? 0];
      length = decodeLength(rc, s.len, posState);
      s.state = s.state < 7 ? 7 : 10;
      s.reps[0] = decodeDistance(rc, s, length);
      if (s.reps[0] === 0xffffffff) throw new XzError("unexpected LZMA end marker in an LZMA2 chunk");
    }
    length += 2;
    if (out.pos + length > end) throw new XzError("corrupt LZMA data (match past the chunk end)");
    out.copy((s.reps[0] ?? 0) + 1, length);
  }
}

/** Decodes LZMA2 data starting at `pos`; returns where it ended. */
function decodeLzma2(input: Uint8Array, pos: number, out: Output): number {
  const state = new LzmaState();
  let needDictReset = true;
  let needProps = true;
  const byte = (at: number): number => {
    if (at >= input.length) throw new XzError("truncated LZMA2 data");
    return input[at] ?? 0;
  };
  for (;;) {
    const control = byte(pos++);
    if (control === 0x00) return pos;
    if (control === 0x01 || control === 0x02) {
      if (control === 0x01) {
        out.dictStart = out.pos;
        needDictReset = false;
      } else if (needDictReset) throw new XzError("corrupt LZMA2 data (no dictionary reset)");
      const size = ((byte(pos) << 8) | byte(pos + 1)) + 1;
      pos += 2;
      if (pos + size > input.length) throw new XzError("truncated LZMA2 data");
      out.append(input.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    if (control < 0x80) throw new XzError("corrupt LZMA2 data (bad control byte)");
    const unpacked = ((control & 0x1f) << 16) + (byte(pos) << 8) + byte(pos + 1) + 1;
    const packed = (byte(pos + 2) << 8) + byte(pos + 3) + 1;
    pos += 4;
    const reset = (control >>> 5) & 3;
    if (reset === 3) {
      out.dictStart = out.pos;
      needDictReset = false;
    } else if (needDictReset) throw new XzError("corrupt LZMA2 data (no dictionary reset)");
    if (reset >= 2) {
      state.setProperties(byte(pos++));
      needProps = false;
    } else if (needProps) throw new XzError("corrupt LZMA2 data (no properties)");
    if (reset >= 1) state.reset();
    const rc = new RangeDecoder(input, pos, Math.min(input.length, pos + packed));
    decodeChunk(rc, state, out, unpacked);
    pos += packed;
  }
}

function varint(input: Uint8Array, at: { pos: number }): number {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const b = input[at.pos++];
    if (b === undefined) throw new XzError("truncated xz header");
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw new XzError("bad xz integer");
}

/** Decompresses the first stream of an `.xz` file. */
export function decompressXz(input: Uint8Array, maxOutput: number): Uint8Array {
  if (input.length < 12 || MAGIC.some((b, i) => input[i] !== b)) throw new XzError("not an xz stream");
  if (input[6] !== 0) throw new XzError("unsupported xz stream flags");
  const checkSize = CHECK_SIZES[(input[7] ?? 0) & 0x0f];
  if (checkSize === undefined) throw new XzError("unsupported xz check type");
  const out = new Output(maxOutput);
  let pos = 12;
  for (;;) {
    const headerByte = input[pos];
    if (headerByte === undefined) throw new XzError("truncated xz stream");
    if (headerByte === 0) return out.bytes.slice(0, out.pos); // the index: every block is decoded
    const headerEnd = pos + (headerByte + 1) * 4;
    if (headerEnd > input.length) throw new XzError("truncated xz block header");
    const flags = input[pos + 1] ?? 0;
    const at = { pos: pos + 2 };
    if (flags & 0x40) varint(input, at);
    if (flags & 0x80) varint(input, at);
    const filters = (flags & 0x03) + 1;
    for (let i = 0; i < filters; i++) {
      const id = varint(input, at);
      const propsSize = varint(input, at);
      if (id !== 0x21 || i !== filters - 1 || filters !== 1) throw new XzError(`unsupported xz filter 0x${id.toString(16)} (only LZMA2)`);
      at.pos += propsSize;
    }
    const dataStart = headerEnd;
    let end = decodeLzma2(input, dataStart, out);
    while ((end - dataStart) % 4 !== 0) end++;
    pos = end + checkSize;
  }
}
