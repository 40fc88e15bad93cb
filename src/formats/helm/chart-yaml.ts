/**
 * `Chart.yaml` as Helm reads it (helm.sh/helm/v3/pkg/chart Metadata.Validate): parsed with
 * the `yaml` library (YAML 1.2, no custom tags), then checked: `apiVersion` v1 or v2, `name`
 * (no path separators, Helm's character set), `version` a SemVer 2 version, `type`
 * `application` or `library`. The metadata kept is what an `index.yaml` entry carries.
 */
import { valid } from "semver";
import { parse } from "yaml";
import { RegistryError } from "../../errors";

export const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The fields of a chart version an index.yaml entry repeats (Chart.yaml's own names). */
export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  [field: string]: unknown;
}

const bad = (message: string) => new RegistryError("bad_request", `invalid chart archive: ${message}`);

/** Fields of Chart.yaml copied into index entries. */
const KEPT = ["apiVersion", "name", "version", "kubeVersion", "description", "type", "keywords", "home", "sources", "dependencies", "maintainers", "icon", "appVersion", "deprecated", "annotations"];

export function parseChartYaml(text: string): ChartMetadata {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (error) {
    throw bad(`Chart.yaml is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw bad("Chart.yaml is not a mapping");
  const chart = value as Record<string, unknown>;
  const apiVersion = chart["apiVersion"];
  if (apiVersion === undefined || apiVersion === null || apiVersion === "") throw bad("chart.metadata.apiVersion is required");
  if (apiVersion !== "v1" && apiVersion !== "v2") throw bad(`chart.metadata.apiVersion "${String(apiVersion).slice(0, 50)}" is not v1 or v2`);
  const name = chart["name"];
  if (typeof name !== "string" || name === "") throw bad("chart.metadata.name is required");
  if (name.length > 250 || !CHART_NAME.test(name)) throw bad(`chart.metadata.name "${name.slice(0, 100)}" is invalid`);
  const version = chart["version"];
  if (typeof version !== "string" || version === "") throw bad("chart.metadata.version is required");
  if (valid(version) !== version.replace(/^v/, "") || version.length > 128) throw bad(`chart.metadata.version "${version.slice(0, 100)}" is invalid: must be a SemVer 2 version`);
  const type = chart["type"];
  if (type !== undefined && type !== "" && type !== "application" && type !== "library") throw bad(`chart.metadata.type "${String(type).slice(0, 50)}" must be application or library`);
  const kept: ChartMetadata = { apiVersion, name, version };
  for (const field of KEPT) if (chart[field] !== undefined && chart[field] !== null && !(field in kept)) kept[field] = chart[field];
  return kept;
}

/** `{name}-{version}.tgz`, the file name `helm package` writes and index URLs end with. */
export const chartFilename = (name: string, version: string): string => `${name}-${version}.tgz`;

/** Splits `{name}-{version}.tgz` at the first `-` that starts a valid version; null when it is not one. */
export function parseChartFilename(filename: string): { name: string; version: string } | null {
  if (!filename.endsWith(".tgz") || filename.includes("/")) return null;
  const stem = filename.slice(0, -".tgz".length);
  for (let at = stem.indexOf("-"); at > 0; at = stem.indexOf("-", at + 1)) {
    const name = stem.slice(0, at);
    const version = stem.slice(at + 1);
    if (CHART_NAME.test(name) && valid(version) !== null) return { name, version };
  }
  return null;
}
