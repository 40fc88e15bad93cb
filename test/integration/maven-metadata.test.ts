// Maven hosted: maven-metadata.xml computed by the server at artifact level (versions in
// Maven order, latest/release) and SNAPSHOT version level (timestamped builds), its checksums,
// and client-uploaded metadata that is accepted but never overrides the computed document.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { formatMavenTimestamp, parseMavenMetadata, type ParsedMavenMetadata } from "../../src/formats/maven/metadata";
import { call, createRepository } from "../helpers/client";

const base = "/maven/meta/com/acme/widget";

/** Response body as UTF-8 without workerd's binary Content-Type warning. */
async function text(response: Response | Promise<Response>): Promise<string> {
  return new TextDecoder().decode(await (await response).arrayBuffer());
}

async function hex(algorithm: string, text: string): Promise<string> {
  const digest = await crypto.subtle.digest(algorithm, new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function deploy(version: string, file: string, body = `${file} bytes`): Promise<void> {
  const res = await call(`${base}/${version}/${file}`, { method: "PUT", body });
  if (res.status !== 201) throw new Error(`deploy ${file}: ${res.status} ${await res.text()}`);
}

async function metadata(path: string): Promise<{ xml: string; doc: ParsedMavenMetadata }> {
  const res = await call(path, { token: null });
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("text/xml");
  const xml = await res.text();
  const parsed = parseMavenMetadata(xml);
  if (!parsed.ok) throw new Error(`unparseable metadata: ${xml}`);
  return { xml, doc: parsed.metadata };
}

beforeAll(async () => {
  await createRepository({ name: "meta", format: "maven", kind: "hosted", visibility: "public" });
  await createRepository({ name: "meta-private", format: "maven", kind: "hosted", visibility: "private" });
  for (const version of ["1.9", "1.10", "1.0", "1.0-beta-1"]) {
    await deploy(version, `widget-${version}.pom`);
    await deploy(version, `widget-${version}.jar`);
  }
  await deploy("2.0-SNAPSHOT", "widget-2.0-20240101.120000-1.pom");
  await deploy("2.0-SNAPSHOT", "widget-2.0-20240101.120000-1.jar");
  await deploy("2.0-SNAPSHOT", "widget-2.0-20240101.130000-2.pom");
  await deploy("2.0-SNAPSHOT", "widget-2.0-20240101.130000-2.jar");
  await deploy("2.0-SNAPSHOT", "widget-2.0-20240101.130000-2-sources.jar");
});

describe("maven artifact-level metadata", () => {
  it("lists versions in Maven order with latest and release", async () => {
    const { xml, doc } = await metadata(`${base}/maven-metadata.xml`);
    expect(doc.groupId).toBe("com.acme");
    expect(doc.artifactId).toBe("widget");
    expect(doc.versioning?.versions).toEqual(["1.0-beta-1", "1.0", "1.9", "1.10", "2.0-SNAPSHOT"]);
    expect(doc.versioning?.latest).toBe("2.0-SNAPSHOT");
    expect(doc.versioning?.release).toBe("1.10");
    // lastUpdated is the newest file of any version (not the newest version row).
    const newest = await env.DB.prepare(
      "SELECT max(f.created_at) AS at FROM package_file f JOIN package_version v ON v.id = f.version_id JOIN package p ON p.id = v.package_id WHERE p.lower_name = 'com.acme:widget'",
    ).first<{ at: number }>();
    expect(doc.versioning?.lastUpdated).toBe(formatMavenTimestamp(newest?.at ?? 0));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it("serves checksums of the rendered bytes and answers HEAD and If-None-Match", async () => {
    const { xml } = await metadata(`${base}/maven-metadata.xml`);
    for (const [suffix, algorithm] of [["md5", "MD5"], ["sha1", "SHA-1"], ["sha256", "SHA-256"], ["sha512", "SHA-512"]] as const) {
      const res = await call(`${base}/maven-metadata.xml.${suffix}`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toContain("text/plain");
      expect(await res.text()).toBe(await hex(algorithm, xml));
    }
    const head = await call(`${base}/maven-metadata.xml`, { method: "HEAD", token: null });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("Content-Length"))).toBe(new TextEncoder().encode(xml).byteLength);
    const etag = head.headers.get("ETag") ?? "";
    expect((await call(`${base}/maven-metadata.xml`, { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("answers 404 for unknown artifacts and versions, 401 anonymously on a private repository", async () => {
    expect((await call("/maven/meta/com/acme/nothing/maven-metadata.xml")).status).toBe(404);
    expect((await call("/maven/meta/com/acme/nothing/maven-metadata.xml.sha1")).status).toBe(404);
    expect((await call(`${base}/3.0-SNAPSHOT/maven-metadata.xml`)).status).toBe(404);
    const res = await call("/maven/meta-private/com/acme/widget/maven-metadata.xml", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
  });
});

describe("maven SNAPSHOT-level metadata", () => {
  it("describes the newest timestamped build of each classifier and extension", async () => {
    const { xml, doc } = await metadata(`${base}/2.0-SNAPSHOT/maven-metadata.xml`);
    expect(xml).toContain('<metadata modelVersion="1.1.0">');
    expect(doc.version).toBe("2.0-SNAPSHOT");
    expect(doc.versioning?.snapshot).toEqual({ timestamp: "20240101.130000", buildNumber: 2 });
    const entries = (doc.versioning?.snapshotVersions ?? []).map((v) => [v.classifier ?? "", v.extension, v.value]);
    expect(entries).toEqual([
      ["", "jar", "2.0-20240101.130000-2"],
      ["", "pom", "2.0-20240101.130000-2"],
      ["sources", "jar", "2.0-20240101.130000-2"],
    ]);
    const sha1 = await call(`${base}/2.0-SNAPSHOT/maven-metadata.xml.sha1`);
    expect(await sha1.text()).toBe(await hex("SHA-1", xml));
  });

  it("the resolved timestamped files download", async () => {
    const res = await call(`${base}/2.0-SNAPSHOT/widget-2.0-20240101.130000-2.jar`, { token: null });
    expect(await text(res)).toBe("widget-2.0-20240101.130000-2.jar bytes");
  });
});

describe("client-uploaded maven-metadata.xml", () => {
  it("is accepted but never overrides what the server computes", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>();
    const { xml: computed } = await metadata(`${base}/maven-metadata.xml`);
    const bogus = `<?xml version="1.0"?><metadata><groupId>com.acme</groupId><artifactId>widget</artifactId><versioning><latest>9.9</latest><versions><version>9.9</version></versions></versioning></metadata>`;
    expect((await call(`${base}/maven-metadata.xml`, { method: "PUT", body: bogus })).status).toBe(200);
    expect((await call(`${base}/maven-metadata.xml.sha1`, { method: "PUT", body: await hex("SHA-1", bogus) })).status).toBe(200);
    expect((await call(`${base}/2.0-SNAPSHOT/maven-metadata.xml`, { method: "PUT", body: bogus })).status).toBe(200);
    expect((await metadata(`${base}/maven-metadata.xml`)).xml).toBe(computed);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("still needs write access", async () => {
    const res = await call(`${base}/maven-metadata.xml`, { method: "PUT", body: "<metadata/>", token: null });
    expect(res.status).toBe(401);
  });
});
