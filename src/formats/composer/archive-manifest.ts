/**
 * Finding `composer.json` in an uploaded zip the way Composer finds it in an artifact
 * (Composer\Util\Zip::getComposerJson): at the root, or else inside the archive's only
 * top-level folder (GitHub's zipballs wrap everything in `{owner}-{repo}-{sha}/`); macOS
 * resource forks (`__MACOSX`) are ignored; several top-level entries and no root
 * composer.json is an invalid archive.
 */
import { RegistryError } from "../../errors";
import { scanZip } from "../../archive/zip-scan";

const LABEL = "invalid package archive";
const LIMITS = { label: LABEL, entry: "composer.json", maxEntryBytes: 1024 * 1024, maxRatio: 200, maxScanBytes: 0, maxWanted: 16 };
const CANDIDATE = /^(?:[^/]+\/)?composer\.json$/;

/** The entry name holding the package's composer.json, or an error message. */
export function locateComposerJson(names: readonly string[]): { name: string } | { problem: string } {
  if (names.includes("composer.json")) return { name: "composer.json" };
  const topLevel = new Set<string>();
  for (const name of names) {
    if (name.includes("__MACOSX")) continue;
    const trimmed = name.replace(/\/+$/, "");
    const slash = trimmed.indexOf("/");
    topLevel.add(slash < 0 ? (name.endsWith("/") ? `${trimmed}/` : trimmed) : `${trimmed.slice(0, slash)}/`);
    if (topLevel.size > 1) {
      return { problem: `no composer.json at the top level, and more than one top-level entry (${[...topLevel].slice(0, 5).join(", ")}): put composer.json at the root or in a single top-level folder` };
    }
  }
  const [only] = [...topLevel];
  if (only?.endsWith("/") && names.includes(`${only}composer.json`)) return { name: `${only}composer.json` };
  return { problem: "no composer.json found at the top level or within the topmost directory" };
}

/** Reads the whole archive stream and returns its composer.json bytes (400 when there is none or the zip is broken). */
export async function readArchiveComposerJson(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const scan = await scanZip(stream, CANDIDATE, LIMITS);
  const located = locateComposerJson(scan.names);
  if ("problem" in located) throw new RegistryError("bad_request", `${LABEL}: ${located.problem}`);
  const bytes = scan.entries.get(located.name);
  if (!bytes) throw new RegistryError("bad_request", `${LABEL}: ${located.name} could not be read`);
  return bytes;
}
