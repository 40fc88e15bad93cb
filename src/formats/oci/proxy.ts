/**
 * The OCI ProxySpec (targets in ./proxy-targets.ts): how the engine classifies a
 * repository-relative path, and how a hosted member answers one, in the shape an upstream
 * registry gives it (manifests with `Docker-Content-Digest`, tag lists, referrers indexes).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { ProxySpec, ProxyTarget } from "../types";
import { HostedOciReader } from "./hosted/reader";
import { OCI_INDEX } from "./manifest";
import { classifyOciPath, DIGEST_HEADER, parseProxyPath } from "./proxy-targets";

/** A hosted member's answer, in the shape an upstream registry gives it. */
export async function readHostedOci(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const parsed = parseProxyPath(target.path);
  if (!parsed) return null;
  const reader = new HostedOciReader(source);
  switch (parsed.kind) {
    case "manifest":
      return (await reader.manifest(parsed.name, parsed.reference, request))?.response ?? null;
    case "blob": {
      const response = await reader.blob(parsed.name, parsed.digest, request);
      response?.headers.set(DIGEST_HEADER, parsed.digest);
      return response;
    }
    case "tags": {
      const tags = await reader.tags(parsed.name);
      return tags === null ? null : Response.json({ name: parsed.name, tags });
    }
    case "referrers": {
      const manifests = await reader.referrers(parsed.name, parsed.digest);
      return Response.json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, { headers: { "Content-Type": OCI_INDEX } });
    }
  }
}

export const ociProxy: ProxySpec = { classify: (path) => classifyOciPath(path), readHosted: readHostedOci };
