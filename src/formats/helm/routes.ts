/**
 * Helm chart repositories (classic HTTP) at `/helm/{repo}/`:
 * - `GET|HEAD /helm/{repo}/index.yaml`: the repository index (hosted: built by the
 *   IndexBuilder; remote: the upstream's with chart URLs rewritten here; virtual: merged);
 * - `GET|HEAD /helm/{repo}/charts/{name}-{version}.tgz`: a chart archive;
 * - `POST /helm/{repo}/api/charts` (`?force` replaces): upload a `.tgz`, raw body or the
 *   multipart `chart` field (ChartMuseum, `helm cm-push`); 201 `{"saved":true}`;
 * - `DELETE /helm/{repo}/api/charts/{name}/{version}`: 200 `{"deleted":true}` (ChartMuseum).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { chartFilename } from "./chart-yaml";
import { helmProxy } from "./proxy";
import { handleChartUpload, MAX_CHART_BYTES } from "./upload";

export const helmRoutes = new Hono<AppEnv>();

const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "helm");

/** The chart archive of the request: the raw body, or the `chart` field of a multipart form. */
async function chartBody(c: Context<AppEnv>): Promise<{ body: ReadableStream<Uint8Array> | null; size: number | undefined }> {
  const size = declaredLength(c);
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return { body: c.req.raw.body, size };
  if (size !== undefined && size > MAX_CHART_BYTES + 64 * 1024) throw new RegistryError("too_large", `chart larger than ${MAX_CHART_BYTES} bytes`);
  const form = await c.req.raw.formData().catch(() => {
    throw new RegistryError("bad_request", "unreadable multipart form");
  });
  const chart = form.get("chart");
  if (!chart || typeof chart === "string") throw new RegistryError("bad_request", "the multipart form has no chart file field \"chart\"", { field: "chart" });
  return { body: chart.stream(), size: chart.size };
}

helmRoutes.post("/api/charts", async (c) => {
  const source = await loadHostedSource(c, "helm", "write");
  const { body, size } = await chartBody(c);
  const force = c.req.query("force") !== undefined && c.req.query("force") !== "false";
  await handleChartUpload(source, body, size, force);
  return c.json({ saved: true }, 201);
});

helmRoutes.delete("/api/charts/:name/:version", async (c) => {
  const name = c.req.param("name");
  const version = c.req.param("version");
  const source = await loadHostedSource(c, "helm", "write");
  const filename = chartFilename(name, version);
  const pkg = await source.findPackageRow(name.toLowerCase());
  const row = pkg && (await source.findVersionRow(pkg.id, version.toLowerCase()));
  if (!pkg || !row) throw new RegistryError("not_found", `${filename}: no such chart version`);
  await source.removeVersions(pkg, [row]);
  return c.json({ deleted: true }, 200);
});

helmRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  return serveRead(c, { name: "helm", proxy: helmProxy }, rest, rest === "index.yaml" ? "index.yaml not found" : `${rest.slice(0, 200)} not found`);
});
