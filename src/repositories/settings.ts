/**
 * Per-repository settings, stored as JSON in `repository.settings` and validated with zod
 * on every write. Unknown keys are rejected so a typo is an error, not a silent no-op.
 */
import { z } from "zod";

const regexPattern = z
  .string()
  .max(256)
  .refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid regular expression");

/** Gitea's cleanup rules plus GitLab's "keep N duplicate files" (docs/cleanup.md). */
export const cleanupPolicySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Keep the N newest versions of each package (0: no such rule). */
  keepCount: z.int().min(0).default(0),
  /** Versions matching this pattern are always kept. */
  keepPattern: regexPattern.optional(),
  /** Remove versions older than N days (0: no age rule). */
  removeDays: z.int().min(0).default(0),
  /** Only versions matching this pattern are removed. */
  removePattern: regexPattern.optional(),
  /** Patterns match "package/version" instead of the version alone. */
  matchFullName: z.boolean().default(false),
  /** Keep the N newest uploads of the same file in a version (GitLab duplicates); 0: keep all. */
  keepDuplicates: z.int().min(0).default(0),
});

export const repositorySettingsSchema = z.strictObject({
  /** What an upload of an existing file does: `reject` (409, Gitea) or `keep` (GitLab). */
  duplicates: z.enum(["reject", "keep"]).default("reject"),
  /** Largest accepted file in bytes; larger uploads get 413 and store nothing. */
  maxFileSize: z.int().positive().optional(),
  cleanup: cleanupPolicySchema.optional(),
  /** Remote repositories: drop cache entries not requested for N days (0: keep). */
  cacheRetentionDays: z.int().min(0).optional(),
  /** Virtual repositories: hosted names hide remote members' packages of that name. */
  shielding: z.boolean().default(true),
  /** Virtual repositories: the hosted member that receives publishes. */
  deployMember: z.string().optional(),
  /**
   * npm remote/virtual: versions published less than N hours ago are hidden from packuments
   * and their tarballs answer 404 (protection from freshly published malicious versions).
   */
  minReleaseAgeHours: z.number().min(0).max(24 * 365).optional(),
  /** Maven: allow redeploying release versions. */
  allowRedeploy: z.boolean().default(false),
});

export type RepositorySettings = z.output<typeof repositorySettingsSchema>;
export type CleanupPolicy = z.output<typeof cleanupPolicySchema>;

export function parseStoredSettings(json: string): RepositorySettings {
  const parsed = repositorySettingsSchema.safeParse(JSON.parse(json));
  // Stored settings were validated on write; a failure here means a schema change dropped a key.
  return parsed.success ? parsed.data : repositorySettingsSchema.parse({});
}
