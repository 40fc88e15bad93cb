/**
 * PUTs of a whole packument without `_attachments` (no tarball, so never a new version):
 * - `PUT /{name}` — npm deprecate/undeprecate: sets or clears each listed version's
 *   `deprecated` (an empty string clears it, as on npmjs) and applies dist-tags whose
 *   value changed and names an existing version; tags missing from the body are kept.
 * - `PUT /{name}/-rev/{rev}` — libnpmpublish unpublish: additionally removes every stored
 *   version the body no longer lists (unpublish.ts rules); the body's dist-tags are ignored,
 *   the server moves them itself.
 * A listed version that does not exist is a 400 (publishing needs its tarball). A stale
 * `_rev` (in the URL, or in the body of a plain PUT) is a 409, so a packument fetched before a
 * concurrent publish cannot undo it.
 */
import type { Context } from "hono";
import type { VersionRow } from "../../repositories/package-source";
import type { AppEnv } from "../../env";
import { RegistryError, notFound } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { deprecationOf, type NpmDocument } from "./document";
import type { DistTags } from "./dist-tags";
import { validateTagName, type NpmName } from "./names";
import type { JsonObject } from "./packument";
import { removeVersionsLocked } from "./unpublish";
import { checkRevision, loadState, saveState, type NpmState } from "./state";

interface Plan {
  metadata: { versionId: number; metadata: JsonObject }[];
  deprecations: { version: string; message: string | undefined }[];
  tags: DistTags | undefined;
  removed: VersionRow[];
}

function parseMetadata(row: VersionRow): JsonObject {
  const value: unknown = JSON.parse(row.metadata);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function plan(state: NpmState, rows: readonly VersionRow[], doc: NpmDocument, unpublish: boolean): Plan {
  const listed = doc.versions ?? {};
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  const byLower = new Map(rows.map((r) => [r.lowerVersion, r]));
  const find = (version: string) => byVersion.get(version) ?? byLower.get(version.toLowerCase());
  const unknown = Object.keys(listed).filter((v) => !find(v));
  if (unknown.length) {
    throw new RegistryError("bad_request", `cannot add versions without a tarball: ${unknown.slice(0, 5).join(", ")}; publish them instead`, { field: "versions" });
  }
  const result: Plan = { metadata: [], deprecations: [], tags: undefined, removed: [] };
  const kept = new Set<number>();
  for (const [version, sent] of Object.entries(listed)) {
    const row = find(version);
    if (!row) continue;
    kept.add(row.id);
    const stored = parseMetadata(row);
    const message = deprecationOf(sent);
    if (message === deprecationOf(stored)) continue;
    const { deprecated: _old, ...rest } = stored;
    result.metadata.push({ versionId: row.id, metadata: message === undefined ? rest : { ...rest, deprecated: message } });
    result.deprecations.push({ version: row.version, message });
  }
  if (unpublish) result.removed = rows.filter((r) => !kept.has(r.id));
  else {
    const tags: DistTags = { ...state.tags };
    let changed = false;
    for (const [tag, version] of Object.entries(doc["dist-tags"] ?? {})) {
      if (state.tags[tag] === version) continue;
      validateTagName(tag);
      const row = find(version);
      if (!row) throw new RegistryError("bad_request", `dist-tag ${tag} names version ${version}, which does not exist`, { field: "dist-tags" });
      tags[tag] = row.version;
      changed = true;
    }
    if (changed) result.tags = tags;
  }
  return result;
}

/** Applies a packument PUT; `urlRev` is the `-rev/{rev}` of the URL (unpublish) or undefined. */
export async function updatePackument(c: Context<AppEnv>, source: HostedSource, name: NpmName, doc: NpmDocument, urlRev: string | undefined): Promise<Response> {
  const unpublish = urlRev !== undefined;
  if (unpublish && doc.versions === undefined) throw new RegistryError("bad_request", "the packument must list the versions to keep", { field: "versions" });
  const lowerName = name.name.toLowerCase();
  const rev = await source.withPackageLock(lowerName, async () => {
    const state = await loadState(source, lowerName);
    if (!state) throw notFound(`package ${name.name}`);
    checkRevision(state, urlRev ?? doc._rev);
    const rows = await source.listVersionRows(state.pkg.id);
    const changes = plan(state, rows, doc, unpublish);
    let next: string | null;
    if (changes.removed.length) next = await removeVersionsLocked(source, state, rows, changes.removed, { versions: changes.metadata });
    else if (changes.metadata.length || changes.tags) next = await saveState(source, state, { versions: changes.metadata, ...(changes.tags ? { tags: changes.tags } : {}) });
    else return null;
    for (const d of changes.deprecations) {
      await source.auditEvent(d.message === undefined ? "npm.undeprecate" : "npm.deprecate", `${name.name}@${d.version}`, d.message === undefined ? {} : { message: d.message });
    }
    return next;
  });
  return c.json({ ok: true, id: name.name, ...(rev ? { rev } : {}) });
}
