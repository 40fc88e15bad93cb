/**
 * `npm dist-tag ls|add|rm` (npm 11 lib/commands/dist-tag.js):
 *   GET    /-/package/{name}/dist-tags          → {"latest":"1.0.0",…}
 *   PUT    /-/package/{name}/dist-tags/{tag}    body: the version as a JSON string → 200
 *   DELETE /-/package/{name}/dist-tags/{tag}    → 200; unknown tag 404; `latest` 400
 * A tag must name an existing version (404) and must not be a SemVer range (400).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError, notFound } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { validateTagName, type NpmName } from "./names";
import { loadState, saveState } from "./state";

export async function listTags(c: Context<AppEnv>, source: HostedSource, name: NpmName): Promise<Response> {
  const state = await loadState(source, name.name.toLowerCase());
  if (!state || state.pkg.name !== name.name) throw notFound(`package ${name.name}`);
  return c.json(state.tags, 200, { "Cache-Control": "no-cache" });
}

/** The version a dist-tag PUT names: npm sends a JSON string; a bare version is accepted too. */
async function requestedVersion(request: Request): Promise<string> {
  const text = (await request.text()).trim();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // A bare, unquoted version.
  }
  if (typeof value !== "string" || value === "") throw new RegistryError("bad_request", "the body must be the version as a JSON string, e.g. \"1.0.0\"", { field: "(body)" });
  return value;
}

export async function setTag(c: Context<AppEnv>, source: HostedSource, name: NpmName, tag: string): Promise<Response> {
  validateTagName(tag);
  const version = await requestedVersion(c.req.raw);
  const lowerName = name.name.toLowerCase();
  await source.withPackageLock(lowerName, async () => {
    const state = await loadState(source, lowerName);
    if (!state || state.pkg.name !== name.name) throw notFound(`package ${name.name}`);
    const row = await source.findVersionRow(state.pkg.id, version.toLowerCase());
    if (!row) throw notFound(`version ${version} of ${name.name}`);
    if (state.tags[tag] === row.version) return;
    await saveState(source, state, { tags: { ...state.tags, [tag]: row.version } });
    await source.auditEvent("npm.dist-tag.add", `${name.name}@${row.version}`, { tag });
  });
  return c.json({ ok: true });
}

export async function removeTag(c: Context<AppEnv>, source: HostedSource, name: NpmName, tag: string): Promise<Response> {
  if (tag === "latest") throw new RegistryError("bad_request", "the latest dist-tag cannot be removed; point it at another version with npm dist-tag add");
  const lowerName = name.name.toLowerCase();
  await source.withPackageLock(lowerName, async () => {
    const state = await loadState(source, lowerName);
    if (!state || state.pkg.name !== name.name) throw notFound(`package ${name.name}`);
    if (state.tags[tag] === undefined) throw notFound(`dist-tag ${tag} of ${name.name}`);
    const { [tag]: removed, ...rest } = state.tags;
    await saveState(source, state, { tags: rest });
    await source.auditEvent("npm.dist-tag.rm", `${name.name}@${removed ?? ""}`, { tag });
  });
  return c.json({ ok: true });
}
