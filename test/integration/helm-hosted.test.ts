// Helm hosted repositories in workerd: ChartMuseum-style upload (raw and multipart), the
// IndexBuilder's index.yaml (absolute chart URLs, digests), download, 409/force, delete,
// and invalid chart archives refused with ChartMuseum's JSON error, storing nothing.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BASE, call, createRepository, sha256 } from "../helpers/client";
import { chartArchive, tarGz } from "../helpers/helm-charts";

let n = 0;
async function hosted(): Promise<string> {
  const name = `helm-hosted-${++n}`;
  await createRepository({ name, format: "helm", kind: "hosted", visibility: "private" });
  return name;
}

const upload = (repo: string, body: Uint8Array | string | FormData, query = "") => call(`/helm/${repo}/api/charts${query}`, { method: "POST", body });
type Index = { apiVersion: string; entries: Record<string, { version: string; urls: string[]; digest: string; appVersion?: string }[]> };
const index = async (repo: string): Promise<Index> => {
  const res = await call(`/helm/${repo}/index.yaml`);
  expect(res.status, await res.clone().text()).toBe(200);
  return parse(await res.text()) as Index;
};

describe("helm hosted", () => {
  it("uploads charts, lists them in index.yaml and serves them", async () => {
    const repo = await hosted();
    const one = chartArchive("web", "1.0.0");
    const res = await upload(repo, one);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ saved: true });
    const form = new FormData();
    form.set("chart", new Blob([chartArchive("web", "1.2.0")]), "web-1.2.0.tgz");
    expect((await upload(repo, form)).status).toBe(201);
    expect((await upload(repo, chartArchive("db", "0.1.0-beta.1"))).status).toBe(201);

    const idx = await index(repo);
    expect(idx.apiVersion).toBe("v1");
    expect(Object.keys(idx.entries)).toEqual(["db", "web"]);
    expect(idx.entries["web"]?.map((e) => e.version)).toEqual(["1.2.0", "1.0.0"]);
    const entry = idx.entries["web"]?.[1];
    expect(entry?.urls).toEqual([`${BASE}/helm/${repo}/charts/web-1.0.0.tgz`]);
    expect(entry?.digest).toBe(await sha256(one));
    expect(entry?.appVersion).toBe("1.0");

    const download = await call(`/helm/${repo}/charts/web-1.0.0.tgz`);
    expect(download.status).toBe(200);
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(one));
    expect((await call(`/helm/${repo}/charts/web-9.9.9.tgz`)).status).toBe(404);
  });

  it("a version that exists is a 409 unless ?force; delete removes it from the index", async () => {
    const repo = await hosted();
    expect((await upload(repo, chartArchive("app", "1.0.0"))).status).toBe(201);
    const again = await upload(repo, chartArchive("app", "1.0.0", "keywords: [changed]\n"));
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "app-1.0.0.tgz: file already exists" });
    const forced = chartArchive("app", "1.0.0", "keywords: [forced]\n");
    expect((await upload(repo, forced, "?force=true")).status).toBe(201);
    expect((await index(repo)).entries["app"]?.[0]?.digest).toBe(await sha256(forced));

    const deleted = await call(`/helm/${repo}/api/charts/app/1.0.0`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true });
    expect((await index(repo)).entries).toEqual({});
    expect((await call(`/helm/${repo}/charts/app-1.0.0.tgz`)).status).toBe(404);
    expect((await call(`/helm/${repo}/api/charts/app/1.0.0`, { method: "DELETE" })).status).toBe(404);
  });

  const cases: [string, Uint8Array | string, string][] = [
    ["not gzip", "definitely not a chart", "invalid chart archive: not a readable .tar.gz archive"],
    ["no Chart.yaml", tarGz({ "x/values.yaml": "a: 1\n" }), "invalid chart archive: Chart.yaml file is missing"],
    ["Chart.yaml not YAML", tarGz({ "x/Chart.yaml": "name: [unclosed\n" }), "Chart.yaml is not valid YAML"],
    ["no apiVersion", tarGz({ "x/Chart.yaml": "name: x\nversion: 1.0.0\n" }), "chart.metadata.apiVersion is required"],
    ["no name", tarGz({ "x/Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n" }), "chart.metadata.name is required"],
    ["a bad version", tarGz({ "x/Chart.yaml": "apiVersion: v2\nname: x\nversion: one\n" }), 'chart.metadata.version "one" is invalid'],
    ["a name with a slash", tarGz({ "x/Chart.yaml": "apiVersion: v2\nname: ../x\nversion: 1.0.0\n" }), "chart.metadata.name"],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses an invalid chart archive: ${what}`, async () => {
      const repo = await hosted();
      const res = await upload(repo, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
      expect((await index(repo)).entries).toEqual({});
      expect(await (await call(`/api/v1/repositories/${repo}/packages`)).json()).toEqual({ packages: [] });
    });
  }
});
