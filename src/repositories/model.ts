/** The repository as the rest of the code sees it: kind, format, visibility, parsed settings. */
import type { repositories } from "../db/schema";
import { parseStoredSettings, type RepositorySettings } from "./settings";

export const repositoryKinds = ["hosted", "remote", "virtual"] as const;
export type RepositoryKind = (typeof repositoryKinds)[number];
export type Visibility = "public" | "private";

/** Repository names: DESIGN §2. */
export const repositoryNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface Repository {
  id: number;
  name: string;
  format: string;
  kind: RepositoryKind;
  visibility: Visibility;
  settings: RepositorySettings;
  createdAt: number;
  updatedAt: number;
  /** Bumped by every hosted write (src/db/revisions.ts) and by a remote cache purge: what warm read caches are keyed on. */
  revision: number;
}

export function toRepository(row: typeof repositories.$inferSelect): Repository {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    kind: row.kind,
    visibility: row.visibility,
    settings: parseStoredSettings(row.settings),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    revision: row.revision,
  };
}
