/**
 * Per-member include/exclude rules of a virtual repository (Artifactory's include/exclude
 * patterns, Verdaccio's per-scope proxies): e.g. `@acme/*` only from the hosted member.
 * Globs over the format's package key: `*` is any run of characters, `?` one character,
 * matched whole and case-insensitively.
 */

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

export interface NameRules {
  include: readonly string[] | null;
  exclude: readonly string[] | null;
}

/** Whether a member may serve this package; paths with no package key are always allowed. */
export function memberServes(rules: NameRules, packageKey: string | null): boolean {
  if (packageKey === null) return true;
  if (rules.include && !rules.include.some((g) => globToRegExp(g).test(packageKey))) return false;
  if (rules.exclude?.some((g) => globToRegExp(g).test(packageKey))) return false;
  return true;
}
