// A read through a virtual repository consults only the members the caller may read
// (readableMembers in src/auth/permissions.ts), for every format that has virtuals; a write
// through one needs `write` on the deploy member too.
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";
import { publish, tarballBytes } from "./npm-helpers";

const text = async (res: Response): Promise<string> => new TextDecoder().decode(await res.arrayBuffer());

let privateReader: string;

beforeAll(async () => {
  for (const format of ["generic", "maven", "npm"]) {
    await createRepository({ name: `vm-${format}-secret`, format, kind: "hosted", visibility: "private" });
    await createRepository({ name: `vm-${format}-open`, format, kind: "hosted", visibility: "public" });
    await createRepository({
      name: `vm-${format}`, format, kind: "virtual", visibility: "public",
      members: [{ repository: `vm-${format}-secret`, priority: 1 }, { repository: `vm-${format}-open` }],
      settings: { deployMember: `vm-${format}-secret` },
    });
  }
  expect((await api("/users", "POST", { name: "vm-reader" })).status).toBe(201);
  expect((await api("/users/vm-reader/grants", "PUT", { grants: [{ repository: "vm-*-secret", role: "read" }] })).status).toBe(200);
  privateReader = await createToken({ name: "vm-reader", scopes: ["read"], user: "vm-reader" });
});

describe("generic virtual", () => {
  it("serves a private member's file only to callers who may read that member", async () => {
    expect((await call("/generic/vm-generic-secret/s/1.0/s.txt", { method: "PUT", body: "secret" })).status).toBe(201);
    expect((await call("/generic/vm-generic-open/s/1.0/o.txt", { method: "PUT", body: "open" })).status).toBe(201);
    expect(await text(await call("/generic/vm-generic/s/1.0/s.txt", { token: privateReader }))).toBe("secret");
    expect((await call("/generic/vm-generic/s/1.0/s.txt", { token: null })).status).toBe(404);
    const limited = await createToken({ name: "vm-open-only", scopes: ["read"], repositories: ["vm-generic", "vm-generic-open"] });
    expect((await call("/generic/vm-generic/s/1.0/s.txt", { token: limited })).status).toBe(404);
    expect(await text(await call("/generic/vm-generic/s/1.0/o.txt", { token: limited }))).toBe("open");
  });
});

describe("edge cache of virtual repositories", () => {
  it("shares an answer only when the virtual and every member are public (everyone sees the same members)", async () => {
    await createRepository({ name: "vm-edge-open", format: "generic", kind: "hosted", visibility: "public" });
    await createRepository({ name: "vm-edge", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "vm-edge-open" }] });
    expect((await call("/generic/vm-edge-open/e/1.0/e.txt", { method: "PUT", body: "edge" })).status).toBe(201);
    await (await call("/generic/vm-edge/e/1.0/e.txt", { token: null })).arrayBuffer();
    const anonymous = await call("/generic/vm-edge/e/1.0/e.txt", { token: null });
    // Shared: from the edge, or first from this isolate's read cache (hosted members only, src/virtual/read-cache.ts).
    expect(anonymous.headers.get("X-Edge-Cache") ?? anonymous.headers.get("X-Read-Cache")).toBe("HIT");
    expect(await text(anonymous)).toBe("edge");
    const credentialed = await call("/generic/vm-edge/e/1.0/e.txt", { token: privateReader });
    expect(await text(credentialed)).toBe("edge");
  });

  it("never caches the answer of a public virtual with a private member, for anyone", async () => {
    await createRepository({ name: "vm-edge-mixed", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "vm-generic-secret" }, { repository: "vm-generic-open" }] });
    expect((await call("/generic/vm-generic-open/m/1.0/m.txt", { method: "PUT", body: "open" })).status).toBe(201);
    for (const token of [privateReader, null, null]) {
      const res = await call("/generic/vm-edge-mixed/m/1.0/m.txt", { token });
      expect(res.headers.get("X-Edge-Cache")).toBeNull();
      // The isolate's read cache may answer only callers who can read every member.
      if (token === null) expect(res.headers.get("X-Read-Cache")).toBeNull();
      expect(await text(res)).toBe("open");
    }
  });
});

describe("maven virtual", () => {
  const pom = (v: string) => `/org/vm/lib/${v}/lib-${v}.pom`;

  it("merges metadata and serves files only from readable members", async () => {
    expect((await call(`/maven/vm-maven-secret${pom("2.0")}`, { method: "PUT", body: "<project>secret</project>" })).status).toBe(201);
    expect((await call(`/maven/vm-maven-open${pom("1.0")}`, { method: "PUT", body: "<project>open</project>" })).status).toBe(201);
    expect((await call(`/maven/vm-maven${pom("2.0")}`, { token: null })).status).toBe(404);
    expect((await call(`/maven/vm-maven${pom("2.0")}`, { token: privateReader })).status).toBe(200);
    const anonymousMetadata = await text(await call("/maven/vm-maven/org/vm/lib/maven-metadata.xml", { token: null }));
    expect(anonymousMetadata).toContain("<version>1.0</version>");
    expect(anonymousMetadata).not.toContain("2.0");
    const readerMetadata = await text(await call("/maven/vm-maven/org/vm/lib/maven-metadata.xml", { token: privateReader }));
    expect(readerMetadata).toContain("<version>2.0</version>");
  });
});

describe("npm virtual", () => {
  it("merges packuments and serves tarballs only from readable members; search covers readable members", async () => {
    expect((await publish("vm-npm-secret", "vm-pkg", "2.0.0", tarballBytes(10))).status).toBe(201);
    expect((await publish("vm-npm-open", "vm-pkg", "1.0.0", tarballBytes(11))).status).toBe(201);
    expect((await publish("vm-npm-secret", "vm-hidden", "1.0.0", tarballBytes(12))).status).toBe(201);

    const anonymous = (await (await call("/npm/vm-npm/vm-pkg", { token: null })).json()) as { versions: Record<string, unknown> };
    expect(Object.keys(anonymous.versions)).toEqual(["1.0.0"]);
    const reader = (await (await call("/npm/vm-npm/vm-pkg", { token: privateReader })).json()) as { versions: Record<string, unknown> };
    expect(Object.keys(reader.versions).sort()).toEqual(["1.0.0", "2.0.0"]);
    expect((await call("/npm/vm-npm/vm-hidden", { token: null })).status).toBe(404);
    expect((await call("/npm/vm-npm/vm-hidden/-/vm-hidden-1.0.0.tgz", { token: null })).status).toBe(404);
    expect((await call("/npm/vm-npm/vm-hidden/-/vm-hidden-1.0.0.tgz", { token: privateReader })).status).toBe(200);

    const names = async (token: string | null) =>
      ((await (await call("/npm/vm-npm/-/v1/search?text=vm", { token })).json()) as { objects: { package: { name: string } }[] }).objects.map((o) => o.package.name);
    expect(await names(null)).not.toContain("vm-hidden");
    expect(await names(privateReader)).toContain("vm-hidden");
  });
});

describe("writes through a virtual", () => {
  it("need write on the deploy member as well as on the virtual", async () => {
    const virtualOnly = await createToken({ name: "vm-virtual-only", scopes: ["write"], repositories: ["vm-npm", "vm-generic", "vm-maven"] });
    expect((await publish("vm-npm", "vm-sneak", "1.0.0", tarballBytes(13), { token: virtualOnly })).status).toBe(403);
    expect((await call("/generic/vm-generic/sneak/1.0/x.txt", { method: "PUT", body: "x", token: virtualOnly })).status).toBe(403);
    expect((await call("/maven/vm-maven/org/vm/sneak/1.0/sneak-1.0.pom", { method: "PUT", body: "<project/>", token: virtualOnly })).status).toBe(403);
    expect((await call("/npm/vm-npm-secret/vm-sneak")).status).toBe(404);
  });
});
