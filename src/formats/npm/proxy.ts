/**
 * Pure helpers describing npm to the remote/virtual engine (DESIGN §5): path classification
 * (packuments and version documents are metadata, tarballs are artifacts; `-/…` endpoints are
 * not cacheable), the shielding key, and hosted reads that render tarball URLs for the
 * repository the request came through. npm's remote and virtual reads need more than a
 * ProxySpec (packument merge, release age, tarball winners): see ./virtual/serve.ts.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { PathClass, ProxySpec } from "../types";
import { isValidNpmName, validateNpmName } from "./names";
import { parseNpmPath, type NpmRoute } from "./paths";
import { packumentResponse, tarballResponse, versionResponse } from "./read";

function safeRoute(path: string): NpmRoute | null {
  try {
    const route = parseNpmPath(path);
    return route && "name" in route && !isValidNpmName(route.name) ? null : route;
  } catch {
    return null;
  }
}

/** Metadata: packument, version document. Artifact: tarball. Anything else: null. */
export function classifyNpmPath(path: string): PathClass | null {
  const route = safeRoute(path);
  if (!route) return null;
  if (route.kind === "packument" || route.kind === "version") return "metadata";
  if (route.kind === "tarball") return "artifact";
  return null;
}

/** The package a path belongs to, lower-cased as hosted names are stored. */
export function npmPackageKey(path: string): string | null {
  const route = safeRoute(path);
  return route && "name" in route ? route.name.toLowerCase() : null;
}

/** `{origin}/npm/{repo}/` of the request (the repository the client asked, e.g. a virtual one). */
export function requestBase(request: Request): string {
  const url = new URL(request.url);
  const [, format = "npm", repo = ""] = url.pathname.split("/");
  return `${url.origin}/${format}/${repo}/`;
}

/** Serves a packument, version document or tarball from a hosted repository, or null. */
export async function readHostedNpm(source: HostedSource, path: string, request: Request): Promise<Response | null> {
  const route = safeRoute(path);
  if (!route || !("name" in route)) return null;
  const name = validateNpmName(route.name, "existing");
  if (route.kind === "packument") return packumentResponse(source, name, requestBase(request), request.headers);
  if (route.kind === "version") return versionResponse(source, name, route.spec, requestBase(request));
  if (route.kind === "tarball") return tarballResponse(source, name, route.filename, request);
  return null;
}

/** What a ProxySpec for npm will contain; merge comes from the virtual engine. */
export const npmProxyHelpers: Pick<ProxySpec, "classifyPath" | "packageKey" | "readHosted" | "metadataContentType"> = {
  classifyPath: classifyNpmPath,
  packageKey: npmPackageKey,
  readHosted: readHostedNpm,
  metadataContentType: "application/json",
};
