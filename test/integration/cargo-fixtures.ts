// Builds what `cargo publish` sends: a `.crate` (gzipped tar with {name}-{version}/Cargo.toml)
// and the framed body (u32 LE JSON length, JSON, u32 LE crate length, crate). Pure: used by
// unit and integration tests.
import { concatBytes, gzip, hexDigest, tar } from "./pypi-fixtures";

export { concatBytes, gzip, hexDigest, tar };

export interface CrateOptions {
  manifestName?: string;
  manifestVersion?: string;
  manifest?: string;
  folder?: string;
}

export function crate(name: string, version: string, options: CrateOptions = {}): Promise<Uint8Array> {
  const folder = options.folder ?? `${name}-${version}`;
  const manifest = options.manifest ?? `[package]\nname = "${options.manifestName ?? name}"\nversion = "${options.manifestVersion ?? version}"\nedition = "2021"\n`;
  return gzip(tar({ [`${folder}/Cargo.toml`]: manifest, [`${folder}/src/lib.rs`]: "pub fn hello() -> u32 { 42 }\n" }));
}

export function publishMetadata(name: string, version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    vers: version,
    deps: [],
    features: {},
    authors: ["Tester"],
    description: `${name} for tests`,
    documentation: null,
    homepage: null,
    readme: null,
    readme_file: null,
    keywords: [],
    categories: [],
    license: "MIT",
    license_file: null,
    repository: null,
    badges: {},
    links: null,
    rust_version: null,
    ...extra,
  };
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

export function publishBody(metadata: Record<string, unknown> | string, crateBytes: Uint8Array, declaredCrateLength = crateBytes.length): Uint8Array {
  const json = new TextEncoder().encode(typeof metadata === "string" ? metadata : JSON.stringify(metadata));
  return concatBytes([u32(json.length), json, u32(declaredCrateLength), crateBytes]);
}

export async function publishBodyFor(name: string, version: string, extra: Record<string, unknown> = {}, options: CrateOptions = {}): Promise<{ body: Uint8Array; crate: Uint8Array }> {
  const bytes = await crate(name, version, options);
  return { body: publishBody(publishMetadata(name, version, extra), bytes), crate: bytes };
}
