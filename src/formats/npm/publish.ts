/**
 * `npm publish`: PUT `/{name}` with one version and its tarball (libnpmpublish). Uses
 * "create version and add file": a version that exists is refused with registry.npmjs.org's
 * 403 "You cannot publish over the previously published versions: X." (tools such as
 * lerna match that text). The tarball is decoded from the body in chunks twice: once to
 * check `dist.integrity`/`dist.shasum` (mismatch → 400, nothing stored), once into the blob
 * store, which re-checks its sha256. Version row, file row, dist-tags and revision are
 * written under the package lock, so concurrent publishes of different versions all land.
 */
import type { Context } from "hono";
import { valid } from "semver";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { base64Extent, base64Stream, decodeBase64Chunks } from "./base64";
import { storedVersionObject, type NpmDocument, type VersionDocument } from "./document";
import { tagsAfterPublish } from "./dist-tags";
import { digestChunks, sriFromHex, verifyTarball } from "./integrity";
import { tarballFilename, validateNpmName, validateTagName, type NpmName } from "./names";
import type { AttachmentRange } from "./publish-body";
import { loadState, saveState } from "./state";

export function publishedOver(version: string): RegistryError {
  return new RegistryError("denied", `You cannot publish over the previously published versions: ${version}.`);
}

function onlyVersion(doc: NpmDocument, name: NpmName): { version: string; manifest: VersionDocument } {
  const entries = Object.entries(doc.versions ?? {});
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw new RegistryError("bad_request", "a publish must contain exactly one version", { field: "versions" });
  const [version, manifest] = entry;
  if (valid(version) !== version) throw new RegistryError("version_invalid", `invalid version "${version}": must be a clean SemVer 2.0.0 version`, { field: "versions" });
  if (manifest.version !== undefined && manifest.version !== version) throw new RegistryError("bad_request", `versions["${version}"].version is "${manifest.version}"`, { field: "version" });
  if (manifest.name !== undefined && manifest.name !== name.name) throw new RegistryError("bad_request", `versions["${version}"].name is "${manifest.name}", not "${name.name}"`, { field: "name" });
  return { version, manifest };
}

function tarballAttachment(doc: NpmDocument, attachments: readonly AttachmentRange[]): AttachmentRange {
  // Only the tarball is stored; a provenance bundle (`.sigstore`) is accepted and ignored.
  const tarballs = attachments.filter((a) => a.key.endsWith(".tgz"));
  const [tarball] = tarballs.length ? tarballs : attachments;
  if (!tarball || tarballs.length > 1) throw new RegistryError("bad_request", "a publish must carry exactly one tarball in _attachments", { field: "_attachments" });
  if (doc._attachments?.[tarball.key] === undefined) throw new RegistryError("bad_request", "malformed _attachments", { field: "_attachments" });
  return tarball;
}

/**
 * `_npmUser` as npmjs records it: the publisher's name and email. npm view prints
 * `name <email>` and shows "<undefined>" without an email, so an unknown one is "".
 */
async function publisher(source: HostedSource): Promise<{ name: string; email: string }> {
  const { name, email } = await source.publisher();
  return { name, email: email ?? "" };
}

export async function publishVersion(
  c: Context<AppEnv>,
  source: HostedSource,
  name: NpmName,
  doc: NpmDocument,
  body: Uint8Array,
  attachments: readonly AttachmentRange[],
): Promise<Response> {
  const { version, manifest } = onlyVersion(doc, name);
  const documentTags = doc["dist-tags"] ?? {};
  for (const [tag, target] of Object.entries(documentTags)) if (target === version) validateTagName(tag);
  const tarball = tarballAttachment(doc, attachments);
  const lowerName = name.name.toLowerCase();
  const lowerVersion = version.toLowerCase();

  const existing = await source.findPackageRow(lowerName);
  if (!existing) validateNpmName(name.name, "new");
  if (existing && (await source.findVersionRow(existing.id, lowerVersion))) throw publishedOver(version);

  const { size } = base64Extent(body, tarball.start, tarball.end);
  const stated = doc._attachments?.[tarball.key]?.length;
  if (stated !== undefined && stated !== size) throw new RegistryError("bad_request", `attachment length ${stated} does not match its ${size} decoded bytes`, { field: "_attachments" });
  if (size === 0) throw new RegistryError("body_empty", "the tarball is empty", { field: "_attachments" });
  const digests = await digestChunks(decodeBase64Chunks(body, tarball.start, tarball.end));
  verifyTarball(digests, { integrity: manifest.dist?.integrity, shasum: manifest.dist?.shasum });
  const blob = await source.storeBlob(base64Stream(body, tarball.start, tarball.end), { declaredSize: size, expectedSha256: digests.sha256 });

  const filename = tarballFilename(name, version);
  const metadata = storedVersionObject(
    manifest,
    { name: name.name, version, _id: `${name.name}@${version}`, _npmUser: await publisher(source) },
    { integrity: sriFromHex("sha512", blob.sha512), shasum: blob.sha1 },
  );
  const readme = doc.readme ?? (typeof manifest.readme === "string" ? manifest.readme : undefined);

  const rev = await source.withPackageLock(lowerName, async () => {
    try {
      await source.addFile(
        "create-version",
        { packageName: name.name, lowerName, version, lowerVersion, metadata, file: { name: filename, lowerName: filename.toLowerCase(), isLead: true } },
        blob,
      );
    } catch (error) {
      if (error instanceof RegistryError && error.code === "exists") throw publishedOver(version);
      throw error;
    }
    const state = await loadState(source, lowerName);
    if (!state) throw new RegistryError("internal", `package ${name.name} vanished while publishing`);
    const tags = tagsAfterPublish(state.tags, documentTags, version);
    const becameLatest = tags.latest === version;
    return saveState(source, state, { tags, ...(becameLatest && readme !== undefined ? { readme } : {}) });
  });
  return c.json({ ok: true, id: name.name, rev }, 201);
}
