/**
 * Pure pieces of a virtual's repodata merge (./virtual.ts): cutting a repodata XML document
 * into its `<package>` blocks and joining blocks of several members under one root element
 * with a fresh `packages` count.
 */
export const TYPES = ["primary", "filelists", "other"] as const;
const ROOTS = {
  primary: '<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"',
  filelists: '<filelists xmlns="http://linux.duke.edu/metadata/filelists"',
  other: '<otherdata xmlns="http://linux.duke.edu/metadata/other"',
} as const;
const CLOSE = { primary: "</metadata>", filelists: "</filelists>", other: "</otherdata>" } as const;

/** The `<package …>…</package>` blocks of a repodata XML document. */
export function packageBlocks(xml: string): string[] {
  return xml.match(/<package[\s>][\s\S]*?<\/package>\n?/g) ?? [];
}

export const pkgidOf = (block: string): string => /pkgid="([0-9a-f]+)"/.exec(block)?.[1] ?? /<checksum type="sha256" pkgid="YES">([0-9a-f]+)</.exec(block)?.[1] ?? "";
export const locationOf = (block: string): string => /<location href="([^"]+)"/.exec(block)?.[1] ?? "";

/**
 * Merges members' XML of one type (priority order); `keep` decides by pkgid, and a pkgid is
 * listed once (the same file in two members).
 */
export function mergeXml(type: (typeof TYPES)[number], documents: readonly string[], keep: (pkgid: string) => boolean): string {
  const seen = new Set<string>();
  const blocks = documents.flatMap(packageBlocks).filter((b) => {
    const id = pkgidOf(b);
    if (!keep(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${ROOTS[type]} packages="${blocks.length}">\n${blocks.join("")}${CLOSE[type]}\n`;
}

