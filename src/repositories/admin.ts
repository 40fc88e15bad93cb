/**
 * Creating, changing and deleting repositories: the rules that span tables — a remote
 * needs an upstream, a virtual's members must exist, share its format and not be virtual
 * themselves, the deploy member must be a hosted member — checked before anything is written.
 */
import type { CreateRepositoryInput, RepositoryOutput, UpdateRepositoryInput } from "../api/repository-schemas";
import { validate } from "../api/validation";
import { canRead } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { encryptSecret } from "../auth/secrets";
import { z } from "zod";
import { isUniqueViolation, type Database } from "../db/client";
import {
  findRemoteConfig,
  findRepositoriesByName,
  insertRepository,
  listMembers,
  replaceMembers,
  updateRemoteConfig,
  updateRepository,
  type NewRemoteConfig,
} from "../db/repositories";
import { RegistryError } from "../errors";
import { mergePatch } from "./merge-patch";
import type { Repository } from "./model";
import { repositorySettingsSchema, type RepositorySettings } from "./settings";

type MemberInput = NonNullable<CreateRepositoryInput["members"]>;

const MAX_MEMBERS = 20;

/** Members must exist and be readable by the caller (an unreadable one "does not exist"). */
async function resolveMembers(db: Database, virtual: { name: string; format: string }, members: MemberInput, principal: Principal) {
  if (members.length > MAX_MEMBERS) throw new RegistryError("bad_request", `at most ${MAX_MEMBERS} members`, { field: "members" });
  const names = members.map((m) => m.repository);
  if (new Set(names).size !== names.length) throw new RegistryError("bad_request", "a member is listed twice", { field: "members" });
  const found = new Map((await findRepositoriesByName(db, names)).map((r) => [r.name, r]));
  return members.map((m, i) => {
    const repository = found.get(m.repository);
    const field = `members.${i}.repository`;
    if (!repository || !canRead(principal, repository)) throw new RegistryError("bad_request", `member ${m.repository} does not exist`, { field });
    if (repository.name === virtual.name) throw new RegistryError("bad_request", "a virtual repository cannot contain itself", { field });
    if (repository.format !== virtual.format) throw new RegistryError("bad_request", `member ${m.repository} is ${repository.format}, not ${virtual.format}`, { field });
    if (repository.kind === "virtual") throw new RegistryError("bad_request", `member ${m.repository} is virtual; members are hosted or remote`, { field });
    return { repository, memberId: repository.id, priority: m.priority, include: m.include, exclude: m.exclude };
  });
}

function checkDeployMember(settings: RepositorySettings, members: { repository: Repository }[]): void {
  if (!settings.deployMember) return;
  const member = members.find((m) => m.repository.name === settings.deployMember);
  if (!member || member.repository.kind !== "hosted") {
    throw new RegistryError("bad_request", "deployMember must name a hosted member", { field: "settings.deployMember" });
  }
}

async function remoteRow(input: NonNullable<CreateRepositoryInput["remote"]>, key: string | undefined): Promise<NewRemoteConfig> {
  return {
    url: input.url,
    username: input.username ?? null,
    secretEncrypted: input.password ? await encryptSecret(input.password, key) : null,
    ...(input.metadataTtlSeconds === undefined ? {} : { metadataTtlSeconds: input.metadataTtlSeconds }),
    ...(input.artifactTtlSeconds === undefined ? {} : { artifactTtlSeconds: input.artifactTtlSeconds }),
    ...(input.negativeTtlSeconds === undefined ? {} : { negativeTtlSeconds: input.negativeTtlSeconds }),
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
  };
}

export async function createRepository(db: Database, input: CreateRepositoryInput, credentialsKey: string | undefined, principal: Principal): Promise<Repository> {
  if (input.kind === "remote" && !input.remote) throw new RegistryError("bad_request", "remote repositories need a remote.url", { field: "remote" });
  if (input.kind !== "remote" && input.remote) throw new RegistryError("bad_request", "only remote repositories take a remote", { field: "remote" });
  if (input.kind !== "virtual" && input.members) throw new RegistryError("bad_request", "only virtual repositories take members", { field: "members" });
  const settings = input.settings ?? repositorySettingsSchema.parse({});
  const members = input.kind === "virtual" ? await resolveMembers(db, input, input.members ?? [], principal) : [];
  checkDeployMember(settings, members);
  try {
    return await insertRepository(db, {
      name: input.name,
      format: input.format,
      kind: input.kind,
      visibility: input.visibility,
      settings,
      ...(input.remote ? { remote: await remoteRow(input.remote, credentialsKey) } : {}),
      ...(input.kind === "virtual" ? { members } : {}),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new RegistryError("exists", `repository ${input.name} already exists`, { field: "name" });
    throw error;
  }
}

/** Settings after a JSON Merge Patch (RFC 7396), validated whole; errors name `settings.<key>`. */
function patchedSettings(current: RepositorySettings, patch: Record<string, unknown>): RepositorySettings {
  return validate(z.object({ settings: repositorySettingsSchema }), { settings: mergePatch(current, patch) }).settings;
}

export async function changeRepository(
  db: Database,
  repository: Repository,
  input: UpdateRepositoryInput,
  credentialsKey: string | undefined,
  principal: Principal,
): Promise<void> {
  if (input.remote && repository.kind !== "remote") throw new RegistryError("bad_request", "only remote repositories take a remote", { field: "remote" });
  if (input.members && repository.kind !== "virtual") throw new RegistryError("bad_request", "only virtual repositories take members", { field: "members" });
  const members = input.members
    ? await resolveMembers(db, repository, input.members, principal)
    : repository.kind === "virtual"
      ? await listMembers(db, repository.id)
      : [];
  const settings = input.settings ? patchedSettings(repository.settings, input.settings) : undefined;
  if (settings || input.members) checkDeployMember(settings ?? repository.settings, members);
  if (input.members) {
    await replaceMembers(
      db,
      repository.id,
      members.map((m) => ({ memberId: m.repository.id, priority: m.priority, include: m.include ?? undefined, exclude: m.exclude ?? undefined })),
    );
  }
  if (input.remote) {
    const { password, ...rest } = input.remote;
    await updateRemoteConfig(db, repository.id, {
      ...rest,
      ...(password === undefined ? {} : { secretEncrypted: await encryptSecret(password, credentialsKey) }),
    });
  }
  await updateRepository(db, repository.id, {
    ...(input.visibility ? { visibility: input.visibility } : {}),
    ...(settings ? { settings } : {}),
  });
}

/** A stored URL without userinfo (URLs stored before userinfo was refused may carry some). */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "";
  }
}

/**
 * The API's view of a repository; credentials are write-only and never appear here.
 * Members the caller may not read are left out (and a deploy member it may not read is
 * not named), so a virtual never reveals a private repository's name.
 */
export async function describeRepository(db: Database, repository: Repository, principal: Principal): Promise<RepositoryOutput> {
  const base: RepositoryOutput = {
    id: repository.id,
    name: repository.name,
    format: repository.format,
    kind: repository.kind,
    visibility: repository.visibility,
    url: `/${repository.format === "oci" ? "v2" : repository.format}/${repository.name}/`,
    settings: repository.settings,
    createdAt: repository.createdAt,
    updatedAt: repository.updatedAt,
  };
  if (repository.kind === "remote") {
    const remote = await findRemoteConfig(db, repository.id);
    if (remote) {
      base.remote = {
        url: withoutCredentials(remote.url),
        username: remote.username,
        hasPassword: remote.secretEncrypted !== null,
        metadataTtlSeconds: remote.metadataTtlSeconds,
        artifactTtlSeconds: remote.artifactTtlSeconds,
        negativeTtlSeconds: remote.negativeTtlSeconds,
        timeoutMs: remote.timeoutMs,
      };
    }
  }
  if (repository.kind === "virtual") {
    const members = await listMembers(db, repository.id);
    const deploy = members.find((m) => m.repository.name === repository.settings.deployMember);
    if (deploy && !canRead(principal, deploy.repository)) {
      const { deployMember: _hidden, ...rest } = repository.settings;
      base.settings = rest as RepositorySettings;
    }
    base.members = members.filter((m) => canRead(principal, m.repository)).map((m) => ({
      repository: m.repository.name,
      kind: m.repository.kind,
      priority: m.priority,
      include: m.include,
      exclude: m.exclude,
    }));
  }
  return base;
}
