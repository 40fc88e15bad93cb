// Maven through the remote/virtual engine: hosted members' files and server metadata,
// merged maven-metadata.xml (union of versions, latest/release recomputed) with checksums of
// the merged bytes, shielding of hosted groupId:artifactId from remote members, a remote
// pull-through, and deploys through a virtual repository's deploy member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMavenMetadata } from "../../src/formats/maven/metadata";
import { call, createRepository } from "../helpers/client";
import { FakeUpstream, UPSTREAM } from "../helpers/upstream";

const upstream = new FakeUpstream();
const lib = "org/example/lib";

async function text(response: Response | Promise<Response>): Promise<string> {
  return new TextDecoder().decode(await (await response).arrayBuffer());
}

async function sha1(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(body));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function deploy(repo: string, version: string, file: string, body = `${repo}:${file}`): Promise<void> {
  const res = await call(`/maven/${repo}/${lib}/${version}/${file}`, { method: "PUT", body });
  if (res.status !== 201) throw new Error(`deploy ${file}: ${res.status} ${await text(res)}`);
}

beforeAll(async () => {
  upstream.start();
  await createRepository({ name: "mv-a", format: "maven", kind: "hosted", visibility: "private" });
  await createRepository({ name: "mv-b", format: "maven", kind: "hosted", visibility: "private" });
  await createRepository({ name: "mv-central", format: "maven", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/central/` } });
  await deploy("mv-a", "1.0", "lib-1.0.jar");
  await deploy("mv-b", "1.10", "lib-1.10.jar");
  await deploy("mv-b", "2.0-SNAPSHOT", "lib-2.0-20240101.120000-1.jar");
  upstream.files.set(`/central/${lib}/9.9/lib-9.9.jar`, { body: "confused" });
  upstream.files.set("/central/com/other/tool/1.0/tool-1.0.jar", { body: "from central" });
  await createRepository({
    name: "mv-all", format: "maven", kind: "virtual", visibility: "private", settings: { deployMember: "mv-a" },
    members: [{ repository: "mv-a", priority: 2 }, { repository: "mv-b", priority: 1 }, { repository: "mv-central", priority: 0 }],
  });
});
afterAll(() => upstream.stop());

describe("maven virtual repository", () => {
  it("serves each member's files", async () => {
    const a = await call(`/maven/mv-all/${lib}/1.0/lib-1.0.jar`);
    expect(await text(a)).toBe("mv-a:lib-1.0.jar");
    expect(a.headers.get("X-Registry-Member")).toBe("mv-a");
    expect(await text(call(`/maven/mv-all/${lib}/1.10/lib-1.10.jar`))).toBe("mv-b:lib-1.10.jar");
    expect(await text(call(`/maven/mv-all/${lib}/1.10/lib-1.10.jar.sha1`))).toBe(await sha1("mv-b:lib-1.10.jar"));
  });

  it("merges artifact-level metadata and sums the merged bytes", async () => {
    const res = await call(`/maven/mv-all/${lib}/maven-metadata.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("xml");
    const xml = await text(res);
    const parsed = parseMavenMetadata(xml);
    expect(parsed.ok && parsed.metadata.versioning).toMatchObject({ versions: ["1.0", "1.10", "2.0-SNAPSHOT"], latest: "2.0-SNAPSHOT", release: "1.10" });
    expect(await text(call(`/maven/mv-all/${lib}/maven-metadata.xml.sha1`))).toBe(await sha1(xml));
    const snapshot = await text(call(`/maven/mv-all/${lib}/2.0-SNAPSHOT/maven-metadata.xml`));
    expect(snapshot).toContain("<value>2.0-20240101.120000-1</value>");
  });

  it("shields hosted groupId:artifactId from remote members but proxies other names", async () => {
    expect((await call(`/maven/mv-all/${lib}/9.9/lib-9.9.jar`)).status).toBe(404);
    expect(upstream.count(`/central/${lib}/9.9/lib-9.9.jar`)).toBe(0);
    const other = await call("/maven/mv-all/com/other/tool/1.0/tool-1.0.jar");
    expect(await text(other)).toBe("from central");
    expect(other.headers.get("X-Registry-Member")).toBe("mv-central");
    expect(await text(call("/maven/mv-central/com/other/tool/1.0/tool-1.0.jar"))).toBe("from central");
  });

  it("deploys through the virtual repository to its deploy member; a remote takes no deploys", async () => {
    await deploy("mv-all", "3.0", "lib-3.0.jar", "via virtual");
    expect(await text(call(`/maven/mv-a/${lib}/3.0/lib-3.0.jar`))).toBe("via virtual");
    const res = await call(`/maven/mv-central/${lib}/3.0/lib-3.0.jar`, { method: "PUT", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Content-Type")).toContain("text/plain");
  });

  it("challenges anonymous reads of the private virtual repository", async () => {
    const res = await call(`/maven/mv-all/${lib}/maven-metadata.xml`, { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
  });
});
