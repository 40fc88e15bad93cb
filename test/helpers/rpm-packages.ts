/**
 * `.rpm` fixtures built in memory (workerd has no rpmbuild): the 96-byte lead, a signature
 * header (size tags) padded to 8 bytes, the main header with the tags given, and a payload
 * (bytes the registry never reads). The unit tests also parse a real rpmbuild package
 * (test/unit/rpm/fixtures/), and the e2e suite builds real ones with rpmbuild.
 */
import { concat } from "./debian-packages";

const encoder = new TextEncoder();

type Value = { type: "string"; value: string } | { type: "strings"; value: string[] } | { type: "int32"; value: number[] } | { type: "int16"; value: number[] } | { type: "i18n"; value: string };

export const str = (value: string): Value => ({ type: "string", value });
export const strs = (value: string[]): Value => ({ type: "strings", value });
export const i32 = (...value: number[]): Value => ({ type: "int32", value });
export const i16 = (...value: number[]): Value => ({ type: "int16", value });
export const i18n = (value: string): Value => ({ type: "i18n", value });

const TYPE = { string: 6, strings: 8, int32: 4, int16: 3, i18n: 9 } as const;

export function headerStructure(tags: Record<number, Value>): Uint8Array {
  const entries = Object.entries(tags).map(([tag, v]) => [Number(tag), v] as const).sort(([a], [b]) => a - b);
  const data: number[] = [];
  const index = new Uint8Array(entries.length * 16);
  const view = new DataView(index.buffer);
  entries.forEach(([tag, v], i) => {
    const align = v.type === "int32" ? 4 : v.type === "int16" ? 2 : 1;
    while (data.length % align) data.push(0);
    const offset = data.length;
    let count = 1;
    if (v.type === "string" || v.type === "i18n") data.push(...encoder.encode(v.value), 0);
    else if (v.type === "strings") {
      for (const s of v.value) data.push(...encoder.encode(s), 0);
      count = v.value.length;
    } else {
      for (const n of v.value) {
        if (v.type === "int32") data.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
        else data.push((n >>> 8) & 255, n & 255);
      }
      count = v.value.length;
    }
    view.setUint32(i * 16, tag);
    view.setUint32(i * 16 + 4, TYPE[v.type]);
    view.setUint32(i * 16 + 8, offset);
    view.setUint32(i * 16 + 12, count);
  });
  const intro = new Uint8Array(16);
  intro.set([0x8e, 0xad, 0xe8, 0x01]);
  new DataView(intro.buffer).setUint32(8, entries.length);
  new DataView(intro.buffer).setUint32(12, data.length);
  return concat([intro, index, Uint8Array.from(data)]);
}


export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  arch?: string;
  epoch?: number;
  summary?: string;
  description?: string;
  requires?: [name: string, flags: number, version: string][];
  provides?: [name: string, flags: number, version: string][];
  files?: string[];
  /** Replaces or removes (null) main header tags, for bad-input tests. */
  override?: Record<number, Value | null>;
  payload?: Uint8Array;
}

/** An .rpm's bytes: lead, signature header, main header, payload. */
export function buildRpm(spec: RpmSpec): Uint8Array {
  const arch = spec.arch ?? "x86_64";
  const files = spec.files ?? [`/usr/bin/${spec.name}`];
  const dirs = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf("/") + 1)))];
  const provides = spec.provides ?? [[spec.name, 8, `${spec.epoch !== undefined ? `${spec.epoch}:` : ""}${spec.version}-${spec.release}`]];
  const requires = spec.requires ?? [["rpmlib(CompressedFileNames)", 0x01000000 | 0x08 | 0x04, "3.0.4-1"]];
  const tags: Record<number, Value | null> = {
    1000: str(spec.name), 1001: str(spec.version), 1002: str(spec.release),
    1004: i18n(spec.summary ?? `${spec.name} summary`), 1005: i18n(spec.description ?? `${spec.name} description`),
    1006: i32(1_700_000_000), 1007: str("builder.example"), 1009: i32(1234), 1014: str("MIT"), 1020: str("https://example.org"),
    1021: str("linux"), 1022: str(arch), 1044: str(`${spec.name}-${spec.version}-${spec.release}.src.rpm`),
    1030: i16(...files.map(() => 0o100755)), 1037: i32(...files.map(() => 0)),
    1047: strs(provides.map((p) => p[0])), 1112: i32(...provides.map((p) => p[1])), 1113: strs(provides.map((p) => p[2])),
    1049: strs(requires.map((r) => r[0])), 1048: i32(...requires.map((r) => r[1])), 1050: strs(requires.map((r) => r[2])),
    1116: i32(...files.map((f) => dirs.indexOf(f.slice(0, f.lastIndexOf("/") + 1)))),
    1117: strs(files.map((f) => f.slice(f.lastIndexOf("/") + 1))), 1118: strs(dirs),
    1080: i32(1_700_000_000), 1081: str("Jane Doe <jane@example.org> - 1.0-1"), 1082: str("- initial"),
  };
  if (spec.epoch !== undefined) tags[1003] = i32(spec.epoch);
  for (const [tag, value] of Object.entries(spec.override ?? {})) tags[Number(tag)] = value;
  if (tags[1080] && tags[1081]?.type === "string") tags[1081] = strs([(tags[1081] as { value: string }).value]);
  if (tags[1082]?.type === "string") tags[1082] = strs([(tags[1082] as { value: string }).value]);
  const main = headerStructure(Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== null)) as Record<number, Value>);
  const payload = spec.payload ?? encoder.encode(`payload of ${spec.name}-${spec.version}-${spec.release}.${arch}\n`);
  const signature = headerStructure({ 1000: i32(main.length + payload.length), 1007: i32(payload.length) });
  const lead = new Uint8Array(96);
  lead.set([0xed, 0xab, 0xee, 0xdb, 3, 0]);
  lead.set(encoder.encode(`${spec.name}-${spec.version}-${spec.release}`).subarray(0, 65), 10);
  lead[79] = 5; // signature type: header-style
  const padding = new Uint8Array((8 - (signature.length % 8)) % 8);
  return concat([lead, signature, padding, main, payload]);
}
