/**
 * A Ruby Marshal 4.8 encoder (https://docs.ruby-lang.org/en/3.3/marshal_rdoc.html), for the
 * legacy index files (`specs.4.8.gz`, `quick/Marshal.4.8/*.gemspec.rz`). It writes what those
 * files hold: nil, true, false, Fixnums, Strings (UTF-8 with the `E` ivar, US-ASCII, binary),
 * Symbols (with symlinks), Arrays, Hashes, plain objects (`o`), `marshal_dump` objects (`U`,
 * Gem::Version and Gem::Requirement) and `_dump` objects (`u`, Gem::Specification and Time).
 * Like Ruby it writes an object link (`@`) when the same object (JavaScript identity) is
 * dumped twice. Tested byte for byte against `ruby -e 'print Marshal.dump(…)'`.
 */

export type RubyValue = null | boolean | number | RubyString | RubySymbol | RubyValue[] | RubyHash | RubyObject | RubyUserMarshal | RubyUserDef;

export interface RubyString {
  kind: "string";
  value: string | Uint8Array;
  encoding: "UTF-8" | "US-ASCII" | "binary";
}
export interface RubySymbol {
  kind: "symbol";
  name: string;
}
export interface RubyHash {
  kind: "hash";
  entries: [RubyValue, RubyValue][];
}
/** A plain object: class name and instance variables (names with their `@`). */
export interface RubyObject {
  kind: "object";
  className: string;
  ivars: [string, RubyValue][];
}
/** An object with `marshal_dump` (type `U`): class name and the dumped value. */
export interface RubyUserMarshal {
  kind: "user-marshal";
  className: string;
  data: RubyValue;
}
/** An object with `_dump` (type `u`): class name, the dumped bytes and the string's instance variables. */
export interface RubyUserDef {
  kind: "user-def";
  className: string;
  bytes: Uint8Array;
  ivars?: [string, RubyValue][];
}

export const rubyString = (value: string, encoding: RubyString["encoding"] = "UTF-8"): RubyString => ({ kind: "string", value, encoding });
export const symbol = (name: string): RubySymbol => ({ kind: "symbol", name });
export const rubyHash = (entries: [RubyValue, RubyValue][]): RubyHash => ({ kind: "hash", entries });

const FIXNUM_LIMIT = 2 ** 30;

class MarshalWriter {
  private readonly chunks: number[] = [4, 8];
  private readonly symbols = new Map<string, number>();
  private readonly objects = new Map<object, number>();
  private objectCount = 0;

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private byte(b: number): void {
    this.chunks.push(b & 0xff);
  }

  private raw(bytes: Uint8Array): void {
    for (const b of bytes) this.chunks.push(b);
  }

  /** Marshal's packed integer: 0, n+5 for 1..122, n-5 for -123..-1, else 1–4 little-endian bytes. */
  long(n: number): void {
    if (!Number.isInteger(n) || n >= FIXNUM_LIMIT || n < -FIXNUM_LIMIT) throw new RangeError(`${n} is not a Fixnum Marshal can pack`);
    if (n === 0) return this.byte(0);
    if (n > 0 && n < 123) return this.byte(n + 5);
    if (n < 0 && n > -124) return this.byte(n - 5);
    const out: number[] = [];
    let x = n;
    for (let i = 0; i < 4; i++) {
      out.push(x & 0xff);
      x >>= 8;
      if ((n > 0 && x === 0) || (n < 0 && x === -1)) break;
    }
    this.byte(n > 0 ? out.length : -out.length);
    for (const b of out) this.byte(b);
  }

  private bytesWithLength(bytes: Uint8Array): void {
    this.long(bytes.length);
    this.raw(bytes);
  }

  symbol(name: string): void {
    const known = this.symbols.get(name);
    if (known !== undefined) {
      this.byte(0x3b); // ';'
      this.long(known);
      return;
    }
    this.symbols.set(name, this.symbols.size);
    this.byte(0x3a); // ':'
    this.bytesWithLength(new TextEncoder().encode(name));
  }

  /** Writes an object link and returns true when `value` was dumped before; else registers it. */
  private linked(value: object): boolean {
    const index = this.objects.get(value);
    if (index !== undefined) {
      this.byte(0x40); // '@'
      this.long(index);
      return true;
    }
    this.objects.set(value, this.objectCount++);
    return false;
  }

  private ivars(ivars: readonly [string, RubyValue][]): void {
    this.long(ivars.length);
    for (const [name, value] of ivars) {
      this.symbol(name);
      this.value(value);
    }
  }

  value(value: RubyValue): void {
    if (value === null) return this.byte(0x30); // '0'
    if (value === true) return this.byte(0x54); // 'T'
    if (value === false) return this.byte(0x46); // 'F'
    if (typeof value === "number") {
      this.byte(0x69); // 'i'
      return this.long(value);
    }
    if (!Array.isArray(value) && value.kind === "symbol") return this.symbol(value.name);
    // Ruby remembers a `_dump` object only after writing it (its string's ivars come first).
    if (!Array.isArray(value) && value.kind === "user-def") return this.userDef(value);
    if (this.linked(value)) return;
    if (Array.isArray(value)) {
      this.byte(0x5b); // '['
      this.long(value.length);
      for (const item of value) this.value(item);
      return;
    }
    switch (value.kind) {
      case "string":
        return this.string(value);
      case "hash":
        this.byte(0x7b); // '{'
        this.long(value.entries.length);
        for (const [k, v] of value.entries) {
          this.value(k);
          this.value(v);
        }
        return;
      case "object":
        this.byte(0x6f); // 'o'
        this.symbol(value.className);
        return this.ivars(value.ivars);
      case "user-marshal":
        this.byte(0x55); // 'U'
        this.symbol(value.className);
        return this.value(value.data);
    }
  }

  private userDef(value: RubyUserDef): void {
    const index = this.objects.get(value);
    if (index !== undefined) {
      this.byte(0x40); // '@'
      this.long(index);
      return;
    }
    if (value.ivars?.length) this.byte(0x49); // 'I'
    this.byte(0x75); // 'u'
    this.symbol(value.className);
    this.bytesWithLength(value.bytes);
    if (value.ivars?.length) this.ivars(value.ivars);
    this.objects.set(value, this.objectCount++);
  }

  private string(value: RubyString): void {
    const bytes = typeof value.value === "string" ? new TextEncoder().encode(value.value) : value.value;
    const encoded = value.encoding !== "binary";
    if (encoded) this.byte(0x49); // 'I': the encoding is an instance variable
    this.byte(0x22); // '"'
    this.bytesWithLength(bytes);
    // `E true` is UTF-8, `E false` US-ASCII.
    if (encoded) this.ivars([["E", value.encoding === "UTF-8"]]);
  }
}

/** `Marshal.dump(value)`. */
export function marshalDump(value: RubyValue): Uint8Array {
  const writer = new MarshalWriter();
  writer.value(value);
  return writer.bytes();
}
