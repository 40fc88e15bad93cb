/**
 * npm's write hook: whoever removes versions (npm unpublish, the management API, a cleanup
 * policy), dist-tags never name a missing version and `latest` moves to the highest
 * remaining release (else prerelease), as npm unpublish does; a removal made outside npm
 * also advances the package's `_rev`/`modified`, so clients holding the old packument get
 * a 409 instead of undoing it. npm's own routes already fix tags in the same batch, so for
 * them this finds nothing to do. Packuments need no hook: they are derived documents keyed
 * on the package revision, which every write bumps.
 */
import type { FormatHooks } from "../types";
import { tagsAfterRemoval, tagPropertyChanges } from "./dist-tags";
import { loadState, saveState } from "./state";

export const npmHooks: FormatHooks = {
  async onPackageChanged(event, writer) {
    if (event.change !== "version-removed" && event.change !== "file-removed") return;
    if (event.revisions.package === null) return;
    await writer.withPackageLock(event.lowerName, async () => {
      const state = await loadState(writer, event.lowerName);
      if (!state) return;
      const remaining = (await writer.listVersionRows(state.pkg.id)).map((v) => v.version);
      if (remaining.length === 0) return;
      const present = new Set(remaining);
      const missing = new Set(Object.values(state.tags).filter((v) => !present.has(v)));
      const tags = tagsAfterRemoval(state.tags, missing, remaining);
      const tagsChanged = tagPropertyChanges(state.tags, tags).length > 0;
      if (!tagsChanged && event.origin === "format") return;
      await saveState(writer, state, tagsChanged ? { tags } : {});
    });
  },
};
