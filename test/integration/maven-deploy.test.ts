// Maven hosted: deploy and download of pom/jar/classifier files, HEAD, checksums served from
// stored digests, uploaded checksum verification, redeploy rules and bad coordinates.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, bytes, call, createRepository } from "../helpers/client";

const G = "org/example";
const path = (file: string, version = "1.0", artifact = "lib", repo = "libs") => `/maven/${repo}/${G}/${artifact}/${version}/${file}`;

/** Response body as UTF-8 without workerd's binary Content-Type warning. */
async function text(response: Response | Promise<Response>): Promise<string> {
  return new TextDecoder().decode(await (await response).arrayBuffer());
}

async function hex(algorithm: string, data: Uint8Array | string): Promise<string> {
  const input = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return [...new Uint8Array(await crypto.subtle.digest(algorithm, input))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function fileRows(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>();
  return row?.n ?? 0;
}

const put = (p: string, body: BodyInit, token?: string | null) => call(p, { method: "PUT", body, ...(token === undefined ? {} : { token }) });

beforeAll(async () => {
  await createRepository({ name: "libs", format: "maven", kind: "hosted", visibility: "public" });
  await createRepository({ name: "redeploy", format: "maven", kind: "hosted", visibility: "public", settings: { allowRedeploy: true } });
  await createRepository({ name: "secret", format: "maven", kind: "hosted", visibility: "private" });
});

describe("maven deploy and download", () => {
  const jar = bytes(5000, 3);
  const sources = bytes(1200, 4);
  const pom = "<project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>lib</artifactId><version>1.0</version></project>";

  it("deploys pom, jar and a classifier jar and serves them back", async () => {
    expect((await put(path("lib-1.0.pom"), pom)).status).toBe(201);
    expect((await put(path("lib-1.0.jar"), jar)).status).toBe(201);
    expect((await put(path("lib-1.0-sources.jar"), sources)).status).toBe(201);
    expect((await put(path("lib-1.0.tar.gz"), "tarball")).status).toBe(201);

    const getJar = await call(path("lib-1.0.jar"), { token: null });
    expect(getJar.status).toBe(200);
    expect(getJar.headers.get("Content-Type")).toBe("application/java-archive");
    expect(new Uint8Array(await getJar.arrayBuffer())).toEqual(jar);
    const getSources = await call(path("lib-1.0-sources.jar"), { token: null });
    expect(new Uint8Array(await getSources.arrayBuffer())).toEqual(sources);
    expect(await text(call(path("lib-1.0.pom"), { token: null }))).toBe(pom);
    expect(await text(call(path("lib-1.0.tar.gz"), { token: null }))).toBe("tarball");

    const head = await call(path("lib-1.0.jar"), { method: "HEAD", token: null });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe("5000");
    expect(await text(head)).toBe("");

    const files = await api("/repositories/libs/packages/org.example:lib/versions/1.0/files");
    const names = ((await files.json()) as { files: { name: string }[] }).files.map((f) => f.name).sort();
    expect(names).toEqual(["lib-1.0-sources.jar", "lib-1.0.jar", "lib-1.0.pom", "lib-1.0.tar.gz"]);
  });

  it("serves .md5 .sha1 .sha256 .sha512 from the stored digests as plain hex", async () => {
    for (const [suffix, algorithm] of [["sha1", "SHA-1"], ["sha256", "SHA-256"], ["sha512", "SHA-512"], ["md5", "MD5"]] as const) {
      const res = await call(path(`lib-1.0.jar.${suffix}`), { token: null });
      expect(res.status, suffix).toBe(200);
      expect(res.headers.get("Content-Type")).toContain("text/plain");
      expect(await res.text()).toBe(await hex(algorithm, jar));
      const head = await call(path(`lib-1.0.jar.${suffix}`), { method: "HEAD", token: null });
      expect(head.status).toBe(200);
      expect(await text(head)).toBe("");
    }
    const files = await api("/repositories/libs/packages/org.example:lib/versions/1.0/files");
    const listed = ((await files.json()) as { files: { name: string; md5: string }[] }).files.find((f) => f.name === "lib-1.0.jar");
    expect(await text(call(path("lib-1.0.jar.md5"), { token: null }))).toBe(listed?.md5);
    expect((await call(path("lib-1.0-tests.jar.sha1"), { token: null })).status).toBe(404);
  });

  it("verifies uploaded checksums without storing them", async () => {
    const before = await fileRows();
    expect((await put(path("lib-1.0.jar.sha1"), await hex("SHA-1", jar))).status).toBe(200);
    expect((await put(path("lib-1.0.jar.md5"), `${await hex("MD5", jar)}  lib-1.0.jar\n`)).status).toBe(200);
    expect((await put(path("lib-1.0.jar.sha256"), (await hex("SHA-256", jar)).toUpperCase())).status).toBe(200);
    const mismatch = await put(path("lib-1.0.jar.sha1"), "0".repeat(40));
    expect(mismatch.status).toBe(400);
    expect(mismatch.headers.get("Content-Type")).toContain("text/plain");
    expect((await put(path("lib-1.0.jar.sha512"), "not hex")).status).toBe(400);
    expect((await put(path("lib-1.0-javadoc.jar.sha1"), "0".repeat(40))).status).toBe(404);
    expect(await fileRows()).toBe(before);
  });

  it("rejects redeploying a release file unless allowRedeploy is set", async () => {
    const again = await put(path("lib-1.0.jar"), bytes(10, 9));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already exists");
    expect(new Uint8Array(await (await call(path("lib-1.0.jar"))).arrayBuffer())).toEqual(jar);
    // A new file in an existing release version is fine.
    expect((await put(path("lib-1.0-javadoc.jar"), "docs")).status).toBe(201);

    const r = (file: string) => path(file, "2.0", "lib", "redeploy");
    expect((await put(r("lib-2.0.jar"), "first")).status).toBe(201);
    expect((await put(r("lib-2.0.jar"), "second")).status).toBe(201);
    expect(await text(call(r("lib-2.0.jar")))).toBe("second");
    expect(await text(call(r("lib-2.0.jar.sha1")))).toBe(await hex("SHA-1", "second"));
    const files = await api("/repositories/redeploy/packages/org.example:lib/versions/2.0/files");
    expect(((await files.json()) as { files: unknown[] }).files).toHaveLength(1);
  });

  it("always allows redeploying SNAPSHOT files and keeps timestamped builds apart", async () => {
    const s = (file: string) => path(file, "1.1-SNAPSHOT");
    expect((await put(s("lib-1.1-SNAPSHOT.jar"), "one")).status).toBe(201);
    expect((await put(s("lib-1.1-SNAPSHOT.jar"), "two")).status).toBe(201);
    expect(await text(call(s("lib-1.1-SNAPSHOT.jar")))).toBe("two");
    expect((await put(s("lib-1.1-20240102.030405-1.jar"), "build1")).status).toBe(201);
    expect((await put(s("lib-1.1-20240102.040506-2.jar"), "build2")).status).toBe(201);
    expect((await put(s("lib-1.1-20240102.040506-2.jar"), "build2b")).status).toBe(201);
    expect(await text(call(s("lib-1.1-20240102.030405-1.jar")))).toBe("build1");
    expect(await text(call(s("lib-1.1-20240102.040506-2.jar")))).toBe("build2b");
    const files = await api("/repositories/libs/packages/org.example:lib/versions/1.1-SNAPSHOT/files");
    expect(((await files.json()) as { files: unknown[] }).files).toHaveLength(3);
  });
});

describe("maven auth and bad input", () => {
  it("challenges anonymous reads of a private repository and anonymous deploys", async () => {
    expect((await put(path("lib-1.0.jar", "1.0", "lib", "secret"), "x")).status).toBe(201);
    const anonymousGet = await call(path("lib-1.0.jar", "1.0", "lib", "secret"), { token: null });
    expect(anonymousGet.status).toBe(401);
    expect(anonymousGet.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="Edge Registry"/);
    expect(anonymousGet.headers.get("Content-Type")).toContain("text/plain");
    const basic = `Basic ${btoa("deployer:test-admin-token")}`;
    const authed = await call(path("lib-1.0.jar", "1.0", "lib", "secret"), { token: null, headers: { Authorization: basic } });
    expect(await text(authed)).toBe("x");

    const anonymousPut = await put(path("lib-3.0.jar", "3.0"), "x", null);
    expect(anonymousPut.status).toBe(401);
    expect(anonymousPut.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
    expect((await call(path("lib-3.0.jar", "3.0"), { token: null })).status).toBe(404);
  });

  it("answers 400 for invalid coordinates and stores nothing", async () => {
    const before = await fileRows();
    const bad = [
      `/maven/libs/${G}/lib/1.0/other-1.0.jar`,
      `/maven/libs/${G}/lib/1.0/lib-2.0.jar`,
      `/maven/libs/${G}/lib/1.0/%2e%2e/lib-1.0.jar`,
      `/maven/libs/${G}/lib/1.0/..%2Flib-1.0.jar`,
      `/maven/libs/org/ex%20ample/lib/1.0/lib-1.0.jar`,
      `/maven/libs/org/example/l%3Cb/1.0/l%3Cb-1.0.jar`,
      `/maven/libs/lib-1.0.jar`,
      `/maven/libs/${G}/lib/1.0/lib-1.0`,
      `/maven/libs/${G}/lib/1.0/lib-1.0.jar%ZZ`,
    ];
    for (const p of bad) {
      const res = await put(p, "payload");
      expect(res.status, p).toBe(400);
      expect(res.headers.get("Content-Type"), p).toContain("text/plain");
    }
    expect(await fileRows()).toBe(before);
    expect((await call(`/maven/libs/${G}/lib/1.0/other-1.0.jar`)).status).toBe(400);
  });

  it("answers 404 for unknown repositories and files, 405 for other methods", async () => {
    expect((await call(path("lib-1.0.jar", "1.0", "lib", "nope"))).status).toBe(404);
    expect((await call(path("lib-9.9.jar", "9.9"))).status).toBe(404);
    expect((await call("/maven/libs/")).status).toBe(404);
    const del = await call(path("lib-1.0.jar"), { method: "DELETE" });
    expect(del.status).toBe(405);
  });
});
