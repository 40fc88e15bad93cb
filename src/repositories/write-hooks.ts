/**
 * After every committed change to hosted content: the format's `onPackageChanged` hook
 * runs (before the request answers, so the next read sees its fixes), then the
 * repository's whole-repository indexes are scheduled with the IndexBuilder (debounced).
 */
import { findFormat } from "../formats";
import type { PackageChangedEvent } from "../formats/types";
import { type IndexBuilder, indexBuilderOf } from "./index-builder";
import type { PackageWriter } from "./package-source";
import type { Repository } from "./model";

export type WriteOrigin = "format" | "api" | "cleanup";

export async function afterPackageChange(
  event: PackageChangedEvent,
  writer: PackageWriter,
  indexBuilders: DurableObjectNamespace<IndexBuilder> | undefined,
): Promise<void> {
  const format = findFormat(event.repository.format);
  await format?.hooks?.onPackageChanged?.(event, writer);
  if (format?.indexes?.length && indexBuilders) {
    await indexBuilderOf(indexBuilders, event.repository.id).schedule(event.repository.id);
  }
}

/**
 * After a virtual repository was created or its members changed: formats whose virtual
 * indexes are stored documents (IndexSpec.virtual) rebuild them before the call answers, so
 * the next read sees the new members and no reader ever builds one.
 */
export async function afterMembersChanged(repository: Repository, indexBuilders: DurableObjectNamespace<IndexBuilder>): Promise<void> {
  if (repository.kind !== "virtual" || !findFormat(repository.format)?.indexes?.some((spec) => spec.virtual)) return;
  await indexBuilderOf(indexBuilders, repository.id).buildNow(repository.id);
}
