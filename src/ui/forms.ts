/**
 * Pure translations from the admin forms' text fields to management API bodies. Anything
 * the API validates (names, URLs, TTLs, settings) is passed through unchanged for the API to
 * judge; these functions only split lines and words, and refuse what they cannot read.
 */

export class FormError extends Error {}

export interface MemberLine {
  repository: string;
  priority: number;
  include?: string[];
  exclude?: string[];
}

/**
 * One member per line, highest priority first: `name [priority=N] [include=a,b] [exclude=c]`.
 * Without `priority=`, the first line gets the highest priority (lines count down from 100).
 */
export function parseMembers(text: string): MemberLine[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  return lines.map((line, index) => {
    const [repository = "", ...options] = line.split(/\s+/);
    const member: MemberLine = { repository, priority: 100 - index };
    for (const option of options) {
      const eq = option.indexOf("=");
      const key = option.slice(0, eq);
      const value = option.slice(eq + 1);
      if (eq <= 0 || value === "") throw new FormError(`members line ${index + 1}: "${option}" is not key=value`);
      if (key === "priority") {
        if (!/^-?\d{1,4}$/.test(value)) throw new FormError(`members line ${index + 1}: priority must be an integer`);
        member.priority = Number(value);
      } else if (key === "include" || key === "exclude") member[key] = value.split(",").filter((v) => v !== "");
      else throw new FormError(`members line ${index + 1}: unknown option ${key} (priority, include, exclude)`);
    }
    return member;
  });
}

/** The members of a virtual repository back as form text. */
export function formatMembers(members: readonly { repository: string; priority: number; include: string[] | null; exclude: string[] | null }[]): string {
  return members
    .map((m) => [m.repository, `priority=${m.priority}`, ...(m.include ? [`include=${m.include.join(",")}`] : []), ...(m.exclude ? [`exclude=${m.exclude.join(",")}`] : [])].join(" "))
    .join("\n");
}

/** One grant per line: `pattern role` (e.g. `team-* write`). */
export function parseGrants(text: string): { repository: string; role: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((line, index) => {
      const [repository = "", role = "", extra] = line.split(/\s+/);
      if (!role || extra !== undefined) throw new FormError(`grants line ${index + 1}: write "repository-or-pattern role", e.g. "team-* write"`);
      return { repository, role };
    });
}

/** An optional JSON object field (settings); empty means "not given". */
export function parseJsonObject(text: string, field: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FormError(`${field}: not valid JSON`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new FormError(`${field}: must be a JSON object`);
  return value as Record<string, unknown>;
}

/** An optional whole number of seconds/milliseconds; empty means "not given". */
export function parseOptionalInt(text: string, field: string): number | undefined {
  if (text.trim() === "") return undefined;
  if (!/^\d{1,10}$/.test(text.trim())) throw new FormError(`${field}: must be a whole number`);
  return Number(text.trim());
}

/** Comma- or space-separated names; empty means "not given". */
export function parseNameList(text: string): string[] | undefined {
  const names = text.split(/[\s,]+/).filter((n) => n !== "");
  return names.length ? names : undefined;
}

/** Only same-site paths are followed after sign-in (no `//host`, no scheme). */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/";
}

/** The longest search term the UI passes on (the database matches substrings with instr(), no pattern limit). */
const MAX_SEARCH_CHARS = 200;

export function searchTerm(q: string | undefined): string {
  return [...(q ?? "").trim()].slice(0, MAX_SEARCH_CHARS).join("");
}
