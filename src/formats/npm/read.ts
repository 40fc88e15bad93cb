/**
 * Reads from a hosted npm repository: the packument (full, or abbreviated when the client
 * accepts `application/vnd.npm.install-v1+json` as npm install/pacote does), stored as a
 * derived document per package revision — a warm read is one D1 query for the package row
 * and its stored document, then R2; any write bumps the revision, so the next read rebuilds
 * it —, one version document by version or dist-tag (`npm view pkg@latest`), and tarballs.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors";
import type { PackageReader, PackageWriter } from "../../repositories/package-source";
import { tarballFilename, versionFromFilename, type NpmName } from "./names";
import { ABBREVIATED_MEDIA_TYPE, buildAbbreviatedText, buildPackumentText, renderVersion, type JsonObject, type StoredVersion } from "./packument";
import { README_PROPERTY, loadState, revString } from "./state";

/** `{origin}/npm/{repo}/`: the base every tarball URL in a document starts with. */
export function registryBase(c: Context<AppEnv>): string {
  return `${new URL(c.req.url).origin}/npm/${c.req.param("repo") ?? ""}/`;
}

export function wantsAbbreviated(accept: string | undefined): boolean {
  return accept !== undefined && accept.toLowerCase().includes(ABBREVIATED_MEDIA_TYPE);
}

function parseObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** The full (or abbreviated) packument text of a hosted package, or null when it does not exist. */
export async function hostedPackumentText(source: PackageReader, name: NpmName, base: string, abbreviated = false): Promise<string | null> {
  const state = await loadState(source, name.name.toLowerCase());
  if (!state || state.pkg.name !== name.name) return null;
  const [rows, readme] = await Promise.all([source.listVersionRows(state.pkg.id), source.getPackageProperty(state.pkg.id, README_PROPERTY)]);
  if (rows.length === 0) return null;
  // Stored metadata stays text here; the builder parses one version at a time.
  const versions: StoredVersion[] = rows.map((r) => ({ version: r.version, metadata: r.metadata, createdAt: r.createdAt }));
  const options = { name: state.pkg.name, tarballBase: base, created: state.pkg.createdAt, modified: state.modified, rev: revString(state), readme: readme ?? undefined };
  return abbreviated ? buildAbbreviatedText(versions, state.tags, options) : buildPackumentText(versions, state.tags, options);
}

/** The hosted packument, from its stored copy when that was built for the package's current revision. */
export async function serveHostedPackument(c: Context<AppEnv>, source: PackageWriter, name: NpmName): Promise<Response> {
  const abbreviated = wantsAbbreviated(c.req.header("Accept"));
  const base = registryBase(c);
  const contentType = abbreviated ? ABBREVIATED_MEDIA_TYPE : "application/json";
  const key = `npm:packument:${abbreviated ? "abbreviated" : "full"}:${base}:${name.name}`;
  const found = await source.findPackageDocument(name.name.toLowerCase(), key);
  if (!found || found.pkg.name !== name.name) throw notFound(`package ${name.name}`);
  let blob = found.document?.revision === found.pkg.revision ? found.document.blob : null;
  if (!blob) {
    // Concurrent cold reads may each build; they store the same text and the newest revision wins.
    const text = await hostedPackumentText(source, name, base, abbreviated);
    if (text === null) throw notFound(`package ${name.name}`);
    blob = await source.storeDerivedDocument(key, found.pkg.revision, text, contentType);
  }
  return source.serveBlob(c.req.raw, blob, {
    contentType: `${contentType}; charset=utf-8`,
    headers: { "Cache-Control": "no-cache", Vary: "Accept, Authorization" },
  });
}

function jsonResponse(body: unknown, contentType: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { headers: { "Content-Type": contentType, ...headers } });
}

/** One version object by version or dist-tag (`npm view pkg@latest`), or null. */
export async function versionResponse(source: PackageReader, name: NpmName, spec: string, base: string): Promise<Response | null> {
  const state = await loadState(source, name.name.toLowerCase());
  if (!state || state.pkg.name !== name.name) return null;
  const version = state.tags[spec] ?? spec;
  const row = await source.findVersionRow(state.pkg.id, version.toLowerCase());
  if (!row) return null;
  const body = renderVersion(parseObject(row.metadata), state.pkg.name, row.version, base);
  return jsonResponse(body, "application/json; charset=utf-8", { "Cache-Control": "no-cache" });
}

/** `{basename}-{version}.tgz` of the package, or null. */
export async function tarballResponse(source: PackageReader, name: NpmName, filename: string, request: Request): Promise<Response | null> {
  const version = versionFromFilename(name, filename);
  const found = version === null ? null : await source.findFile(name.name.toLowerCase(), version.toLowerCase(), tarballFilename(name, version).toLowerCase());
  return found ? source.serveFile(request, found, { contentType: "application/octet-stream" }) : null;
}

export async function serveVersion(c: Context<AppEnv>, source: PackageReader, name: NpmName, spec: string): Promise<Response> {
  const response = await versionResponse(source, name, spec, registryBase(c));
  if (!response) throw notFound(`version ${spec} of ${name.name}`);
  return response;
}

export async function serveTarball(c: Context<AppEnv>, source: PackageReader, name: NpmName, filename: string): Promise<Response> {
  const response = await tarballResponse(source, name, filename, c.req.raw);
  if (!response) throw notFound(`tarball ${filename} of ${name.name}`);
  return response;
}
