/** Helpers for the Debian integration tests: upload, index rebuilds, a consistency check of everything served. */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { verifyClearSigned, verifyDetached } from "../../src/signing/openpgp";
import { call, sha256 } from "../helpers/client";
import { type DebSpec, debPackage } from "../helpers/debian-packages";

export function uploadDeb(repo: string, spec: DebSpec, where = "stable/main", token?: string | null): Promise<Response> {
  return call(`/debian/${repo}/pool/${where}/upload`, { method: "PUT", body: debPackage(spec), ...(token === undefined ? {} : { token }) });
}

export async function repositoryId(name: string): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM repository WHERE name = ?").bind(name).first<number>("id")) ?? -1;
}

export const builderOf = async (repo: string) => env.INDEXES.get(env.INDEXES.idFromName(String(await repositoryId(repo))));

/** Runs the IndexBuilder's pending alarm (the debounced rebuild) now; false when none was scheduled. */
export async function rebuild(repo: string): Promise<boolean> {
  return runDurableObjectAlarm(await builderOf(repo));
}

export async function text(repo: string, path: string, token?: string | null): Promise<{ status: number; body: string; res: Response }> {
  const res = await call(`/debian/${repo}/${path}`, token === undefined ? {} : { token });
  return { status: res.status, body: await res.text(), res };
}

/** `{path: {sha256, size}}` of a Release file's SHA256 section. */
export function releaseSha256(release: string): Map<string, { sha256: string; size: number }> {
  const section = release.split("SHA256:\n")[1]?.split(/\n(?! )/)[0] ?? "";
  const out = new Map<string, { sha256: string; size: number }>();
  for (const line of section.split("\n")) {
    const [hash = "", size = "", path = ""] = line.trim().split(/\s+/);
    if (path) out.set(path, { sha256: hash, size: Number(size) });
  }
  return out;
}

/**
 * Everything a client could read is consistent: InRelease and Release.gpg verify with the
 * served key and carry the Release text; each file the Release lists is served with that hash
 * and size (by path and by hash); each package a Packages file lists downloads with its SHA256.
 * Returns the package file names listed per distribution.
 */
export async function checkConsistency(repo: string, distributions: readonly string[]): Promise<Map<string, string[]>> {
  const key = (await text(repo, "repository.key")).body;
  const listed = new Map<string, string[]>();
  for (const dist of distributions) {
    const release = await text(repo, `dists/${dist}/Release`);
    expect(release.status).toBe(200);
    expect(await verifyClearSigned(key, (await text(repo, `dists/${dist}/InRelease`)).body)).toBe(release.body);
    expect(await verifyDetached(key, release.body, (await text(repo, `dists/${dist}/Release.gpg`)).body)).toBe(true);
    const files = releaseSha256(release.body);
    expect(files.size).toBeGreaterThan(0);
    const names: string[] = [];
    for (const [path, expected] of files) {
      const dir = path.slice(0, path.lastIndexOf("/"));
      for (const url of [`dists/${dist}/${path}`, `dists/${dist}/${dir}/by-hash/SHA256/${expected.sha256}`]) {
        const res = await call(`/debian/${repo}/${url}`);
        expect(res.status, url).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(await sha256(bytes), url).toBe(expected.sha256);
        expect(bytes.length).toBe(expected.size);
      }
      if (!path.endsWith("/Packages")) continue;
      const packages = (await text(repo, `dists/${dist}/${path}`)).body;
      for (const stanza of packages.split("\n\n").filter((s) => s.trim())) {
        const filename = /^Filename: (.*)$/m.exec(stanza)?.[1] ?? "";
        const hash = /^SHA256: (.*)$/m.exec(stanza)?.[1] ?? "";
        const res = await call(`/debian/${repo}/${filename}`);
        expect(res.status, filename).toBe(200);
        expect(await sha256(await res.arrayBuffer()), filename).toBe(hash);
        names.push(filename);
      }
    }
    listed.set(dist, [...new Set(names)].sort());
  }
  return listed;
}
