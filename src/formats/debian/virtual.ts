/**
 * Virtual Debian repositories: their own generation (./generation.ts), built by their own
 * IndexBuilder from their hosted members' packages (in priority order; the first member
 * listing a pool path wins) and signed with the **virtual's** key — apt trusts the
 * repository it is configured with. A member's build schedules the virtual's (and creating
 * the virtual or changing its members builds it at once), so reads only ever serve the
 * stored generation; a virtual with none yet (created before this rule) gets a build
 * scheduled and answers 404 until it lands. Pool files the generation lists are served from
 * it (the member it chose); other paths go through the engine (remote members).
 * Remote members' indexes are not merged: their signatures cannot be re-made without
 * re-hashing their Packages (docs/formats/debian.md).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadVirtualHostedMembers } from "../../repositories/loader";
import type { HostedSource } from "../../repositories/hosted-source";
import { openpgpKind } from "../../signing/openpgp";
import type { Generation } from "./generation";
import { assetResponse, currentGeneration, KEY_PATH, keyResponse } from "./proxy";

async function virtualGeneration(virtual: HostedSource): Promise<Generation | null> {
  const generation = await currentGeneration(virtual);
  if (!generation) await virtual.scheduleIndexes();
  return generation;
}

/** A virtual repository's answer for `path`, or null when the engine should serve it. */
export async function serveVirtualDebian(c: Context<AppEnv>, path: string): Promise<Response | null> {
  const isIndex = path === KEY_PATH || path.startsWith("dists/");
  if (!isIndex && !path.startsWith("pool/")) return null;
  const { virtual, hidden } = await loadVirtualHostedMembers(c, "debian");
  if (virtual.repository.kind !== "virtual") return null;
  // Pool files: the engine serves them from the members this caller may read.
  if (hidden && !isIndex) return null;
  if (hidden) throw new RegistryError("not_found", `${path.slice(0, 200)} not found: this virtual repository's index covers members you cannot read`);
  if (path === KEY_PATH) return keyResponse(c.req.raw, await virtual.signingKeys.publicKey(openpgpKind));
  const generation = await virtualGeneration(virtual);
  if (path.startsWith("pool/")) {
    const blob = generation?.pool[path];
    return blob ? virtual.serveBlob(c.req.raw, blob, { contentType: "application/vnd.debian.binary-package", headers: { "X-Checksum-Sha256": blob.sha256 } }) : null;
  }
  const response = generation ? await assetResponse(virtual, generation, path, c.req.raw) : null;
  if (!response) throw new RegistryError("not_found", `${path.slice(0, 200)} not found`);
  return response;
}
