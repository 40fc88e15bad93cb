/**
 * An npm package's registry-side state beside its versions: dist-tags, revision counter and
 * modification time (package property `npm.state`), and the readme of the `latest` version
 * (`npm.readme`). Every read-modify-write of it runs under the package's KeyedLock
 * (DESIGN §3: serialise read-modify-write of one package's metadata through a Durable
 * Object): a busy lock is retried with backoff for up to ~10 s before answering 409.
 *
 * `_rev` is `{n}-{modified in hex}`; n grows with every change, so a client holding an
 * old packument (npm unpublish, npm deprecate) is refused with 409 instead of undoing a
 * concurrent publish, as CouchDB did.
 */
import { RegistryError } from "../../errors";
import type { MetadataUpdate, PackageReader, PackageRow, PackageWriter } from "../../repositories/package-source";
import { TAG_PREFIX, tagPropertyChanges, tagsFromProperties, type DistTags } from "./dist-tags";

export const STATE_PROPERTY = "npm.state";
export const README_PROPERTY = "npm.readme";
/** D1 stores at most ~2 MB per value; longer readmes are cut. */
const MAX_README = 1_000_000;

export interface NpmState {
  pkg: PackageRow;
  tags: DistTags;
  revision: number;
  modified: number;
}

export const revString = (state: Pick<NpmState, "revision" | "modified">): string => `${state.revision}-${state.modified.toString(16)}`;

function parseState(value: string | null, pkg: PackageRow): { revision: number; modified: number } {
  if (value !== null) {
    try {
      const parsed = JSON.parse(value) as { rev?: unknown; modified?: unknown };
      if (typeof parsed.rev === "number" && typeof parsed.modified === "number") return { revision: parsed.rev, modified: parsed.modified };
    } catch {
      // Fall through: an unreadable state starts again from the package row.
    }
  }
  return { revision: 0, modified: pkg.createdAt };
}

/** The package's state, or null when the package does not exist. */
export async function loadState(source: PackageReader, lowerName: string): Promise<NpmState | null> {
  const pkg = await source.findPackageRow(lowerName);
  if (!pkg) return null;
  const [tagRows, stateValue] = await Promise.all([source.listPackageProperties(pkg.id, TAG_PREFIX), source.getPackageProperty(pkg.id, STATE_PROPERTY)]);
  return { pkg, tags: tagsFromProperties(tagRows), ...parseState(stateValue, pkg) };
}

export interface StateChange {
  tags?: DistTags;
  readme?: string;
  versions?: MetadataUpdate["versions"];
}

/** The metadata update that applies `change` and bumps the revision, and the new `_rev`. */
export function stateUpdate(state: NpmState, change: StateChange, now = Date.now()): { update: MetadataUpdate; rev: string } {
  const next = { revision: state.revision + 1, modified: Math.max(now, state.modified + 1) };
  const properties = [
    ...(change.tags ? tagPropertyChanges(state.tags, change.tags) : []),
    ...(change.readme !== undefined ? [{ name: README_PROPERTY, value: change.readme.slice(0, MAX_README) }] : []),
    { name: STATE_PROPERTY, value: JSON.stringify({ rev: next.revision, modified: next.modified }) },
  ];
  return { update: { properties, ...(change.versions ? { versions: change.versions } : {}) }, rev: revString(next) };
}

/** Writes tags, readme and version metadata and bumps the revision, in one batch; returns the new `_rev`. */
export async function saveState(source: PackageWriter, state: NpmState, change: StateChange): Promise<string> {
  const { update, rev } = stateUpdate(state, change);
  await source.updatePackageMetadata(state.pkg, update);
  return rev;
}

/** Refuses a stale revision (CouchDB's 409 "Document update conflict"). */
export function checkRevision(state: NpmState, rev: string | undefined): void {
  if (rev !== undefined && rev !== revString(state)) {
    throw new RegistryError("conflict", `Document update conflict: revision ${rev} is not the current ${revString(state)}; fetch the package again and retry`);
  }
}
