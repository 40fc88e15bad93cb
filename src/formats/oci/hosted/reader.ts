/** Reads of a hosted OCI repository (layout in ./layout.ts). */
import type { SourceContext } from "../../../repositories/source-context";
import { HostedSource } from "../../../repositories/hosted-source";
import type { Repository } from "../../../repositories/model";
import type { Descriptor, ManifestFacts } from "../manifest";
import type { Reference } from "../names";
import type { ManifestAnswer, OciReader } from "../reader";
import { BLOBS_VERSION, digestOfBlob, isManifestVersion, MANIFEST_FILE, TAG_PREFIX, tagVersion } from "./layout";

export class HostedOciReader implements OciReader {
  constructor(readonly source: HostedSource) {}

  static open(repository: Repository, context: SourceContext): HostedOciReader {
    return new HostedOciReader(new HostedSource(repository, context));
  }

  async manifest(name: string, reference: Reference, request: Request): Promise<ManifestAnswer | null> {
    const version = reference.kind === "tag" ? tagVersion(reference.tag) : reference.digest;
    const found = await this.source.findFile(name, version, MANIFEST_FILE);
    if (!found) return null;
    const mediaType = found.file.name;
    const response = await this.source.serveFile(request, found, { contentType: mediaType });
    response.headers.delete("Content-Disposition");
    const digest = reference.kind === "digest" ? reference.digest : digestOfBlob(found.blob);
    // Virtual repositories read hosted members' manifests as plain responses (../proxy.ts).
    response.headers.set("Docker-Content-Digest", digest);
    return { digest, mediaType, size: found.blob.size, response };
  }

  async blob(name: string, digest: string, request: Request): Promise<Response | null> {
    const found = await this.source.findFile(name, BLOBS_VERSION, digest);
    if (!found) return null;
    const response = await this.source.serveFile(request, found);
    response.headers.delete("Content-Disposition");
    return response;
  }

  async tags(name: string): Promise<string[] | null> {
    const pkg = await this.source.findPackageRow(name);
    if (!pkg) return null;
    const versions = await this.source.listVersionRows(pkg.id);
    return versions
      .filter((v) => v.lowerVersion.startsWith(TAG_PREFIX))
      .map((v) => v.lowerVersion.slice(TAG_PREFIX.length))
      .sort();
  }

  async referrers(name: string, digest: string): Promise<Descriptor[]> {
    const pkg = await this.source.findPackageRow(name);
    if (!pkg) return [];
    const versions = await this.source.listVersionRows(pkg.id);
    const out: Descriptor[] = [];
    for (const v of versions) {
      if (!isManifestVersion(v.lowerVersion)) continue;
      const facts = JSON.parse(v.metadata) as Partial<ManifestFacts>;
      if (facts.subject !== digest || !facts.mediaType || facts.size === undefined) continue;
      out.push({
        mediaType: facts.mediaType,
        digest: v.lowerVersion,
        size: facts.size,
        ...(facts.artifactType ? { artifactType: facts.artifactType } : {}),
        ...(facts.annotations ? { annotations: facts.annotations } : {}),
      });
    }
    return out.sort((a, b) => a.digest.localeCompare(b.digest));
  }
}

