/**
 * Sparse-index entries (one JSON object per line, one line per version), as cargo's
 * registry-index documentation describes them, built from `cargo publish`'s metadata:
 * `version_req` becomes `req`; a renamed dependency (`explicit_name_in_toml`) is listed under
 * its name in Cargo.toml with `package` naming the real crate; `registry` is kept as cargo sent
 * it (null: this registry). Features are kept in one `features` map (cargo ≥ 1.60 reads
 * `dep:` and `?/` there; crates.io's split into `features2` only serves older cargo).
 */
import type { PublishMetadata } from "./publish-body";

export interface IndexDependency {
  name: string;
  req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  target: string | null;
  kind: "normal" | "dev" | "build";
  registry: string | null;
  package?: string;
}

/** An index line without the two fields decided at serving time (`cksum`, `yanked`). */
export interface IndexEntry {
  name: string;
  vers: string;
  deps: IndexDependency[];
  features: Record<string, string[]>;
  links: string | null;
  rust_version?: string;
}

export function indexEntryOf(metadata: PublishMetadata): IndexEntry {
  const deps = metadata.deps.map((dep): IndexDependency => {
    const renamed = dep.explicit_name_in_toml && dep.explicit_name_in_toml !== dep.name;
    return {
      name: renamed ? (dep.explicit_name_in_toml as string) : dep.name,
      req: dep.version_req,
      features: dep.features,
      optional: dep.optional,
      default_features: dep.default_features,
      target: dep.target,
      kind: dep.kind,
      registry: dep.registry,
      ...(renamed ? { package: dep.name } : {}),
    };
  });
  return {
    name: metadata.name,
    vers: metadata.vers,
    deps,
    features: metadata.features,
    links: metadata.links,
    ...(metadata.rust_version ? { rust_version: metadata.rust_version } : {}),
  };
}

/** One line of an index file (no newline). Key order as crates.io writes it. */
export function renderIndexLine(entry: IndexEntry, cksum: string, yanked: boolean): string {
  const { name, vers, deps, features, links, rust_version } = entry;
  return JSON.stringify({ name, vers, deps, cksum, features, yanked, links, ...(rust_version ? { rust_version } : {}) });
}
