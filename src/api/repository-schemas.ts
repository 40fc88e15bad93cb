/** zod schemas of the repository API: what scripts send and what they get back. */
import { z } from "zod";
import { knownFormats } from "../formats";
import { repositoryNamePattern } from "../repositories/model";
import { repositorySettingsSchema } from "../repositories/settings";

const ttl = z.int().min(0).max(10 * 365 * 86400);

/** Credentials never go in the URL: they would be stored in clear and shown by GET. */
function withoutUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username === "" && parsed.password === "";
  } catch {
    return true; // The url format check reports it.
  }
}

export const remoteInputSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .refine(withoutUserinfo, "must not contain credentials (user:password@); set remote.username and remote.password instead"),
  /** With a username the upstream gets Basic auth; a password alone is sent as a Bearer token. */
  username: z.string().min(1).max(256).optional(),
  password: z.string().min(1).max(4096).optional(),
  metadataTtlSeconds: ttl.optional(),
  artifactTtlSeconds: ttl.optional(),
  negativeTtlSeconds: ttl.optional(),
  timeoutMs: z.int().min(100).max(300_000).optional(),
});

/** Package-name globs: `*` any characters, `?` one; matched case-insensitively (e.g. `@acme/*`, `org.acme:*`). */
const namePatterns = z.array(z.string().min(1).max(256)).max(50);

export const memberInputSchema = z.strictObject({
  repository: z.string().regex(repositoryNamePattern),
  priority: z.int().min(-1000).max(1000).default(0),
  /** Only package names matching one of these come from this member. */
  include: namePatterns.optional(),
  /** Package names matching one of these never come from this member. */
  exclude: namePatterns.optional(),
});

export const createRepositorySchema = z.strictObject({
  name: z.string().regex(repositoryNamePattern, "must match [a-z0-9][a-z0-9._-]{0,63}"),
  format: z.enum(knownFormats),
  kind: z.enum(["hosted", "remote", "virtual"]),
  visibility: z.enum(["public", "private"]).default("private"),
  remote: remoteInputSchema.optional(),
  members: z.array(memberInputSchema).max(20).optional(),
  settings: repositorySettingsSchema.optional(),
});

export const updateRepositorySchema = z.strictObject({
  visibility: z.enum(["public", "private"]).optional(),
  remote: remoteInputSchema.partial().optional(),
  members: z.array(memberInputSchema).max(20).optional(),
  /**
   * A JSON Merge Patch (RFC 7396) of the settings: keys sent replace their values (nested
   * objects merge), `null` resets a key to its default, keys not sent are kept.
   */
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const repositoryOutputSchema = z.object({
  id: z.int(),
  name: z.string(),
  format: z.string(),
  kind: z.enum(["hosted", "remote", "virtual"]),
  visibility: z.enum(["public", "private"]),
  url: z.string().describe("Path of the repository's wire protocol on this registry"),
  settings: repositorySettingsSchema,
  remote: z
    .object({
      url: z.string(),
      username: z.string().nullable(),
      hasPassword: z.boolean(),
      metadataTtlSeconds: z.int(),
      artifactTtlSeconds: z.int(),
      negativeTtlSeconds: z.int(),
      timeoutMs: z.int(),
    })
    .optional(),
  members: z
    .array(z.object({ repository: z.string(), kind: z.string(), priority: z.int(), include: z.array(z.string()).nullable(), exclude: z.array(z.string()).nullable() }))
    .optional(),
  createdAt: z.int(),
  updatedAt: z.int(),
});

export type CreateRepositoryInput = z.output<typeof createRepositorySchema>;
export type UpdateRepositoryInput = z.output<typeof updateRepositorySchema>;
export type RepositoryOutput = z.output<typeof repositoryOutputSchema>;
