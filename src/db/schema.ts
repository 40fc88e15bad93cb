/**
 * D1 schema (drizzle). Gitea's package model — package → version → file → blob, plus
 * properties — extended with repositories of three kinds, users, tokens and audit events.
 * See docs/storage.md for every table and key. Timestamps are integer milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch() * 1000)`);

export const repositories = sqliteTable("repository", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  format: text("format").notNull(),
  kind: text("kind", { enum: ["hosted", "remote", "virtual"] }).notNull(),
  visibility: text("visibility", { enum: ["public", "private"] }).notNull(),
  /** JSON: format- and kind-specific settings (duplicate policy, size limit, cleanup, …). */
  settings: text("settings").notNull().default("{}"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch() * 1000)`),
  /** Bumped by every change to hosted content (docs/architecture-hosted.md); whole-repository indexes key on it. */
  revision: integer("revision").notNull().default(0),
});

export const virtualMembers = sqliteTable(
  "virtual_member",
  {
    virtualId: integer("virtual_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    memberId: integer("member_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    /** Higher wins; ties keep the order members were added (`position`). */
    priority: integer("priority").notNull().default(0),
    position: integer("position").notNull(),
    /** JSON arrays of package-name globs: only matching names come from this member, minus excluded ones. */
    includePatterns: text("include_patterns"),
    excludePatterns: text("exclude_patterns"),
  },
  (t) => [primaryKey({ columns: [t.virtualId, t.memberId] }), index("virtual_member_member").on(t.memberId)],
);

export const remoteConfigs = sqliteTable("remote_config", {
  repositoryId: integer("repository_id").primaryKey().references(() => repositories.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  username: text("username"),
  /** AES-GCM ciphertext (base64 iv.ciphertext) of the password or bearer token; never returned. */
  secretEncrypted: text("secret_encrypted"),
  metadataTtlSeconds: integer("metadata_ttl_s").notNull().default(300),
  artifactTtlSeconds: integer("artifact_ttl_s").notNull().default(0),
  negativeTtlSeconds: integer("negative_ttl_s").notNull().default(60),
  timeoutMs: integer("timeout_ms").notNull().default(30000),
  /** Circuit breaker: consecutive upstream failures, and until when the upstream is assumed offline. */
  failureCount: integer("failure_count").notNull().default(0),
  offlineUntil: integer("offline_until"),
});

/**
 * One cached upstream response of a remote repository, by path. `status` ok holds a blob;
 * `missing` is a negative entry (404/410) kept for the negative validity period.
 */
export const cacheEntries = sqliteTable(
  "cache_entry",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    repositoryId: integer("repository_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    kind: text("kind", { enum: ["metadata", "artifact"] }).notNull(),
    status: text("status", { enum: ["ok", "missing"] }).notNull(),
    blobId: integer("blob_id").references(() => packageBlobs.id),
    contentType: text("content_type"),
    etag: text("etag"),
    lastModified: text("last_modified"),
    /** Upstream response headers a format asked to keep (JSON object, lower-case names), replayed on hits. */
    headers: text("headers"),
    fetchedAt: integer("fetched_at").notNull(),
    checkedAt: integer("checked_at").notNull(),
    hits: integer("hits").notNull().default(0),
    lastHitAt: integer("last_hit_at"),
  },
  (t) => [uniqueIndex("cache_entry_repo_key").on(t.repositoryId, t.key), index("cache_entry_blob").on(t.blobId)],
);

export const packages = sqliteTable(
  "package",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    repositoryId: integer("repository_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    lowerName: text("lower_name").notNull(),
    createdAt: createdAt(),
    /**
     * The repository revision of this package's last change: monotonic within a repository and
     * never reused, so a re-created package never matches a document built for an earlier one.
     */
    revision: integer("revision").notNull().default(0),
  },
  (t) => [uniqueIndex("package_repo_name").on(t.repositoryId, t.lowerName)],
);

export const packageVersions = sqliteTable(
  "package_version",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    packageId: integer("package_id").notNull().references(() => packages.id, { onDelete: "cascade" }),
    version: text("version").notNull(),
    lowerVersion: text("lower_version").notNull(),
    metadata: text("metadata").notNull().default("{}"),
    creatorId: integer("creator_id"),
    downloadCount: integer("download_count").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("package_version_pkg_version").on(t.packageId, t.lowerVersion)],
);

export const packageBlobs = sqliteTable("package_blob", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  sha256: text("sha256").notNull().unique(),
  sha1: text("sha1").notNull(),
  md5: text("md5").notNull(),
  sha512: text("sha512").notNull(),
  size: integer("size").notNull(),
  /** R2 object key; set once, never changes. */
  r2Key: text("r2_key").notNull(),
  createdAt: createdAt(),
  /** When GC first saw no file referencing this blob; cleared when a file uses it again. */
  orphanedAt: integer("orphaned_at"),
});

export const packageFiles = sqliteTable(
  "package_file",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    versionId: integer("version_id").notNull().references(() => packageVersions.id, { onDelete: "cascade" }),
    blobId: integer("blob_id").notNull().references(() => packageBlobs.id),
    name: text("name").notNull(),
    lowerName: text("lower_name").notNull(),
    /** Distinguishes files sharing a name (distro/arch, or each kept duplicate upload). */
    compositeKey: text("composite_key").notNull().default(""),
    isLead: integer("is_lead", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("package_file_version_name_key").on(t.versionId, t.lowerName, t.compositeKey),
    index("package_file_blob").on(t.blobId),
  ],
);

export const properties = sqliteTable(
  "property",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    refType: text("ref_type", { enum: ["package", "version", "file"] }).notNull(),
    refId: integer("ref_id").notNull(),
    name: text("name").notNull(),
    value: text("value").notNull(),
  },
  (t) => [index("property_ref").on(t.refType, t.refId, t.name)],
);

/**
 * A document derived from hosted content (npm packument, a whole-repository index), stored as
 * a blob and valid for one `revision` (a package revision or the repository revision).
 */
export const derivedDocuments = sqliteTable(
  "derived_document",
  {
    repositoryId: integer("repository_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    revision: integer("revision").notNull(),
    blobId: integer("blob_id").notNull().references(() => packageBlobs.id),
    contentType: text("content_type").notNull(),
    builtAt: integer("built_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.repositoryId, t.key] }), index("derived_document_blob").on(t.blobId)],
);

/**
 * A chunked upload in progress (OCI blob uploads, Helm chart pushes): chunks go to an R2
 * multipart upload; completing it makes a blob. Sessions past `expiresAt` are aborted by cron.
 */
export const uploadSessions = sqliteTable(
  "upload_session",
  {
    id: text("id").primaryKey(),
    repositoryId: integer("repository_id").notNull().references(() => repositories.id, { onDelete: "cascade" }),
    r2Key: text("r2_key").notNull(),
    r2UploadId: text("r2_upload_id").notNull(),
    /** JSON array of `{ partNumber, etag, size }`, in order. */
    parts: text("parts").notNull().default("[]"),
    size: integer("size").notNull().default(0),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("upload_session_repo").on(t.repositoryId), index("upload_session_expires").on(t.expiresAt)],
);

export const users = sqliteTable("user", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  email: text("email"),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  /** `pbkdf2-sha256$iterations$salt$hash` (base64), or null when the user has no password. */
  passwordHash: text("password_hash"),
  createdAt: createdAt(),
});

export const tokens = sqliteTable(
  "token",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null: owned by the bootstrap admin (ADMIN_TOKEN). */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
    hash: text("hash").notNull().unique(),
    /** JSON array of "read" | "write" | "admin". */
    scopes: text("scopes").notNull(),
    /** JSON array of repository names, or null for every repository. */
    repositories: text("repositories"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
    lastUsedAt: integer("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("token_user").on(t.userId)],
);

export const auditEvents = sqliteTable(
  "audit_event",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    repository: text("repository"),
    target: text("target"),
    /** JSON object with action-specific detail (counts, sizes, scopes). */
    detail: text("detail").notNull().default("{}"),
    requestId: text("request_id"),
  },
  (t) => [index("audit_event_at").on(t.at), index("audit_event_repo").on(t.repository, t.at)],
);
