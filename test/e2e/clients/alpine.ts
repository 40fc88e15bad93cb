/**
 * e2e clients for Alpine (test/e2e/alpine-http.test.ts): no `apk` is packaged for Debian
 * bookworm (apk-tools arrives in trixie), so the suite does what apk and abuild do with
 * Debian's own tools: GNU tar and gzip build the package streams, openssl signs them
 * (abuild-sign) and verifies the index signature (apk's RSA/SHA-1 check), curl uploads and downloads.
 */
import { ensureDebianClients } from "./support/debian.ts";

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients({ curl: "curl", openssl: "openssl", tar: "tar", gzip: "gzip", base64: "coreutils" }, log);
}
