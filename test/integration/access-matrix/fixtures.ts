/** Creates the matrix's repositories (seeded), users and credentials through the API as an admin would. */
import { expect } from "vitest";
import { ADMIN, api, call, createRepository, createToken } from "../../helpers/client";
import { moduleZip } from "../../helpers/go-modules";
import { composerSeedZip } from "../../helpers/composer-packages";
import { chartArchive } from "../../helpers/helm-charts";
import { debPackage } from "../../helpers/debian-packages";
import { RPM_SEED_PATH, rpmSeed } from "./rpm-rows";
import type { FakeUpstream } from "../../helpers/upstream";
import { UPSTREAM } from "../../helpers/upstream";
import { buildGem } from "../rubygems-fixtures";
import { ociSeed, ociUpstreamSeed } from "./oci-rows";
import { nugetPush, seedNuGetUpstream } from "./nuget-rows";
import { ALPINE_PLACE, alpineSeed } from "./alpine-rows";
import { cargoPublish, npmPublish, pypiUpload, repoName, users, type CredentialSpec, type RepoFixture } from "./table";

/** Secrets the suite creates; no API response may contain any of them. */
export const secrets = new Set<string>([ADMIN]);
export const UPSTREAM_PASSWORD = "mx-upstream-password-never-shown";
secrets.add(UPSTREAM_PASSWORD);

async function must(res: Response | Promise<Response>, status: number, what: string): Promise<void> {
  const r = await res;
  if (r.status !== status) expect(r.status, `${what}: ${await r.text()}`).toBe(status);
}

function seedUpstream(upstream: FakeUpstream, repo: RepoFixture): void {
  const base = `/${repo.name}`;
  if (repo.format === "generic") upstream.files.set(`${base}/seed/1.0/seed.txt`, { body: "seed from upstream" });
  if (repo.format === "maven") upstream.files.set(`${base}/org/mx/seed/1.0/seed-1.0.pom`, { body: "<project/>" });
  if (repo.format === "npm") {
    const tarball = `${UPSTREAM}${base}/mx-seed/-/mx-seed-0.9.0.tgz`;
    upstream.files.set(`${base}/mx-seed`, {
      contentType: "application/json",
      body: JSON.stringify({ name: "mx-seed", "dist-tags": { latest: "0.9.0" }, versions: { "0.9.0": { name: "mx-seed", version: "0.9.0", dist: { tarball, shasum: "0".repeat(40) } } }, time: { "0.9.0": "2020-01-01T00:00:00.000Z" } }),
    });
  }
  if (repo.format === "pypi") {
    const file = { filename: "mx_seed-0.9-py3-none-any.whl", url: `${UPSTREAM}${base}/files/mx_seed-0.9-py3-none-any.whl`, hashes: { sha256: "0".repeat(64) } };
    const page = { meta: { "api-version": "1.1" }, name: "mx-seed", versions: ["0.9"], files: [file] };
    upstream.files.set(`${base}/simple/mx-seed/`, { contentType: "application/vnd.pypi.simple.v1+json", body: JSON.stringify(page) });
    upstream.files.set(`${base}/simple/`, { contentType: "application/vnd.pypi.simple.v1+json", body: JSON.stringify({ meta: { "api-version": "1.1" }, projects: [{ name: "mx-seed" }] }) });
  }
  if (repo.format === "cargo") {
    const line = { name: "mx-seed", vers: "0.9.0", deps: [], cksum: "0".repeat(64), features: {}, yanked: false, links: null };
    upstream.files.set(`${base}/config.json`, { contentType: "application/json", body: JSON.stringify({ dl: `${UPSTREAM}${base}/dl` }) });
    upstream.files.set(`${base}/mx/-s/mx-seed`, { contentType: "text/plain", body: `${JSON.stringify(line)}\n` });
    upstream.files.set(`${base}/dl/mx-seed/0.9.0/download`, { body: "crate bytes from upstream" });
  }
  if (repo.format === "go") {
    upstream.files.set(`${base}/mx.test/seed/@v/list`, { contentType: "text/plain", body: "v0.9.0\n" });
    upstream.files.set(`${base}/mx.test/seed/@v/v0.9.0.info`, { contentType: "application/json", body: '{"Version":"v0.9.0","Time":"2020-01-01T00:00:00Z"}' });
  }
  if (repo.format === "alpine") upstream.files.set(`${base}/${ALPINE_PLACE}/x86_64/APKINDEX.tar.gz`, { contentType: "application/gzip", body: "index signed by the upstream" });
  if (repo.format === "alpine") upstream.files.set(`${base}/${ALPINE_PLACE}/x86_64/mx-seed-1.0-r0.apk`, { body: alpineSeed() });
  if (repo.format === "composer") {
    const entry = { name: "mx/seed", version: "0.9.0", dist: { type: "zip", url: `${UPSTREAM}${base}/dist/mx-seed-0.9.0.zip`, reference: "seedref", shasum: "" }, type: "library" };
    upstream.files.set(`${base}/p2/mx/seed.json`, { contentType: "application/json", body: JSON.stringify({ packages: { "mx/seed": [entry] }, minified: "composer/2.0" }) });
    upstream.files.set(`${base}/dist/mx-seed-0.9.0.zip`, { contentType: "application/zip", body: "zip bytes from upstream" });
  }
  if (repo.format === "rubygems") {
    const info = `---\n0.9.0 |checksum:${"0".repeat(64)}\n`;
    upstream.files.set(`${base}/info/mx-seed`, { contentType: "text/plain", body: info });
    upstream.files.set(`${base}/versions`, { contentType: "text/plain", body: "created_at: 2020-01-01T00:00:00Z\n---\nmx-seed 0.9.0 0123456789abcdef0123456789abcdef\n" });
    upstream.files.set(`${base}/specs.4.8.gz`, { body: "specs from upstream" });
    upstream.files.set(`${base}/gems/mx-seed-0.9.0.gem`, { body: "gem bytes from upstream" });
    upstream.files.set(`${base}/quick/Marshal.4.8/mx-seed-0.9.0.gemspec.rz`, { body: "quick spec from upstream" });
  }
  if (repo.format === "nuget") seedNuGetUpstream(upstream, repo);
  if (repo.format === "debian") {
    upstream.files.set(`${base}/pool/stable/main/mx-seed_1.0_amd64.deb`, { body: "deb from upstream" });
    upstream.files.set(`${base}/repository.key`, { contentType: "application/pgp-keys", body: "-----BEGIN PGP PUBLIC KEY BLOCK----- (upstream)" });
  }
  if (repo.format === "rpm") {
    upstream.files.set(`${base}/${RPM_SEED_PATH}`, { contentType: "application/x-rpm", body: rpmSeed() });
    upstream.files.set(`${base}/repository.key`, { contentType: "application/pgp-keys", body: "-----BEGIN PGP PUBLIC KEY BLOCK-----\nupstream\n-----END PGP PUBLIC KEY BLOCK-----\n" });
  }
  if (repo.format === "helm") {
    upstream.files.set(`${base}/index.yaml`, { contentType: "application/x-yaml", body: "apiVersion: v1\nentries:\n  mx-seed:\n    - apiVersion: v2\n      name: mx-seed\n      version: 0.9.0\n      urls: [charts/mx-seed-0.9.0.tgz]\n" });
  }
}

async function seedHosted(repo: RepoFixture): Promise<void> {
  if (repo.format === "generic") await must(call(`/generic/${repo.name}/seed/1.0/seed.txt`, { method: "PUT", body: "seed" }), 201, "seed generic");
  if (repo.format === "maven") await must(call(`/maven/${repo.name}/org/mx/seed/1.0/seed-1.0.pom`, { method: "PUT", body: "<project/>" }), 201, "seed maven");
  if (repo.format === "npm") {
    const publish = await npmPublish(repo.name, "mx-seed");
    await must(call(publish.path, { method: "PUT", body: publish.body ?? "", headers: publish.headers ?? {} }), 201, "seed npm");
  }
  if (repo.format === "oci") {
    for (const step of await ociSeed(repo.name)) {
      await must(call(step.path, { method: step.method, body: step.body ?? "", headers: step.headers ?? {} }), 201, `seed oci ${step.method}`);
    }
  }
  if (repo.format === "pypi") {
    const upload = await pypiUpload(repo.name, "mx-seed");
    await must(call(upload.path, { method: "POST", body: upload.body ?? "", headers: upload.headers ?? {} }), 200, "seed pypi");
  }
  if (repo.format === "cargo") {
    const publish = await cargoPublish(repo.name, "mx-seed");
    await must(call(publish.path, { method: "PUT", body: publish.body ?? "" }), 200, "seed cargo");
  }
  if (repo.format === "go") await must(call(`/go/${repo.name}/upload`, { method: "PUT", body: moduleZip("mx.test/seed", "v1.0.0") }), 201, "seed go");
  if (repo.format === "alpine") await must(call(`/alpine/${repo.name}/${ALPINE_PLACE}`, { method: "PUT", body: alpineSeed() }), 201, "seed alpine");
  if (repo.format === "composer") await must(call(`/composer/${repo.name}`, { method: "PUT", body: composerSeedZip() }), 201, "seed composer");
  if (repo.format === "rubygems") await must(call(`/rubygems/${repo.name}/api/v1/gems`, { method: "POST", body: await buildGem("mx-seed", "1.0.0") }), 200, "seed rubygems");
  if (repo.format === "helm") await must(call(`/helm/${repo.name}/api/charts`, { method: "POST", body: chartArchive("mx-seed", "1.0.0") }), 201, "seed helm");
  if (repo.format === "nuget") {
    const push = nugetPush(repo.name, "mx-seed");
    await must(call(push.path, { method: "PUT", body: push.body ?? "", headers: push.headers ?? {} }), 201, "seed nuget");
  }
  if (repo.format === "debian") await must(call(`/debian/${repo.name}/pool/stable/main/upload`, { method: "PUT", body: debPackage({ name: "mx-seed", version: "1.0" }) }), 201, "seed debian");
  if (repo.format === "rpm") await must(call(`/rpm/${repo.name}/el9/upload`, { method: "PUT", body: rpmSeed() }), 201, "seed rpm");
}

/** Creates (or re-creates, for a deleted virtual) one fixture repository. */
export async function createFixture(repo: RepoFixture): Promise<void> {
  const base = { name: repo.name, format: repo.format, kind: repo.kind, visibility: repo.visibility };
  if (repo.kind === "hosted") await createRepository(base);
  if (repo.kind === "remote") await createRepository({ ...base, remote: { url: `${UPSTREAM}/${repo.name}/`, username: "mx-upstream-user", password: UPSTREAM_PASSWORD } });
  if (repo.kind === "virtual") {
    const members = [repoName(repo.format, repo.visibility, "hosted"), repoName(repo.format, repo.visibility, "remote")];
    await createRepository({ ...base, members: members.map((repository) => ({ repository })), settings: { deployMember: repo.deployMember } });
  }
}

export async function createFixtures(all: readonly RepoFixture[], upstream: FakeUpstream): Promise<void> {
  for (const kind of ["hosted", "remote", "virtual"] as const) {
    for (const repo of all.filter((r) => r.exists && r.kind === kind)) {
      await createFixture(repo);
      if (kind === "hosted") await seedHosted(repo);
      if (kind === "remote") seedUpstream(upstream, repo);
      if (kind === "remote" && repo.format === "oci") for (const [path, file] of await ociUpstreamSeed(repo.name)) upstream.files.set(path, file);
    }
  }
}

export async function createUsers(): Promise<void> {
  for (const user of users) {
    await must(api("/users", "POST", { name: user.name, admin: user.admin ?? false, ...(user.password ? { password: user.password } : {}) }), 201, `user ${user.name}`);
    if (user.password) secrets.add(user.password);
    if (user.grants) await must(api(`/users/${user.name}/grants`, "PUT", { grants: user.grants }), 200, `grants of ${user.name}`);
  }
}

/** Users marked disabled are disabled after their tokens exist. */
export async function disableUsers(): Promise<void> {
  for (const user of users.filter((u) => u.disabled)) await must(api(`/users/${user.name}`, "PATCH", { disabled: true }), 200, `disable ${user.name}`);
}

export async function credentialHeaders(spec: CredentialSpec, index: number): Promise<Record<string, string>> {
  switch (spec.kind) {
    case "anonymous":
      return {};
    case "admin-token":
      return { Authorization: `Bearer ${ADMIN}` };
    case "password": {
      const user = users.find((u) => u.name === spec.user);
      return { Authorization: `Basic ${btoa(`${spec.user}:${user?.password ?? ""}`)}` };
    }
    case "token": {
      const token = await createToken({ name: `mx-principal-${index}`, scopes: spec.scopes, ...(spec.repositories ? { repositories: spec.repositories } : {}), ...(spec.user ? { user: spec.user } : {}) });
      secrets.add(token);
      return { Authorization: `Bearer ${token}` };
    }
  }
}

/** A fresh ADMIN_TOKEN-minted token to be revoked by a cell. */
export async function throwawayToken(): Promise<number> {
  const res = await api("/tokens", "POST", { name: "mx-throwaway", scopes: ["read"] });
  const body = (await res.json()) as { id: number; token: string };
  secrets.add(body.token);
  return body.id;
}
