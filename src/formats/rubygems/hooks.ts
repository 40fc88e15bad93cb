/**
 * RubyGems' write hook: after every change to a hosted gem (push, yank, a management-API
 * delete, a cleanup policy) the gem's `/info` document is stored for the new package
 * revision and `/versions`/`/names` are built now (the IndexBuilder serialises builds), so the
 * answer to `gem push`/`gem yank` comes after the compact index says so and `bundle install`
 * right after reads its write. Idempotent: it writes derived documents only.
 */
import type { FormatHooks } from "../types";
import { storeInfoDocument } from "./hosted-documents";
import { VERSIONS_INDEX } from "./repository-index";

export const rubygemsHooks: FormatHooks = {
  async onPackageChanged(event, writer) {
    if (event.revisions.package !== null) await storeInfoDocument(writer, event.lowerName, event.revisions.package);
    await writer.repositoryIndex(VERSIONS_INDEX);
  },
};
