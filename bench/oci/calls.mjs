// Binding calls of warm OCI pulls (bench/lib/call-counts.mjs), for bench/oci/run.mjs and
// bench/oci/herd.mjs: the manifest by tag (with the Accept header skopeo sends) and one blob,
// each requested twice back to back (the first must answer 200) and counted on the second.
import { callCounts, formatCalls } from "../lib/call-counts.mjs";

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

const basic = (user, secret) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;

/**
 * `Authorization: Bearer <registry JWT>` for pulling `image` (`repo/name`), from `/v2/token`
 * with the user's Basic credentials: what skopeo, docker and containerd send.
 */
export async function pullToken(baseUrl, image, user, secret) {
  const res = await fetch(`${baseUrl}/v2/token?scope=${encodeURIComponent(`repository:${image}:pull`)}`, { headers: { Authorization: basic(user, secret) } });
  if (!res.ok) throw new Error(`/v2/token answered ${res.status}: ${await res.text()}`);
  return `Authorization: Bearer ${(await res.json()).token}`;
}

/** Counts of the warm manifest `image:tag` and blob `digest` with `auth` (`Authorization: …`). */
export async function warmPullCalls(baseUrl, image, tag, digest, auth) {
  const count = async (url, headers) => {
    const first = await fetch(url, { headers: Object.fromEntries(headers.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1).trim()])) });
    await first.arrayBuffer();
    if (first.status !== 200) throw new Error(`GET ${url} answered ${first.status}`);
    return callCounts(url, headers);
  };
  return {
    manifest: await count(`${baseUrl}/v2/${image}/manifests/${tag}`, [auth, `Accept: ${MANIFEST_ACCEPT}`]),
    blob: await count(`${baseUrl}/v2/${image}/blobs/${digest}`, [auth]),
  };
}

/** "manifest by tag D1 … · blob D1 …". */
export const formatPullCalls = (calls) => `manifest by tag ${formatCalls(calls.manifest)}; blob ${formatCalls(calls.blob)}`;
