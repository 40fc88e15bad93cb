/** Builds upstream npm packuments for the fake registry (test/helpers/upstream.ts). */
import type { FakeUpstream } from "./upstream";
import { UPSTREAM } from "./upstream";

export interface FakeVersion {
  version: string;
  published: string;
  tarball: Uint8Array;
  deprecated?: string;
  /** Extra fields for the version object (e.g. padding to reach realistic sizes). */
  extra?: Record<string, unknown>;
}

async function sha512Base64(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes));
  let binary = "";
  for (const b of digest) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Registers a package on the fake upstream under `/{prefix}/`: its packument and tarballs. */
export async function fakeNpmPackage(upstream: FakeUpstream, prefix: string, name: string, versions: FakeVersion[], distTags: Record<string, string>): Promise<Record<string, string>> {
  const file = (v: string) => `${name.slice(name.lastIndexOf("/") + 1)}-${v}.tgz`;
  const integrity: Record<string, string> = {};
  const versionObjects: Record<string, unknown> = {};
  for (const v of versions) {
    integrity[v.version] = `sha512-${await sha512Base64(v.tarball)}`;
    versionObjects[v.version] = {
      name,
      version: v.version,
      ...(v.deprecated ? { deprecated: v.deprecated } : {}),
      ...v.extra,
      dist: { tarball: `${UPSTREAM}/${prefix}/${name}/-/${file(v.version)}`, integrity: integrity[v.version], shasum: "0".repeat(40) },
    };
    upstream.files.set(`/${prefix}/${name}/-/${file(v.version)}`, { body: v.tarball });
  }
  const times = versions.map((v) => v.published).sort();
  const packument = {
    _id: name, _rev: "7-abc", name, "dist-tags": distTags, versions: versionObjects,
    time: { created: times[0], modified: times.at(-1), ...Object.fromEntries(versions.map((v) => [v.version, v.published])) },
    readme: "upstream readme",
  };
  upstream.files.set(`/${prefix}/${name.replace("/", "%2F")}`, { body: JSON.stringify(packument), contentType: "application/json", etag: `"${name}-${versions.length}"` });
  upstream.files.set(`/${prefix}/${name.replace("/", "%2f")}`, { body: JSON.stringify(packument), contentType: "application/json", etag: `"${name}-${versions.length}"` });
  return integrity;
}
