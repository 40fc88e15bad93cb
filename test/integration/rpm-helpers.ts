/** Helpers for the RPM integration tests: upload, consistency of everything a group serves. */
import { gunzipSync } from "fflate";
import { expect } from "vitest";
import { verifyDetached } from "../../src/signing/openpgp";
import { call, sha256 } from "../helpers/client";
import { buildRpm, type RpmSpec } from "../helpers/rpm-packages";

export { builderOf, rebuild } from "./debian-helpers";

export function uploadRpm(repo: string, spec: RpmSpec, group = "", token?: string | null): Promise<Response> {
  return call(`/rpm/${repo}/${group ? `${group}/` : ""}upload`, { method: "PUT", body: buildRpm(spec), ...(token === undefined ? {} : { token }) });
}

export async function text(repo: string, path: string, token?: string | null): Promise<{ status: number; body: string; res: Response }> {
  const res = await call(`/rpm/${repo}/${path}`, token === undefined ? {} : { token });
  return { status: res.status, body: await res.text(), res };
}

/**
 * Everything dnf reads from a group is consistent: repomd.xml.asc verifies with the served key;
 * each file repomd.xml lists is served with its checksum and size, and its XML with the open
 * checksum and size; each package primary.xml lists downloads with its pkgid. Returns the
 * package locations primary.xml lists.
 */
export async function checkGroup(repo: string, group: string): Promise<string[]> {
  const base = group ? `${group}/` : "";
  const key = (await text(repo, "repository.key")).body;
  const repomd = await text(repo, `${base}repodata/repomd.xml`);
  expect(repomd.status, `${base}repodata/repomd.xml`).toBe(200);
  expect(await verifyDetached(key, repomd.body, (await text(repo, `${base}repodata/repomd.xml.asc`)).body)).toBe(true);
  const data = [...repomd.body.matchAll(/<data type="(\w+)">([\s\S]*?)<\/data>/g)];
  expect(data.map((d) => d[1])).toEqual(["primary", "filelists", "other"]);
  let primary = "";
  for (const [, type, body = ""] of data) {
    const field = (name: string) => new RegExp(`<${name}[^>]*>([^<]*)</${name}>`).exec(body)?.[1] ?? "";
    const href = /<location href="([^"]+)"/.exec(body)?.[1] ?? "";
    const res = await call(`/rpm/${repo}/${base}${href}`);
    expect(res.status, href).toBe(200);
    const gz = new Uint8Array(await res.arrayBuffer());
    expect(await sha256(gz), href).toBe(field("checksum"));
    expect(gz.length).toBe(Number(field("size")));
    const open = gunzipSync(gz);
    expect(await sha256(open)).toBe(field("open-checksum"));
    expect(open.length).toBe(Number(field("open-size")));
    if (type === "primary") primary = new TextDecoder().decode(open);
  }
  const locations: string[] = [];
  for (const [, pkg = ""] of primary.matchAll(/<package type="rpm">([\s\S]*?)<\/package>/g)) {
    const href = /<location href="([^"]+)"/.exec(pkg)?.[1] ?? "";
    const pkgid = /<checksum type="sha256" pkgid="YES">([0-9a-f]{64})</.exec(pkg)?.[1];
    const res = await call(`/rpm/${repo}/${base}${href}`);
    expect(res.status, href).toBe(200);
    expect(await sha256(await res.arrayBuffer()), href).toBe(pkgid);
    locations.push(href);
  }
  return locations.sort();
}
