/** e2e client: curl (Debian), used by the generic suites and herd-curl. */
import { ensureDebianClients } from "./support/debian.ts";

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients({ curl: "curl" }, log);
}
