/** Tag lists, the referrers API (OCI 1.1) and the catalog. */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { HostedSource } from "../../repositories/hosted-source";
import { listReadableRepositories, sourceContext } from "../../repositories/loader";
import { loadMembers } from "../../virtual/members";
import { OciError } from "./errors";
import { OCI_INDEX } from "./manifest";
import { parseDigest } from "./names";
import { lexical, paginate } from "./pagination";
import { openReader } from "./reader";

type NamePath = { repo: string; name: string };

export async function listTags(c: Context<AppEnv>, path: NamePath): Promise<Response> {
  const { reader } = await openReader(c, path.repo);
  const tags = await reader.tags(path.name);
  if (tags === null) throw new OciError("NAME_UNKNOWN", `repository ${path.repo}/${path.name} not known to the registry`);
  const page = paginate([...tags].sort(lexical), { n: c.req.query("n"), last: c.req.query("last") }, `/v2/${path.repo}/${path.name}/tags/list`);
  return c.json({ name: `${path.repo}/${path.name}`, tags: page.entries }, 200, page.link ? { Link: page.link } : {});
}

export async function listReferrers(c: Context<AppEnv>, path: NamePath & { digest: string }): Promise<Response> {
  const digest = parseDigest(path.digest);
  const { reader } = await openReader(c, path.repo);
  const artifactType = c.req.query("artifactType");
  const all = await reader.referrers(path.name, digest);
  const manifests = artifactType === undefined ? all : all.filter((d) => d.artifactType === artifactType);
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });
  return c.body(body, 200, { "Content-Type": OCI_INDEX, ...(artifactType === undefined ? {} : { "OCI-Filters-Applied": "artifactType" }) });
}

async function hostedNames(source: HostedSource): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await source.listPackages({ limit: 500, offset });
    names.push(...page.map((p) => p.name));
    if (page.length < 500) return names;
  }
}

/**
 * What the caller can read, as `{repo}/{name}`: a hosted repository's names, and a virtual
 * repository's hosted members' names (those the caller can read) under the virtual's name.
 * A remote repository lists nothing: its upstream's names are not ours to enumerate (Docker
 * Hub has no catalog), and what it cached is an accident of who pulled what.
 */
export async function catalog(c: Context<AppEnv>): Promise<Response> {
  const repositories = await listReadableRepositories(c, "oci");
  const context = sourceContext(c);
  const names = new Set<string>();
  for (const repository of repositories) {
    if (repository.kind === "remote") continue;
    const { members } = await loadMembers(repository, context, c.env);
    for (const member of members) {
      if (member.kind !== "hosted") continue;
      for (const name of await hostedNames(member.hosted)) names.add(`${repository.name}/${name}`);
    }
  }
  const page = paginate([...names].sort(lexical), { n: c.req.query("n"), last: c.req.query("last") }, "/v2/_catalog");
  return c.json({ repositories: page.entries }, 200, page.link ? { Link: page.link } : {});
}
