/**
 * A scripted distribution-spec upstream for the OCI remote tests (on ScriptedUpstream, so
 * only the network is faked): manifests by tag and digest (GET and HEAD, with
 * `Docker-Content-Digest`), blobs, tag lists, and Docker-style token auth — every registry
 * request without `Bearer tok:{scope}` gets a 401 challenge naming the realm and the scope,
 * and the realm hands out that token (to the right Basic credentials when some are set).
 */
import type { LoggedRequest, ScriptedUpstream } from "../helpers/scripted-upstream";
import { digestOf, imageManifest, OCI_MANIFEST, text } from "./oci-helpers";

export interface UpstreamImage {
  manifest: Uint8Array;
  digest: string;
  config: Uint8Array;
  layers: Uint8Array[];
  layerDigests: string[];
}

export async function upstreamImage(seed: string): Promise<UpstreamImage> {
  const config = text(JSON.stringify({ architecture: "amd64", os: "linux", seed }));
  const layers = [text(`upstream layer one of ${seed}`), text(`upstream layer two of ${seed}`)];
  const manifest = await imageManifest(config, layers);
  return { manifest, digest: await digestOf(manifest), config, layers, layerDigests: await Promise.all(layers.map(digestOf)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeDistribution {
  readonly tags = new Map<string, Map<string, Uint8Array>>();
  readonly blobs = new Map<string, Uint8Array>();
  /** Milliseconds each blob response is held back (so concurrent pulls overlap). */
  blobDelayMs = 0;
  /** When set, every registry request answers this status. */
  failure: number | null = null;

  constructor(
    private readonly upstream: ScriptedUpstream,
    readonly origin: string,
    readonly realm: string,
    private readonly credentials: { user: string; password: string } | null = null,
  ) {
    upstream.on(realm, (request) => this.token(request));
  }

  /** Serves `image` as `name:tag` (its blobs under `name`); call again to move the tag. */
  async serve(name: string, tag: string, image: UpstreamImage): Promise<void> {
    const tags = this.tags.get(name) ?? new Map<string, Uint8Array>();
    this.tags.set(name, tags);
    tags.set(tag, image.manifest);
    const base = `${this.origin}/v2/${name}`;
    this.upstream.on(`${base}/manifests/${tag}`, (r) => this.registry(r, name, () => this.tags.get(name)?.get(tag) ?? null, OCI_MANIFEST));
    this.upstream.on(`${base}/manifests/${image.digest}`, (r) => this.registry(r, name, () => image.manifest, OCI_MANIFEST));
    this.upstream.on(`${base}/tags/list`, (r) => this.registry(r, name, () => text(JSON.stringify({ name, tags: [...(this.tags.get(name)?.keys() ?? [])] })), "application/json"));
    for (const blob of [image.config, ...image.layers]) {
      const digest = await digestOf(blob);
      this.blobs.set(digest, blob);
      this.serveBlob(name, digest);
    }
  }

  /** Serves `bytes` as blob `digest` of `name` (the bytes need not match: a lying upstream). */
  serveBlob(name: string, digest: string, bytes?: Uint8Array): void {
    if (bytes) this.blobs.set(digest, bytes);
    this.upstream.on(`${this.origin}/v2/${name}/blobs/${digest}`, async (r) => {
      if (this.blobDelayMs > 0) await sleep(this.blobDelayMs);
      return this.registry(r, name, () => this.blobs.get(digest) ?? null, "application/octet-stream");
    });
  }

  /** Registry requests to `path` (below the origin), by method. */
  requests(path: string, method?: string): number {
    return this.upstream.to(`${this.origin}${path}`).filter((r) => method === undefined || r.method === method).length;
  }

  tokenRequests(): LoggedRequest[] {
    return this.upstream.to(this.realm);
  }

  private challenge(name: string): Response {
    const scope = `repository:${name}:pull`;
    return new Response(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }), {
      status: 401,
      headers: { "Content-Type": "application/json", "WWW-Authenticate": `Bearer realm="${this.realm}",service="${new URL(this.origin).host}",scope="${scope}"` },
    });
  }

  private async registry(request: Request, name: string, body: () => Uint8Array | null, contentType: string): Promise<Response> {
    if (request.headers.get("Authorization") !== `Bearer tok:repository:${name}:pull`) return this.challenge(name);
    if (this.failure !== null) return new Response("upstream broke", { status: this.failure });
    const bytes = body();
    if (!bytes) return new Response(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "unknown" }] }), { status: 404 });
    const headers = { "Content-Type": contentType, "Content-Length": String(bytes.byteLength), "Docker-Content-Digest": await digestOf(bytes) };
    return new Response(request.method === "HEAD" ? null : bytes, { headers });
  }

  private token(request: Request): Response {
    const url = new URL(request.url);
    const expected = this.credentials ? `Basic ${btoa(`${this.credentials.user}:${this.credentials.password}`)}` : null;
    if (expected && request.headers.get("Authorization") !== expected) return new Response("bad credentials", { status: 401 });
    const scope = url.searchParams.get("scope") ?? "";
    return Response.json({ token: `tok:${scope}`, expires_in: 300 });
  }
}
