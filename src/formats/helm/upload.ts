/**
 * Chart upload (`POST /helm/{repo}/api/charts`, ChartMuseum's API that `helm cm-push` and
 * curl use): the `.tgz` body (or the `chart` field of a multipart form) streams into the blob
 * store while, in lockstep, `readTarGzEntry` (src/archive) reads `{dir}/Chart.yaml` from the
 * same bytes; ./chart-yaml.ts validates it. Only then is the version written: file
 * `{name}-{version}.tgz`, the Chart.yaml fields as version metadata (the index entry). A
 * version that exists is a 409 ("file already exists", as ChartMuseum) unless `?force`
 * replaces it. Charts are limited to 20 MiB (ChartMuseum's default `--max-upload-size`).
 */
import { readTarGzEntry } from "../../archive/tar-gz";
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { chartFilename, parseChartYaml, type ChartMetadata } from "./chart-yaml";

export const MAX_CHART_BYTES = 20 * 1024 * 1024;
const LIMITS = { label: "invalid chart archive", entry: "Chart.yaml", maxEntryBytes: 1024 * 1024, maxRatio: 200, maxScanBytes: 64 * 1024 * 1024 };

export async function handleChartUpload(source: HostedSource, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined, force: boolean): Promise<ChartMetadata> {
  if (!body) throw new RegistryError("body_empty", "request body is empty: POST the chart .tgz");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, { maxSize: MAX_CHART_BYTES, ...(declaredSize === undefined ? {} : { declaredSize }) }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readTarGzEntry(side, /^[^/]+\/Chart\.yaml$/, LIMITS)]);
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  if (!inspected.value) throw new RegistryError("bad_request", "invalid chart archive: Chart.yaml file is missing");
  const chart = parseChartYaml(new TextDecoder().decode(inspected.value));
  const filename = chartFilename(chart.name, chart.version);
  const input = {
    packageName: chart.name,
    lowerName: chart.name.toLowerCase(),
    version: chart.version,
    lowerVersion: chart.version.toLowerCase(),
    metadata: chart,
    file: { name: filename, lowerName: filename.toLowerCase(), isLead: true },
  };
  const existing = await source.findFile(input.lowerName, input.lowerVersion, input.file.lowerName);
  if (existing && !force) throw new RegistryError("exists", `${filename}: file already exists`);
  if (existing) await source.replaceFile(input, stored.value);
  else {
    try {
      await source.addFile("create-version", input, stored.value);
    } catch (error) {
      if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", `${filename}: file already exists`);
      throw error;
    }
  }
  return chart;
}
