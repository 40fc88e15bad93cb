/**
 * `cargo publish`: the body is read (at most MAX_PUBLISH_BYTES), its framing and metadata
 * parsed, and the `.crate`'s `Cargo.toml` read and compared with the metadata's name and
 * version before anything is stored. The index file lists the version as soon as the request
 * answers (the hosted package revision moves, so the next index read is rebuilt): cargo
 * polls the index right after publishing.
 */
import { parse as parseToml } from "smol-toml";
import { readTarGzEntry } from "../../archive/tar-gz";
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { indexEntryOf } from "./index-line";
import { crateFilename, lowerCrateName, lowerCrateVersion } from "./names";
import { readBodyBytes } from "../../http/request-body";
import { parsePublishBody, type PublishMetadata } from "./publish-body";
import type { CargoVersionMetadata } from "./stored";

/** crates.io accepts 10 MiB; a private registry often hosts larger crates. */
export const MAX_PUBLISH_BYTES = 64 * 1024 * 1024;

const LABEL = "invalid .crate file";

/** `{name}-{version}/Cargo.toml` of the crate, parsed: name and version must agree with the metadata. */
export async function checkCrateManifest(crate: Uint8Array, metadata: PublishMetadata): Promise<void> {
  const folder = `${metadata.name}-${metadata.vers}`.replace(/[.+]/g, "\\$&");
  const manifest = await readTarGzEntry(new Blob([crate]).stream(), new RegExp(`^${folder}/Cargo\\.toml$`), {
    label: LABEL,
    entry: "Cargo.toml",
    maxEntryBytes: 1024 * 1024,
    maxRatio: 200,
    maxScanBytes: 256 * 1024 * 1024,
  });
  if (!manifest) throw new RegistryError("bad_request", `${LABEL}: it has no ${metadata.name}-${metadata.vers}/Cargo.toml (is it the crate of ${metadata.name} ${metadata.vers}?)`);
  let toml: Record<string, unknown>;
  try {
    toml = parseToml(new TextDecoder().decode(manifest)) as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError("bad_request", `${LABEL}: Cargo.toml is not valid TOML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  const pkg = toml.package as Record<string, unknown> | undefined;
  const name = pkg?.name;
  const version = pkg?.version;
  if (name !== metadata.name || version !== metadata.vers) {
    throw new RegistryError(
      "bad_request",
      `${LABEL}: Cargo.toml says ${typeof name === "string" ? name : "(no name)"} ${typeof version === "string" ? version : "(no version)"}, the publish metadata ${metadata.name} ${metadata.vers}`,
    );
  }
}

function versionMetadata(metadata: PublishMetadata): CargoVersionMetadata {
  const optional = {
    description: metadata.description,
    license: metadata.license,
    repository: metadata.repository,
    homepage: metadata.homepage,
    documentation: metadata.documentation,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)) as Partial<CargoVersionMetadata>;
  return {
    entry: indexEntryOf(metadata),
    ...present,
    ...(metadata.keywords.length ? { keywords: metadata.keywords } : {}),
    ...(metadata.categories.length ? { categories: metadata.categories } : {}),
    ...(metadata.authors.length ? { authors: metadata.authors } : {}),
  };
}

/** Handles one publish; resolves when the version is in the index. */
export async function handlePublish(source: HostedSource, body: ReadableStream<Uint8Array> | null): Promise<PublishMetadata> {
  const { metadata, crate } = parsePublishBody(await readBodyBytes(body, MAX_PUBLISH_BYTES));
  await checkCrateManifest(crate, metadata);
  const lowerName = lowerCrateName(metadata.name);
  const lowerVersion = lowerCrateVersion(metadata.vers);
  const existing = await source.findPackageRow(lowerName);
  if (existing && existing.name !== metadata.name) {
    throw new RegistryError("conflict", `crate \`${metadata.name}\` conflicts with the existing crate \`${existing.name}\` (names differing only in case are the same crate)`);
  }
  const existingVersion = existing ? await source.findVersionRow(existing.id, lowerVersion) : null;
  if (existingVersion) throw new RegistryError("exists", `crate version \`${metadata.name}@${existingVersion.version}\` already exists`);
  const blob = await source.storeBlob(new Blob([crate]).stream(), { declaredSize: crate.length });
  const filename = crateFilename(metadata.name, metadata.vers);
  try {
    await source.addFile(
      "create-version",
      { packageName: metadata.name, lowerName, version: metadata.vers, lowerVersion, metadata: versionMetadata(metadata), file: { name: filename, lowerName: filename.toLowerCase(), isLead: true } },
      blob,
    );
  } catch (error) {
    if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", `crate version \`${metadata.name}@${metadata.vers}\` already exists`);
    throw error;
  }
  return metadata;
}
