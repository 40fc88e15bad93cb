// The token-challenge flow of container registries against a local registry and token
// service that do exactly what Docker Hub does: 401 + `WWW-Authenticate: Bearer realm=…`,
// a token from the realm (Basic with the stored credentials, or anonymous), one retry.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createRemote, remoteSourceFor, useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const HUB = "https://hub.test";
const REALM = "https://auth.test/token";
const SCOPE = "repository:library/demo:pull";

interface TokenService {
  issued: string[];
  expiresIn: number;
  refuse: boolean;
}

/** A registry at HUB/{repo}/ that accepts only tokens its realm issued, and the realm itself. */
function registry(repo: string, credentials: string | null, files: Record<string, string>): TokenService {
  const service: TokenService = { issued: [], expiresIn: 300, refuse: false };
  upstream.on(REALM, (request) => {
    const url = new URL(request.url);
    if (service.refuse || request.headers.get("Authorization") !== credentials || url.searchParams.get("scope") !== SCOPE) {
      return new Response("denied", { status: 401 });
    }
    const token = `tok-${service.issued.length + 1}`;
    service.issued.push(token);
    return Response.json({ token, expires_in: service.expiresIn });
  });
  for (const [path, body] of Object.entries(files)) {
    upstream.on(`${HUB}/${repo}/${path}`, (request) => {
      const auth = request.headers.get("Authorization");
      if (auth && service.issued.includes(auth.replace(/^Bearer /, ""))) return new Response(body);
      return new Response('{"errors":[{"code":"UNAUTHORIZED"}]}', {
        status: 401,
        headers: { "WWW-Authenticate": `Bearer realm="${REALM}",service="hub.test",scope="${SCOPE}"` },
      });
    });
  }
  return service;
}

const text = async (source: Awaited<ReturnType<typeof remoteSourceFor>>, key: string) => {
  const hit = await source.get(key, "artifact");
  return (await env.BLOBS.get(hit?.blob.r2Key ?? ""))?.text();
};

describe("upstream token challenges", () => {
  it("gets a token with the stored credentials, retries once, and reuses the cached token for the next fill", async () => {
    const repo = await createRemote((name) => `${HUB}/${name}/`, { username: "svc", password: "s3cret" });
    const basic = `Basic ${btoa("svc:s3cret")}`;
    const service = registry(repo, basic, { "v2/library/demo/blobs/sha256:1": "layer one", "v2/library/demo/blobs/sha256:2": "layer two" });
    const source = await remoteSourceFor(repo);
    expect(await text(source, "v2/library/demo/blobs/sha256:1")).toBe("layer one");
    expect(await text(source, "v2/library/demo/blobs/sha256:2")).toBe("layer two");

    expect(service.issued).toEqual(["tok-1"]);
    const token = upstream.to(REALM);
    expect(token).toHaveLength(1);
    expect(token[0]?.headers.get("Authorization")).toBe(basic);
    expect(new URL(token[0]?.url ?? "").searchParams.get("service")).toBe("hub.test");
    const one = upstream.to(`${HUB}/${repo}/v2/library/demo/blobs/sha256:1`).map((r) => r.headers.get("Authorization"));
    expect(one).toEqual([basic, "Bearer tok-1"]);
    // The second fill sends the cached token up front: no 401 round trip.
    const two = upstream.to(`${HUB}/${repo}/v2/library/demo/blobs/sha256:2`).map((r) => r.headers.get("Authorization"));
    expect(two).toEqual(["Bearer tok-1"]);
  });

  it("asks the realm anonymously when the remote has no credentials", async () => {
    const repo = await createRemote((name) => `${HUB}/${name}/`);
    const service = registry(repo, null, { "v2/library/demo/manifests/1": "manifest" });
    expect(await text(await remoteSourceFor(repo), "v2/library/demo/manifests/1")).toBe("manifest");
    expect(service.issued).toEqual(["tok-1"]);
    expect(upstream.to(REALM)[0]?.headers.get("Authorization")).toBeNull();
  });

  it("asks for a new token once the cached one has expired", async () => {
    const repo = await createRemote((name) => `${HUB}/${name}/`);
    const service = registry(repo, null, { "v2/library/demo/blobs/a": "a", "v2/library/demo/blobs/b": "b" });
    service.expiresIn = 0.001;
    const source = await remoteSourceFor(repo);
    expect(await text(source, "v2/library/demo/blobs/a")).toBe("a");
    expect(await text(source, "v2/library/demo/blobs/b")).toBe("b");
    expect(service.issued).toEqual(["tok-1", "tok-2"]);
  });

  it("a refused token or a token the registry still rejects is an upstream failure, retried once and never cached", async () => {
    const repo = await createRemote((name) => `${HUB}/${name}/`);
    const service = registry(repo, null, { "v2/library/demo/blobs/c": "c" });
    service.refuse = true;
    const source = await remoteSourceFor(repo);
    await expect(source.get("v2/library/demo/blobs/c", "artifact")).rejects.toMatchObject({ code: "upstream_unavailable" });
    expect(upstream.to(`${HUB}/${repo}/v2/library/demo/blobs/c`)).toHaveLength(1);

    // A token service that issues tokens the registry does not accept: one retry, then a failure.
    upstream.on(REALM, () => Response.json({ token: "not-accepted" }));
    const later = await remoteSourceFor(repo);
    await expect(later.get("v2/library/demo/blobs/c", "artifact")).rejects.toMatchObject({ code: "upstream_unavailable" });
    expect(upstream.to(`${HUB}/${repo}/v2/library/demo/blobs/c`)).toHaveLength(3);
  });
});
