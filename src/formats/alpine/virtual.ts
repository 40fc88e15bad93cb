/**
 * Reads of a virtual Alpine repository serve its stored index document (./virtual-index.ts,
 * built by its IndexBuilder) and nothing else: a read never builds or merges. A virtual with
 * none stored yet (created before this rule) gets a build scheduled and answers 404 until it
 * lands.
 * - `APKINDEX.tar.gz`: the stored archive of the place (or its branch/repository's `noarch`).
 * - `.apk`: the file the index lists, from the member it took it from (the download counts
 *   there); a file the index does not list is a 404.
 * - A caller who may not read every hosted member gets no index (it covers those members;
 *   the 404 names none) and packages from the members it may read, through the engine.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { loadVirtualHostedMembers } from "../../repositories/loader";
import { labelled } from "../../virtual/responses";
import { type AlpineIndexes, indexOf, readStoredJson, storedIndexes, type VirtualFiles } from "./index-document";
import { apkPlace, indexPlace } from "./proxy";

async function currentIndexes(virtual: HostedSource): Promise<AlpineIndexes | null> {
  const indexes = await storedIndexes(virtual);
  if (!indexes) await virtual.scheduleIndexes();
  return indexes;
}

/** A virtual repository's answer for an index or package path; null when the engine serves it (or the repository is not virtual). */
export async function serveVirtualAlpine(c: Context<AppEnv>, path: string): Promise<Response | null> {
  const index = indexPlace(path);
  const apk = index ? null : apkPlace(path);
  const place = index ?? apk;
  if (!place) return null;
  const { virtual, members, hidden } = await loadVirtualHostedMembers(c, "alpine");
  if (virtual.repository.kind !== "virtual") return null;
  if (hidden && apk) return null;
  if (hidden) throw new RegistryError("not_found", `${path.slice(0, 200)}: no such index: this virtual repository's index covers members you cannot read`);
  const stored = indexOf(await currentIndexes(virtual), place);
  if (index) {
    if (!stored) throw new RegistryError("not_found", `${path.slice(0, 200)}: no such index`);
    return virtual.serveBlob(c.req.raw, stored.archive, { contentType: "application/gzip" });
  }
  const files = stored?.files ? await readStoredJson<VirtualFiles>(virtual, stored.files) : null;
  const listed = apk ? files?.[apk.filename] : undefined;
  const member = listed ? members.find((m) => m.repository.id === listed.member) : undefined;
  if (!listed || !member) throw new RegistryError("not_found", `${path.slice(0, 200)} not found`);
  const response = await member.serveFile(c.req.raw, { file: listed.file, blob: listed.blob }, { contentType: "application/octet-stream" });
  return labelled(response, member.repository.name, "HIT");
}
