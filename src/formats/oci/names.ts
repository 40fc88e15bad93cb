/**
 * OCI distribution-spec v1.1 names, references and digests, and the paths built from them
 * (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests).
 * Our URL space is `/v2/{repo}/{name…}/…`: `{repo}` is the registry repository (the first path
 * segment), `{name…}` the image name inside it. Pure: no bindings.
 */
import { repositoryNamePattern } from "../../repositories/model";
import { OciError } from "./errors";

/** One path component of an image name (spec: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`). */
const componentPattern = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
/** Spec tag grammar. */
export const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Digests we store and verify: sha256 (the spec's required algorithm) and sha512. */
const digestPatterns = { sha256: /^sha256:[a-f0-9]{64}$/, sha512: /^sha512:[a-f0-9]{128}$/ } as const;
export type DigestAlgorithm = keyof typeof digestPatterns;
/** Any well-formed digest (spec grammar), to tell "unsupported algorithm" from garbage. */
const digestGrammar = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Longest image name we accept (repository + name stay below the spec's 255-character hint). */
const MAX_NAME_LENGTH = 255;

export function isValidImageName(name: string): boolean {
  if (name === "" || name.length > MAX_NAME_LENGTH) return false;
  return name.split("/").every((part) => componentPattern.test(part));
}

/** The full OCI repository name clients see: `{repo}/{name}`. */
export const fullName = (repo: string, name: string): string => `${repo}/${name}`;

export function isDigest(reference: string): boolean {
  return reference.includes(":");
}

/** Validates a digest: sha256 or sha512, else DIGEST_INVALID (400). */
export function parseDigest(text: string): string {
  if (digestPatterns.sha256.test(text) || digestPatterns.sha512.test(text)) return text;
  if (digestGrammar.test(text)) throw new OciError("DIGEST_INVALID", `unsupported digest ${text.slice(0, 200)}: sha256 and sha512 are accepted`);
  throw new OciError("DIGEST_INVALID", `invalid digest ${JSON.stringify(text.slice(0, 100))}`);
}

/** A manifest reference: a tag or a digest. */
export type Reference = { kind: "tag"; tag: string } | { kind: "digest"; digest: string };

export function parseReference(text: string): Reference {
  if (isDigest(text)) return { kind: "digest", digest: parseDigest(text) };
  if (!tagPattern.test(text)) throw new OciError("TAG_INVALID", `invalid tag ${JSON.stringify(text.slice(0, 130))}`);
  return { kind: "tag", tag: text };
}

/** The algorithm of a digest parseDigest accepted. */
export const algorithmOf = (digest: string): DigestAlgorithm => (digest.startsWith("sha512:") ? "sha512" : "sha256");

/** The blob-store expectation a client's digest states (`expectedSha256` / `expectedSha512`). */
export function expectedDigest(digest: string): { expectedSha256: string } | { expectedSha512: string } {
  const hex = digest.slice(digest.indexOf(":") + 1);
  return algorithmOf(digest) === "sha512" ? { expectedSha512: hex } : { expectedSha256: hex };
}

/** What a `/v2/…` path asks for. */
export type OciPath =
  | { kind: "base" }
  | { kind: "token" }
  | { kind: "catalog" }
  | { kind: "manifest"; repo: string; name: string; reference: string }
  | { kind: "blob"; repo: string; name: string; digest: string }
  | { kind: "uploads"; repo: string; name: string }
  | { kind: "upload"; repo: string; name: string; id: string }
  | { kind: "tags"; repo: string; name: string }
  | { kind: "referrers"; repo: string; name: string; digest: string };

export type NamedPath = Exclude<OciPath, { kind: "base" | "token" | "catalog" }>;

/**
 * Parses the path below `/v2/`. Endpoint suffixes are matched from the end, since image
 * names contain slashes. Null: no such endpoint (404). Invalid names are NAME_INVALID.
 */
export function parseOciPath(rest: string): OciPath | null {
  if (rest === "") return { kind: "base" };
  if (rest === "token") return { kind: "token" };
  if (rest === "_catalog") return { kind: "catalog" };
  const parts = rest.split("/");
  const tail = (n: number) => parts.slice(parts.length - n);
  const named = (suffix: number) => splitName(parts.slice(0, parts.length - suffix));
  const last = parts.at(-1) ?? "";
  const [a = "", b = ""] = tail(3);
  if (parts.length >= 5 && a === "blobs" && b === "uploads") {
    return last === "" ? { kind: "uploads", ...named(3) } : { kind: "upload", ...named(3), id: last };
  }
  const [x = "", y = ""] = tail(2);
  if (parts.length >= 4 && x === "blobs" && y === "uploads") return { kind: "uploads", ...named(2) };
  if (parts.length < 4) return null;
  if (x === "manifests") return { kind: "manifest", ...named(2), reference: y };
  if (x === "blobs") return { kind: "blob", ...named(2), digest: y };
  if (x === "tags" && y === "list") return { kind: "tags", ...named(2) };
  if (x === "referrers") return { kind: "referrers", ...named(2), digest: y };
  return null;
}

function splitName(parts: string[]): { repo: string; name: string } {
  const [repo = "", ...rest] = parts;
  const name = rest.join("/");
  if (!repositoryNamePattern.test(repo) || !isValidImageName(name)) {
    throw new OciError("NAME_INVALID", `invalid repository name ${JSON.stringify(parts.join("/").slice(0, 300))}`);
  }
  return { repo, name };
}
