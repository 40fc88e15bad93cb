/**
 * Alpine (apk) repositories at `/alpine/{repo}/{branch}/{repository}/{arch}/`: `.apk` upload
 * with `.PKGINFO` parsed, `APKINDEX.tar.gz` per branch/repository/arch built by the
 * IndexBuilder and signed with the repository's RSA key, the public key served; remote
 * (upstream tree mirrored, its signatures passed through) and virtual (hosted members'
 * stored indexes merged and re-signed by the virtual's own IndexBuilder). docs/formats/alpine.md.
 */
import { rsaKind } from "../../signing/rsa";
import type { FormatModule } from "../types";
import { alpineErrorResponse } from "./errors";
import { alpineProxy } from "./proxy";
import { alpineIndexes } from "./repository-index";
import { alpineRoutes } from "./routes";

export const alpineFormat: FormatModule = {
  name: "alpine",
  routes: alpineRoutes,
  errorResponse: alpineErrorResponse,
  proxy: alpineProxy,
  indexes: alpineIndexes,
  signingKeys: [rsaKind],
};
