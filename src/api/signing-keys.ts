/**
 * `/api/v1/repositories/{name}/signing-key`: the public keys a repository signs its indexes
 * with (docs/signing.md), and rotation. Which kinds a repository has is its format's
 * `signingKeys` (Debian: OpenPGP; Alpine: RSA). Remote repositories pass the upstream's
 * signatures through and have no keys of their own.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { auditActor } from "../auth/audit-actor";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { findFormat } from "../formats";
import type { Repository } from "../repositories/model";
import type { KeyKind } from "../signing/key-kind";
import { indexBuilderOf } from "../repositories/index-builder";
import { SigningKeyStore } from "../signing/key-store";
import { repositoryWithRole, visibleRepository } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { repositoryNameParam } from "./params";

export const signingKeyRoutes = new Hono<AppEnv>();

const publicKeySchema = z.object({
  kind: z.string().describe("Key kind: `openpgp` (apt, dnf), `rsa` (apk)"),
  fingerprint: z.string(),
  publicKey: z.string().describe("Armored OpenPGP or PEM public key"),
  createdAt: z.int().describe("ms since the epoch"),
  retiredAt: z.int().optional().describe("Set on keys rotated out"),
});
const keysOutput = z.object({ repository: z.string(), keys: z.array(publicKeySchema) });
const byName = { name: repositoryNameParam };

function kindsOf(repository: Repository): readonly KeyKind[] {
  if (repository.kind === "remote") return [];
  return findFormat(repository.format)?.signingKeys ?? [];
}

function storeOf(c: Context<AppEnv>, repository: Repository): SigningKeyStore {
  return new SigningKeyStore(repository, { bucket: c.env.BLOBS, secret: c.env.CREDENTIALS_KEY, locks: c.env.LOCKS });
}

const listRoute = declareRoute({
  method: "get", path: "/repositories/{name}/signing-key", tag: "repositories", auth: "read",
  summary: "The repository's signing keys (public halves): the current key of each kind (created on first use), then retired ones",
  params: byName,
  responses: { 200: { description: "Public keys; empty for formats that do not sign and for remote repositories", schema: keysOutput }, 404: { description: "Unknown or not readable" } },
});
signingKeyRoutes.get("/:name/signing-key", async (c) => {
  const repository = await visibleRepository(c, pathParams(c, listRoute).name);
  const store = storeOf(c, repository);
  const keys = [];
  for (const kind of kindsOf(repository)) {
    await store.publicKey(kind);
    keys.push(...(await store.history(kind)));
  }
  return c.json({ repository: repository.name, keys } satisfies z.output<typeof keysOutput>);
});

const rotateRoute = declareRoute({
  method: "post", path: "/repositories/{name}/signing-key/rotate", tag: "repositories", auth: "repository admin",
  summary: "Replace the signing key (all kinds, or `?kind=`); indexes are re-signed with the new key at once",
  params: byName,
  query: z.object({ kind: z.string().optional().describe("Rotate only this kind (`openpgp`, `rsa`)") }),
  responses: {
    200: { description: "The new current keys", schema: keysOutput },
    400: { description: "The format does not sign, the repository is remote, or the kind is unknown" },
    401: { description: "No or invalid credentials" },
    403: { description: "Repository admin required" },
    404: { description: "Unknown or not readable" },
  },
});
signingKeyRoutes.post("/:name/signing-key/rotate", async (c) => {
  const repository = await repositoryWithRole(c, pathParams(c, rotateRoute).name, "admin");
  const available = kindsOf(repository);
  if (!available.length) {
    const why = repository.kind === "remote" ? "a remote repository serves its upstream's signatures" : `${repository.format} repositories are not signed`;
    throw new RegistryError("bad_request", `nothing to rotate: ${why}`);
  }
  const wanted = c.req.query("kind");
  const kinds = wanted ? available.filter((kind) => kind.name === wanted) : available;
  if (!kinds.length) throw new RegistryError("bad_request", `unknown key kind ${wanted}; ${repository.format} uses ${available.map((k) => k.name).join(", ")}`, { field: "kind" });
  const store = storeOf(c, repository);
  const keys = [];
  for (const kind of kinds) keys.push(await store.rotate(kind));
  const principal = c.var.principal;
  await recordAudit(openDatabase(c.env.DB), {
    ...auditActor(principal),
    action: "repository.signing-key.rotate",
    repository: repository.name,
    detail: { keys: keys.map((k) => ({ kind: k.kind, fingerprint: k.fingerprint })) },
    requestId: c.var.requestId,
  });
  // Indexes (hosted and virtual) are stored documents: rebuild them now so they carry the new signature.
  if (findFormat(repository.format)?.indexes?.length) {
    await indexBuilderOf(c.env.INDEXES, repository.id).buildNow(repository.id);
  }
  return c.json({ repository: repository.name, keys } satisfies z.output<typeof keysOutput>);
});
