// The OCI token flow: GET /v2/ challenges anonymous callers; /v2/token issues short-lived
// JWTs for exactly the scopes the permission model allows (Basic with an API token and any
// username, a user's password, or anonymous for public repositories); the JWT is accepted on
// /v2 routes; refusals are 401 challenges naming the needed scope, identical for missing and
// unreadable repositories; forged, expired or foreign tokens are refused.
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";
import { signRegistryToken } from "../../src/auth/registry-token";
import { errorCode, OCI_MANIFEST, pushImage } from "./oci-helpers";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const basic = (user: string, secret: string) => `Basic ${btoa(`${user}:${secret}`)}`;

interface Claims {
  access: { type: string; name: string; actions: string[] }[];
  exp: number;
  sub: string;
}
const claimsOf = (jwt: string): Claims => JSON.parse(atob((jwt.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Claims;

async function token(scopes: string[], authorization?: string): Promise<string> {
  const query = new URLSearchParams([["service", "registry.test"], ...scopes.map((s) => ["scope", s])]);
  const res = await call(`/v2/token?${query}`, { token: null, headers: authorization ? { Authorization: authorization } : {} });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
  expect(body.access_token).toBe(body.token);
  expect(body.expires_in).toBe(300);
  return body.token;
}

const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });

let readToken = "";
beforeAll(async () => {
  await createRepository({ name: "oa-priv", format: "oci", kind: "hosted", visibility: "private" });
  await createRepository({ name: "oa-pub", format: "oci", kind: "hosted", visibility: "public" });
  await createRepository({ name: "oa-other", format: "oci", kind: "hosted", visibility: "private" });
  await pushImage("oa-priv/app", "1.0", "priv");
  await pushImage("oa-pub/app", "1.0", "pub");
  expect((await api("/users", "POST", { name: "oa-dev", password: "oa-dev-password-1" })).status).toBe(201);
  expect((await api("/users/oa-dev/grants", "PUT", { grants: [{ repository: "oa-priv", role: "write" }] })).status).toBe(200);
  readToken = await createToken({ name: "oa-read", scopes: ["read"], user: "oa-dev" });
});

describe("OCI token authentication", () => {
  it("challenges anonymous GET /v2/ with the Bearer realm and accepts a token", async () => {
    const res = await call("/v2/", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="http://registry.test/v2/token",service="registry.test"');
    expect(await errorCode(res)).toBe("UNAUTHORIZED");
    const jwt = await token([], basic("anything", readToken));
    expect((await call("/v2/", { token: null, headers: bearer(jwt) })).status).toBe(200);
    expect((await call("/v2/", { token: null, headers: { Authorization: basic("x", "wrong-token") } })).status).toBe(401);
  });

  it("grants only what the permission model allows", async () => {
    const scopes = ["repository:oa-priv/app:pull,push,delete", "repository:oa-other/app:pull", "repository:oa-pub/app:pull,push", "repository:oa-missing/app:pull"];
    const asWriter = claimsOf(await token(scopes, basic("oa-dev", "oa-dev-password-1")));
    expect(asWriter.sub).toBe("oa-dev");
    expect(asWriter.access).toEqual([
      { type: "repository", name: "oa-priv/app", actions: ["pull", "push", "delete"] },
      { type: "repository", name: "oa-pub/app", actions: ["pull"] },
    ]);
    // The same user through a read-only API token (any username).
    expect(claimsOf(await token(scopes, basic("whoever", readToken))).access).toEqual([
      { type: "repository", name: "oa-priv/app", actions: ["pull"] },
      { type: "repository", name: "oa-pub/app", actions: ["pull"] },
    ]);
    // Anonymous: pull on public repositories only.
    expect(claimsOf(await token(scopes)).access).toEqual([{ type: "repository", name: "oa-pub/app", actions: ["pull"] }]);
  });

  it("the token pulls and pushes what it grants; other repositories get a challenge for their scope", async () => {
    const jwt = await token(["repository:oa-priv/app:pull,push"], basic("oa-dev", "oa-dev-password-1"));
    const got = await call("/v2/oa-priv/app/manifests/1.0", { token: null, headers: { ...bearer(jwt), Accept: OCI_MANIFEST } });
    expect(got.status).toBe(200);
    await pushImage("oa-priv/app", "2.0", "pushed-with-jwt", jwt);
    const upload = await call("/v2/oa-priv/app/blobs/uploads/", { method: "POST", token: null, headers: bearer(jwt) });
    expect(upload.status).toBe(202);
    // Not covered by this token: a 401 naming the scope, the same for a hidden and a missing repository.
    const hidden = await call("/v2/oa-other/app/manifests/1.0", { token: null, headers: bearer(jwt) });
    const missing = await call("/v2/oa-nothing/app/manifests/1.0", { token: null, headers: bearer(jwt) });
    expect(hidden.status).toBe(401);
    expect(hidden.headers.get("WWW-Authenticate")).toBe('Bearer realm="http://registry.test/v2/token",service="registry.test",scope="repository:oa-other/app:pull"');
    expect(missing.status).toBe(401);
    expect(await hidden.text()).toBe(await missing.text());
  });

  it("anonymous callers pull public images with an anonymous token, and are challenged for pushes", async () => {
    const jwt = await token(["repository:oa-pub/app:pull"]);
    expect((await call("/v2/oa-pub/app/manifests/1.0", { token: null, headers: bearer(jwt) })).status).toBe(200);
    const push = await call("/v2/oa-pub/app/blobs/uploads/", { method: "POST", token: null, headers: bearer(jwt) });
    expect(push.status).toBe(401);
    expect(push.headers.get("WWW-Authenticate")).toContain('scope="repository:oa-pub/app:pull,push"');
    const anonymous = await call("/v2/oa-priv/app/manifests/1.0", { token: null });
    expect(anonymous.status).toBe(401);
  });

  it("refuses forged, expired and foreign tokens", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: "x", sub: "mallory", aud: "registry.test", iat: now, nbf: now, exp: now + 300, jti: "j", uid: null, access: [{ type: "repository", name: "oa-priv/app", actions: ["pull", "push"] }] };
    const forged = await signRegistryToken(claims, btoa("another key of exactly 32 bytes!"));
    const expired = await signRegistryToken({ ...claims, exp: now - 1 }, KEY);
    const foreign = await signRegistryToken({ ...claims, aud: "elsewhere.test" }, KEY);
    for (const jwt of [forged, expired, foreign]) {
      const res = await call("/v2/oa-priv/app/manifests/1.0", { token: null, headers: bearer(jwt) });
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe("UNAUTHORIZED");
    }
    const valid = await signRegistryToken(claims, KEY);
    expect((await call("/v2/oa-priv/app/manifests/1.0", { token: null, headers: { ...bearer(valid), Accept: OCI_MANIFEST } })).status).toBe(200);
  });

  it("lists in the catalog only what the caller can read", async () => {
    const names = async (headers: Record<string, string>) => ((await (await call("/v2/_catalog", { token: null, headers })).json()) as { repositories: string[] }).repositories.filter((r) => r.startsWith("oa-"));
    expect(await names({})).toEqual(["oa-pub/app"]);
    expect(await names({ Authorization: basic("oa-dev", "oa-dev-password-1") })).toEqual(["oa-priv/app", "oa-pub/app"]);
    const jwt = await token(["registry:catalog:*"], basic("oa-dev", "oa-dev-password-1"));
    expect(await names(bearer(jwt))).toEqual(["oa-priv/app", "oa-pub/app"]);
  });
});
