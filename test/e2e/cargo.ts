/**
 * Test infrastructure for the cargo suites and bench/cargo (no tests here): crates packaged
 * by the real `cargo package`, and a static crates.io-style sparse index — `config.json` and
 * index files on one counting server, `.crate` files on another (its `dl` uses cargo's
 * `{crate}`/`{version}` markers, as alternative registries do).
 *
 * Only erasable TypeScript and node built-ins (bench/*.mjs import this file under Node 24).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type CargoClient, output, writeCrate } from "./clients/cargo.ts";
import type { CountingServer } from "./counting-server.ts";

export interface PackagedCrate {
  name: string;
  version: string;
  bytes: Uint8Array;
  cksum: string;
}

/** `cargo package` of a dependency-free library crate; returns the `.crate` bytes. */
export async function packageCrate(client: CargoClient, dir: string, name: string, version: string, lib: string): Promise<PackagedCrate> {
  await writeCrate(dir, name, version, { lib });
  const result = await client.run(["package", "--no-verify", "--allow-dirty", "--quiet"], { cwd: dir });
  if (result.code !== 0) throw new Error(`cargo package ${name}: ${output(result)}`);
  const bytes = new Uint8Array(await readFile(join(dir, "target", "package", `${name}-${version}.crate`)));
  return { name, version, bytes, cksum: createHash("sha256").update(bytes).digest("hex") };
}

export function prefixPath(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return `1/${lower}`;
  if (lower.length === 2) return `2/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}

export function indexLine(crate: PackagedCrate, yanked = false): string {
  return JSON.stringify({ name: crate.name, vers: crate.version, deps: [], cksum: crate.cksum, features: {}, yanked, links: null });
}

/**
 * Serves `crates` as a sparse registry: `{index}/config.json`, `{index}/{prefix}/{name}`,
 * and `{files}/files/{crate}/{crate}-{version}.crate`. Returns the index root URL.
 */
export function serveSparseIndex(index: CountingServer, files: CountingServer, crates: readonly PackagedCrate[]): string {
  index.put("/config.json", { body: new TextEncoder().encode(JSON.stringify({ dl: `${files.baseUrl}/files/{crate}/{crate}-{version}.crate` })), contentType: "application/json" });
  const byName = new Map<string, PackagedCrate[]>();
  for (const crate of crates) byName.set(crate.name, [...(byName.get(crate.name) ?? []), crate]);
  for (const [name, versions] of byName) {
    index.put(`/${prefixPath(name)}`, { body: new TextEncoder().encode(versions.map((c) => `${indexLine(c)}\n`).join("")), contentType: "text/plain" });
    for (const crate of versions) files.put(`/files/${crate.name}/${crate.name}-${crate.version}.crate`, { body: crate.bytes, contentType: "application/octet-stream" });
  }
  return `${index.baseUrl}/`;
}
