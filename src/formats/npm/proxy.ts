/**
 * npm under the remote/virtual engine: what a request is (packument, tarball) and the
 * "npm-packument" recipe. A packument is a precomputed document in every repository kind
 * (a hosted one's keyed by package revision): members' packuments — a hosted member's
 * rendered from D1, a remote's its cached upstream JSON, always fetched in full (as
 * Verdaccio does) so one copy serves full and abbreviated requests and the release-age
 * filter can read `time` — filtered by release age, merged in priority order with tarballs
 * re-pointed at the serving repository, abbreviated if asked. Its provenance (version →
 * member) decides which member serves a tarball, so the tarball always matches the
 * integrity the packument advertised.
 */
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget, Provenance } from "../types";
import { validateNpmName, versionFromFilename, type NpmName } from "./names";
import { ABBREVIATED_MEDIA_TYPE } from "./packument";
import { parseNpmPath } from "./paths";
import { hostedPackumentText, tarballResponse, wantsAbbreviated } from "./read";
import { abbreviatePackumentText } from "./virtual/abbreviate";
import { mergePackuments } from "./virtual/packument-merge";
import { applyReleaseAge } from "./virtual/release-age";

const RECIPE = "npm-packument";

interface PackumentParams {
  name: string;
  /** `{origin}/npm/{repo}/`: where tarball URLs point. */
  base: string;
  abbreviated: boolean;
  /** Keep `_rev` (a hosted repository serving its own packument: npm unpublish sends it back). */
  keepRevision: boolean;
}

/** The upstream path of a packument: scoped names as one escaped segment (`@scope%2fname`). */
export const upstreamPackumentPath = (name: NpmName): string => encodeURIComponent(name.name).replace(/^%40/, "@");

const packumentRecipe: DocumentRecipe = {
  precomputed: true,
  hostedText: (source, _target, params) => {
    const { name, base } = params as unknown as PackumentParams;
    return hostedPackumentText(source, validateNpmName(name, "existing"), base);
  },
  merge(documents, raw, now) {
    const params = raw as unknown as PackumentParams;
    const filtered = documents.map((d) => ({ member: d.member, text: d.minReleaseAgeHours > 0 ? applyReleaseAge(d.text, d.minReleaseAgeHours, now).text : d.text }));
    const merged = mergePackuments(params.name, filtered, params.base, { keepRevision: params.keepRevision });
    if (!merged) return null;
    if (params.abbreviated) return { text: abbreviatePackumentText(merged.text) };
    // The full packument is the index tarball requests look up.
    const provenance: Record<string, Provenance> = Object.fromEntries([...merged.winners].map(([version, member]) => [version, { member }]));
    return { text: merged.text, provenance };
  },
};
registerRecipe(RECIPE, packumentRecipe);

/** A packument request: the full document, or the abbreviated one npm install asks for. */
export function packumentTarget(name: NpmName, base: string, abbreviated: boolean, hosted: boolean): ProxyTarget {
  const variant = abbreviated ? "abbreviated" : "full";
  const params: PackumentParams = { name: name.name, base, abbreviated, keepRevision: hosted };
  return {
    kind: "metadata",
    path: upstreamPackumentPath(name),
    key: `packument/${name.name}`,
    accept: "application/json",
    packageKey: name.name.toLowerCase(),
    document: {
      recipe: RECIPE,
      key: `npm:packument:${variant}:${base}:${name.name}`,
      contentType: abbreviated ? `${ABBREVIATED_MEDIA_TYPE}; charset=utf-8` : "application/json; charset=utf-8",
      headers: { "Cache-Control": "no-cache", Vary: "Accept, Authorization" },
      params: { ...params },
    },
  };
}

/** A tarball request: served by the member whose version won the packument merge. */
export function tarballTarget(name: NpmName, filename: string, base: string, version: string): ProxyTarget {
  return {
    kind: "artifact",
    path: `${name.name}/-/${filename}`,
    packageKey: name.name.toLowerCase(),
    indexedBy: { index: packumentTarget(name, base, false, false), entry: version },
  };
}

export const npmProxy: ProxySpec = {
  classify(path, request, base) {
    const route = parseNpmPath(path);
    if (route?.kind === "packument") return packumentTarget(validateNpmName(route.name, "existing"), base, wantsAbbreviated(request.headers.get("Accept") ?? undefined), false);
    if (route?.kind !== "tarball") return null;
    const name = validateNpmName(route.name, "existing");
    const version = versionFromFilename(name, route.filename);
    return version === null ? null : tarballTarget(name, route.filename, base, version);
  },
  readHosted(source, target, request) {
    const route = parseNpmPath(target.path);
    if (route?.kind !== "tarball") return Promise.resolve(null);
    return tarballResponse(source, validateNpmName(route.name, "existing"), route.filename, request);
  },
};
