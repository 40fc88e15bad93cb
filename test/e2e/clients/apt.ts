/**
 * e2e client: Debian's own apt (`apt-get`), `dpkg-deb` (builds the fixtures) and `gpgv`
 * (apt's signature check), the versions bookworm ships. The Debian suite runs apt in a temp
 * root (its own sources.list, state, cache and dpkg status) so the machine's apt is untouched.
 */
import { ensureDebianClients } from "./support/debian.ts";

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients({ "apt-get": "apt", "dpkg-deb": "dpkg", gpgv: "gpgv", curl: "curl" }, log);
}
