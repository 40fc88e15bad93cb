/**
 * A virtual repository's `APKINDEX.tar.gz` (the precomputed `alpine-apkindex` recipe): the
 * hosted members' APKINDEX texts for the same branch/repository/arch merged — in member
 * priority order, the first member listing a `{name}-{version}` wins — and signed with the
 * virtual repository's own key (apk trusts one key per repository line, as Artifact Registry
 * has a client trust the virtual's key). Provenance records which member serves each file.
 * Remote members are not merged: their upstream indexes are binary archives signed by the
 * upstream (serve them through the remote repository itself).
 */
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, MergedDocument, Provenance } from "../types";
import { parseApkIndex } from "./apkindex";
import { indexSigner } from "./keys";
import { hostedIndexes, indexOf } from "./repository-index";

export const VIRTUAL_RECIPE = "alpine-apkindex";

const placeOf = (params: Record<string, unknown>) => {
  const [branch = "", repository = "", arch = ""] = String(params.place).split("/");
  return { branch, repository, arch };
};

const recipe: DocumentRecipe = {
  precomputed: true,
  async hostedText(source, _target, params) {
    const stored = indexOf(await hostedIndexes(source), placeOf(params));
    const object = stored ? await source.readBlob(stored.text) : null;
    return object ? object.text() : null;
  },
  async merge(documents, params, _now, context): Promise<MergedDocument | null> {
    const hosted = documents.filter((d) => d.baseUrl === "" && d.contentType === null);
    if (hosted.length === 0 || !context) return null;
    const seen = new Set<string>();
    const provenance: Record<string, Provenance> = {};
    const stanzas: string[] = [];
    for (const document of hosted) {
      for (const stanza of parseApkIndex(document.text)) {
        const filename = `${stanza.name}-${stanza.version}.apk`;
        if (seen.has(filename)) continue;
        seen.add(filename);
        provenance[filename] = { member: document.member };
        stanzas.push(`${stanza.text}\n`);
      }
    }
    const signer = await indexSigner(await context.signingKeys(), String(params.repository));
    const bytes = await signer.sign(stanzas.join(""), `${String(params.repository)} ${String(params.place)}`);
    return { text: "", bytes, provenance };
  },
};
registerRecipe(VIRTUAL_RECIPE, recipe);
