/**
 * e2e client: Composer (Debian bookworm's `composer` 2.5.5, on its `php-cli` 8.2) and
 * `unzip`, which Composer extracts dist archives with when PHP has no zip extension.
 *
 * `composerEnv(dir)` gives a run its own COMPOSER_HOME and cache under `dir` (nothing of the
 * machine's Composer setup is read), no interaction, no packagist.org (the suites' composer.json
 * disables it), and allows root (CI runs as root; Composer otherwise asks for confirmation).
 *
 * Only erasable TypeScript and node built-ins (run by scripts/ensure-e2e-clients.mjs under Node 24).
 */
import { join } from "node:path";
import { ensureDebianClients } from "./support/debian.ts";

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients({ composer: "composer", php: "php-cli", unzip: "unzip" }, log);
}

export function composerEnv(dir: string): Record<string, string> {
  return {
    COMPOSER_HOME: join(dir, "composer-home"),
    COMPOSER_CACHE_DIR: join(dir, "composer-cache"),
    COMPOSER_NO_INTERACTION: "1",
    COMPOSER_ALLOW_SUPERUSER: "1",
    COMPOSER_DISABLE_XDEBUG_WARN: "1",
    COMPOSER_NO_AUDIT: "1",
    // Messages on one line each (Symfony Console wraps at the terminal width).
    COLUMNS: "400",
  };
}
