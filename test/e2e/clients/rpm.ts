/**
 * e2e clients for RPM repositories (Debian bookworm's packages): `rpmbuild` (package `rpm`)
 * builds the fixtures, `dnf` 4.14 installs from a group into a temp `--installroot`, and
 * `zypper` 1.14 adds the repository and installs into a temp `--root`. The commands are what
 * the suite needs; versions are the ones bookworm ships.
 *
 * Only erasable TypeScript and node built-ins (run by scripts/ensure-e2e-clients.mjs under Node 24).
 */
import { ensureDebianClients } from "./support/debian.ts";

export const RPM_CLIENTS = { rpmbuild: "rpm", dnf: "dnf", zypper: "zypper" } as const;

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients(RPM_CLIENTS, log);
}
