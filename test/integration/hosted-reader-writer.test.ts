// The PackageReader/PackageWriter surface formats build on (OCI tags, PyPI yank, Helm by
// digest): properties on package/version/file, lookup by digest, paged listing, package
// locks — each write bumping the package's revision. Through the real HostedSource.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { findRepository } from "../../src/db/repositories";
import { RegistryError } from "../../src/errors";
import { backgroundSource } from "../../src/repositories/background";
import type { HostedSource } from "../../src/repositories/hosted-source";
import { call, createRepository, sha256 } from "../helpers/client";

const R = "rw-hosted";
let source: HostedSource;

beforeAll(async () => {
  await createRepository({ name: R, format: "generic", kind: "hosted", visibility: "private" });
  for (const [pkg, version, body] of [["alpha", "1.0", "a1"], ["alpha", "2.0", "a2"], ["beta", "1.0", "b1"], ["gamma", "0.1", "g1"]] as const) {
    expect((await call(`/generic/${R}/${pkg}/${version}/${pkg}.bin`, { method: "PUT", body })).status).toBe(201);
  }
  const repository = await findRepository(openDatabase(env.DB), R);
  if (!repository) throw new Error("repository missing");
  source = backgroundSource(env, repository, "test", "format");
});

describe("PackageReader / PackageWriter", () => {
  it("lists packages a page at a time, optionally by name", async () => {
    expect((await source.listPackages({ limit: 2, offset: 0 })).map((p) => p.name)).toEqual(["alpha", "beta"]);
    expect((await source.listPackages({ limit: 2, offset: 2 })).map((p) => [p.name, p.versionCount])).toEqual([["gamma", 1]]);
    expect((await source.listPackages({ limit: 10, offset: 0, query: "ET" })).map((p) => p.name)).toEqual(["beta"]);
  });

  it("finds a file by the sha256 of its content, with its package and version", async () => {
    const found = await source.findFileByDigest(await sha256(new TextEncoder().encode("a2")));
    expect(found).toMatchObject({ pkg: { name: "alpha" }, version: { version: "2.0" }, file: { name: "alpha.bin" } });
    expect(await source.findFileByDigest("0".repeat(64))).toBeNull();
  });

  it("sets and clears properties on a package, a version and a file, bumping the package revision", async () => {
    const pkg = await source.findPackageRow("alpha");
    if (!pkg) throw new Error("no alpha");
    const version = await source.findVersionRow(pkg.id, "1.0");
    const file = await source.findFile("alpha", "1.0", "alpha.bin");
    if (!version || !file) throw new Error("no alpha 1.0");
    const before = await source.revisions("alpha");
    const beta = await source.revisions("beta");
    await source.setProperties(pkg, [
      { refType: "package", refId: pkg.id, name: "oci.tag:latest", value: "1.0" },
      { refType: "version", refId: version.id, name: "pypi.yanked", value: "broken build" },
      { refType: "file", refId: file.file.id, name: "arch", value: "x86_64" },
    ]);
    const after = await source.revisions("alpha");
    expect(after.package).toBeGreaterThan(before.package ?? 0);
    expect(after.repository).toBe(before.repository + 1);
    expect((await source.listProperties("version", version.id)).map((p) => [p.name, p.value])).toEqual([["pypi.yanked", "broken build"]]);
    expect((await source.listProperties("file", file.file.id, "ar")).map((p) => p.value)).toEqual(["x86_64"]);
    expect(await source.getPackageProperty(pkg.id, "oci.tag:latest")).toBe("1.0");
    await source.setProperties(pkg, [{ refType: "version", refId: version.id, name: "pypi.yanked", value: null }]);
    expect(await source.listProperties("version", version.id)).toEqual([]);
    // Other packages' revisions do not move.
    expect((await source.revisions("beta")).package).toBe(beta.package);
  });

  it("properties go with the package, version or file they belong to", async () => {
    expect((await call(`/generic/${R}/delta/1.0/delta.bin`, { method: "PUT", body: "d" })).status).toBe(201);
    const pkg = await source.findPackageRow("delta");
    const version = pkg ? await source.findVersionRow(pkg.id, "1.0") : null;
    const file = await source.findFile("delta", "1.0", "delta.bin");
    if (!pkg || !version || !file) throw new Error("no delta");
    await source.setProperties(pkg, [
      { refType: "package", refId: pkg.id, name: "p", value: "1" },
      { refType: "version", refId: version.id, name: "v", value: "1" },
      { refType: "file", refId: file.file.id, name: "f", value: "1" },
    ]);
    // Deleting the only file removes the version and the package, and all three properties.
    await source.deleteFile("delta", "1.0", "delta.bin", "delta/1.0/delta.bin");
    expect(await source.findPackageRow("delta")).toBeNull();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM property WHERE (ref_type = 'package' AND ref_id = ?) OR (ref_type = 'version' AND ref_id = ?) OR (ref_type = 'file' AND ref_id = ?)")
      .bind(pkg.id, version.id, file.file.id)
      .first<number>("n");
    expect(left).toBe(0);
  });

  it("package locks serialise writers and are re-entrant within one writer", async () => {
    const order: string[] = [];
    const slow = source.withPackageLock("alpha", async () => {
      order.push("first:start");
      // Re-entrant: a hook running inside the lock takes it again without waiting.
      await source.withPackageLock("alpha", async () => order.push("first:nested"));
      await scheduler.wait(50);
      order.push("first:end");
    });
    const repository = await findRepository(openDatabase(env.DB), R);
    if (!repository) throw new Error("repository missing");
    const other = backgroundSource(env, repository, "test", "format");
    await scheduler.wait(5);
    const second = other.withPackageLock("alpha", async () => order.push("second"));
    await Promise.all([slow, second]);
    expect(order).toEqual(["first:start", "first:nested", "first:end", "second"]);
  });

  it("a write that fails changes nothing, not even the revisions", async () => {
    const before = await source.revisions("beta");
    const blob = await source.storeBlob(new Blob(["x"]).stream(), { declaredSize: 1 });
    const attempt = source.addFile("create-version", { packageName: "beta", lowerName: "beta", version: "1.0", lowerVersion: "1.0", file: { name: "other.bin", lowerName: "other.bin" } }, blob);
    await expect(attempt).rejects.toBeInstanceOf(RegistryError);
    expect(await source.revisions("beta")).toEqual(before);
  });
});
