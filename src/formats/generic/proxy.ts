/**
 * The generic format under the remote/virtual engine: every path `{package}/{version}/{file}`
 * is an artifact (its own validity period decides rechecks), the package name is the
 * shielding key, and hosted reads serve the newest stored copy of the file.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { ProxySpec, ProxyTarget } from "../types";
import { parseGenericPath } from "./names";

function safeParse(path: string) {
  try {
    return parseGenericPath(path);
  } catch {
    return null;
  }
}

export async function readHostedGeneric(source: HostedSource, target: Pick<ProxyTarget, "path">, request: Request): Promise<Response | null> {
  const coords = parseGenericPath(target.path);
  if (!coords) return null;
  const found = await source.findFile(coords.packageName.toLowerCase(), coords.version.toLowerCase(), coords.filename.toLowerCase());
  if (!found) return null;
  return source.serveFile(request, found, {
    headers: { "X-Checksum-Sha256": found.blob.sha256, "X-Checksum-Sha1": found.blob.sha1, "X-Checksum-Md5": found.blob.md5 },
  });
}

export const genericProxy: ProxySpec = {
  classify: (path) => {
    const coords = safeParse(path);
    return coords ? { kind: "artifact", path, packageKey: coords.packageName.toLowerCase() } : null;
  },
  readHosted: readHostedGeneric,
};
