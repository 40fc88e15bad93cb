/**
 * Unpublishing (libnpmpublish unpublish.js, npm 11):
 * - one version: npm GETs the packument, PUTs it to `/{name}/-rev/{rev}` without that version
 *   (update.ts removes it there), re-GETs, then DELETEs `/{name}/-/{file}/-rev/{rev}`; that
 *   DELETE removes the version if it is still present and is a 200 if it is already gone;
 * - the whole package (`--force`, or its only version): DELETE `/{name}/-rev/{rev}`.
 * Rules (docs/formats/npm.md): tags naming a removed version go; `latest` moves to the
 * highest remaining release (else prerelease); removing the last version removes the package.
 * Unlike registry.npmjs.org, an unpublished version number or package name may be published
 * again (as Verdaccio, Gitea and Artifactory allow): lockfiles that pinned the old tarball
 * then fail with EINTEGRITY rather than silently installing different bytes.
 * Blobs are not deleted here; blob GC removes them once nothing references them.
 */
import type { Context } from "hono";
import type { VersionRow } from "../../repositories/package-source";
import type { AppEnv } from "../../env";
import { RegistryError, notFound } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { tagsAfterRemoval } from "./dist-tags";
import { versionFromFilename, type NpmName } from "./names";
import { checkRevision, loadState, stateUpdate, type NpmState, type StateChange } from "./state";

/**
 * Removes `removed` versions (the caller holds the lock) and applies `change` to what remains;
 * with nothing left, the whole package goes. Returns the new `_rev`, or null when the package went.
 */
export async function removeVersionsLocked(
  source: HostedSource,
  state: NpmState,
  all: readonly VersionRow[],
  removed: readonly VersionRow[],
  change: Omit<StateChange, "tags"> = {},
): Promise<string | null> {
  const gone = new Set(removed.map((v) => v.id));
  const remaining = all.filter((v) => !gone.has(v.id));
  if (remaining.length === 0) {
    await source.removePackage(state.pkg, all.map((v) => v.id));
    return null;
  }
  const tags = tagsAfterRemoval(state.tags, new Set(removed.map((v) => v.version)), remaining.map((v) => v.version));
  const { update, rev } = stateUpdate(state, { ...change, tags });
  await source.removeVersions(state.pkg, removed, update);
  return rev;
}

const ok = (c: Context<AppEnv>) => c.json({ ok: true });

/** DELETE `/{name}/-rev/{rev}`: the whole package. */
export async function unpublishPackage(c: Context<AppEnv>, source: HostedSource, name: NpmName, rev: string): Promise<Response> {
  const lowerName = name.name.toLowerCase();
  await source.withPackageLock(lowerName, async () => {
    const state = await loadState(source, lowerName);
    if (!state) throw notFound(`package ${name.name}`);
    checkRevision(state, rev);
    const versions = await source.listVersionRows(state.pkg.id);
    await source.removePackage(state.pkg, versions.map((v) => v.id));
  });
  return ok(c);
}

/** DELETE `/{name}/-/{file}/-rev/{rev}`: one version's tarball, and so the version. */
export async function unpublishTarball(c: Context<AppEnv>, source: HostedSource, name: NpmName, filename: string, rev: string): Promise<Response> {
  const lowerName = name.name.toLowerCase();
  const version = versionFromFilename(name, filename);
  if (version === null) throw new RegistryError("not_found", `${filename} is not a tarball of ${name.name}`);
  await source.withPackageLock(lowerName, async () => {
    const state = await loadState(source, lowerName);
    if (!state) throw notFound(`package ${name.name}`);
    checkRevision(state, rev);
    const all = await source.listVersionRows(state.pkg.id);
    const row = all.find((v) => v.lowerVersion === version.toLowerCase());
    // Already removed by the preceding PUT of the reduced packument.
    if (row) await removeVersionsLocked(source, state, all, [row]);
  });
  return ok(c);
}
