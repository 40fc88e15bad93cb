/**
 * The `.repo` file users drop into `/etc/yum.repos.d/` (dnf, yum) or `zypper addrepo` reads:
 * `GET /rpm/{repo}.repo` (the repository root) and `GET /rpm/{repo}/{group}.repo`.
 * Hosted and virtual repositories sign `repomd.xml` with the repository's key, so
 * `repo_gpgcheck=1` with `gpgkey` pointing at `/rpm/{repo}/repository.key`; packages are
 * served as uploaded (not re-signed), so `gpgcheck=0` unless they were signed by their
 * builder. A remote passes the upstream's signatures through: `gpgcheck=1`, and the
 * upstream's key is the user's to add.
 */
export interface RepoFileInput {
  origin: string;
  repository: string;
  kind: "hosted" | "remote" | "virtual";
  group: string;
}

export function renderRepoFile({ origin, repository, kind, group }: RepoFileInput): string {
  const id = [repository, ...group.split("/").filter(Boolean)].join("-").replace(/[^A-Za-z0-9._:-]/g, "_");
  const base = `${origin}/rpm/${repository}${group ? `/${group}` : ""}`;
  const lines = [`[${id}]`, `name=${repository}${group ? ` ${group}` : ""} (Edge Registry)`, `baseurl=${base}`, "enabled=1"];
  if (kind === "remote") lines.push("gpgcheck=1", "repo_gpgcheck=0", "# add the upstream's signing key: gpgkey=https://…");
  else lines.push("gpgcheck=0", "repo_gpgcheck=1", `gpgkey=${origin}/rpm/${repository}/repository.key`);
  lines.push("metadata_expire=60");
  return `${lines.join("\n")}\n`;
}
