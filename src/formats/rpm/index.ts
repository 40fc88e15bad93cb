/**
 * RPM (dnf, yum, zypper) repositories at `/rpm/{repo}/` with optional groups: `.rpm` upload
 * and delete, repodata (primary, filelists, other, repomd.xml signed with the repository's
 * OpenPGP key) rebuilt by the IndexBuilder as one generation after writes settle, .repo
 * files; remote mirrors of an upstream tree (signatures passed through); virtual repositories
 * have their own generation, merged by the IndexBuilder from their hosted members' and
 * re-signed with their own key. docs/formats/rpm.md.
 */
import { openpgpKind } from "../../signing/openpgp";
import type { FormatModule, IndexSpec } from "../types";
import { rpmErrorResponse } from "./errors";
import { buildGeneration, GENERATION_INDEX } from "./generation";
import { rpmProxy } from "./proxy";
import { rpmRoutes } from "./routes";
import { buildVirtualGeneration } from "./virtual";

/** One generation document; a virtual's is merged from its hosted members' (built by the IndexBuilder, never on a read). */
export const rpmIndexes: readonly IndexSpec[] = [
  {
    name: GENERATION_INDEX,
    contentType: "application/json",
    virtual: true,
    build: async (reader, context) => JSON.stringify(await (reader.repository.kind === "virtual" ? buildVirtualGeneration : buildGeneration)(reader, context)),
  },
];

export const rpmFormat: FormatModule = {
  name: "rpm",
  routes: rpmRoutes,
  errorResponse: rpmErrorResponse,
  proxy: rpmProxy,
  indexes: rpmIndexes,
  signingKeys: [openpgpKind],
};
