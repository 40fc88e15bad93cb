/**
 * `gem yank NAME -v VERSION [--platform P]` (`DELETE /api/v1/gems/yank`, form fields
 * `gem_name`, `version`, `platform`): the version leaves `/info`, `/versions` (a `-VERSION`
 * line is appended) and the legacy indexes; it stays stored, its files downloadable by exact
 * URL (like a yanked crate), and cannot be pushed again. Without `platform` the `ruby`
 * platform gem is yanked, as on rubygems.org. The state is the version's metadata; the write
 * hook updates the indexes before this answers.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { storedGemSpec } from "./gemspec";
import { fullVersion, gemNameProblem, isValidGemVersion, normalisePlatform } from "./names";

export interface YankForm {
  name: string;
  version: string;
  platform: string | null;
}

/** Reads `gem_name`, `version`, `platform` from a urlencoded or multipart body (or the query). */
export async function readYankForm(request: Request): Promise<YankForm> {
  const url = new URL(request.url);
  let form: FormData | URLSearchParams = url.searchParams;
  const type = request.headers.get("Content-Type") ?? "";
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    try {
      form = await request.formData();
    } catch {
      throw new RegistryError("bad_request", "the form could not be read");
    }
  }
  const field = (name: string): string | null => {
    const value = form.get(name) ?? url.searchParams.get(name);
    return typeof value === "string" && value !== "" ? value : null;
  };
  const name = field("gem_name");
  const version = field("version");
  if (!name || !version) throw new RegistryError("bad_request", "gem_name and version are required");
  return { name, version, platform: field("platform") };
}

export async function yankGem(source: HostedSource, form: YankForm): Promise<string> {
  const problem = gemNameProblem(form.name);
  if (problem) throw new RegistryError("name_invalid", `Invalid gem name: ${problem}`);
  const platform = normalisePlatform(form.platform);
  if (!isValidGemVersion(form.version) || platform === null) throw new RegistryError("version_invalid", `Invalid version ${form.version}${form.platform ? ` for platform ${form.platform}` : ""}`);
  const version = fullVersion(form.version, platform);
  const pkg = await source.findPackageRow(form.name.toLowerCase());
  const row = pkg ? await source.findVersionRow(pkg.id, version.toLowerCase()) : null;
  const spec = row ? storedGemSpec(row.metadata) : null;
  if (!pkg || !row || !spec) throw new RegistryError("not_found", `The version ${version} does not exist for gem ${form.name}.`);
  if (spec.yanked) throw new RegistryError("conflict", `The version ${version} of ${pkg.name} has already been yanked.`);
  await source.withPackageLock(pkg.lowerName, () => source.updatePackageMetadata(pkg, { versions: [{ versionId: row.id, metadata: { ...spec, yanked: true } }] }));
  await source.auditEvent("version.yank", `${pkg.name}/${row.version}`);
  return `Successfully deleted gem: ${pkg.name} (${version})`;
}
