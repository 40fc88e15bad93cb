// Shared by the npm-*.test.ts files: publish documents shaped like libnpmpublish's
// (npm 11), and small request helpers for /npm/{repo}/.
import { call } from "../helpers/client";

export function toBase64(bytes: Uint8Array): string {
  let out = "";
  // 3-byte multiples so the pieces concatenate into one valid base64 string.
  for (let i = 0; i < bytes.length; i += 3 * 8192) {
    let binary = "";
    const end = Math.min(i + 3 * 8192, bytes.length);
    for (let j = i; j < end; j++) binary += String.fromCharCode(bytes[j] ?? 0);
    out += btoa(binary);
  }
  return out;
}

export async function digestHex(algorithm: "SHA-1" | "SHA-512", bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function integrityOf(bytes: Uint8Array): Promise<string> {
  return `sha512-${toBase64(new Uint8Array(await crypto.subtle.digest("SHA-512", bytes)))}`;
}

/** `@scope/name` → `@scope%2fname` (npm's escapedName). */
export const escaped = (name: string): string => name.replace("/", "%2f");

export const basename = (name: string): string => (name.startsWith("@") ? name.slice(name.indexOf("/") + 1) : name);

export interface PublishOptions {
  tag?: string;
  integrity?: string;
  shasum?: string;
  readme?: string;
  manifest?: Record<string, unknown>;
  length?: number;
}

/** The JSON body `npm publish` sends. */
export async function publishBody(name: string, version: string, tarball: Uint8Array, options: PublishOptions = {}): Promise<string> {
  const file = `${name}-${version}.tgz`;
  const manifest = {
    name,
    version,
    description: `${name} test package`,
    main: "index.js",
    _id: `${name}@${version}`,
    _nodeVersion: "24.0.0",
    _npmVersion: "11.0.0",
    ...(options.readme === undefined ? {} : { readme: options.readme }),
    ...options.manifest,
    dist: {
      integrity: options.integrity ?? (await integrityOf(tarball)),
      shasum: options.shasum ?? (await digestHex("SHA-1", tarball)),
      tarball: `http://registry.test/npm/x/${name}/-/${file}`,
    },
  };
  return JSON.stringify({
    _id: name,
    name,
    description: manifest.description,
    "dist-tags": { [options.tag ?? "latest"]: version },
    versions: { [version]: manifest },
    access: null,
    _attachments: { [file]: { content_type: "application/octet-stream", data: toBase64(tarball), length: options.length ?? tarball.length } },
  });
}

export async function publish(repo: string, name: string, version: string, tarball: Uint8Array, options: PublishOptions & { token?: string | null } = {}): Promise<Response> {
  const body = await publishBody(name, version, tarball, options);
  return call(`/npm/${repo}/${escaped(name)}`, {
    method: "PUT",
    body,
    headers: { "Content-Type": "application/json" },
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}

export const ABBREVIATED = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

export async function packument(repo: string, name: string, accept = "application/json"): Promise<Record<string, unknown> & { versions: Record<string, Record<string, unknown>>; "dist-tags": Record<string, string>; _rev: string; time: Record<string, string> }> {
  const res = await call(`/npm/${repo}/${escaped(name)}`, { headers: { Accept: accept } });
  if (res.status !== 200) throw new Error(`packument ${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

export function putJson(path: string, body: unknown, token?: string | null): Promise<Response> {
  return call(path, { method: "PUT", body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, ...(token === undefined ? {} : { token }) });
}

/** A tarball-ish payload: deterministic bytes (the registry never opens tarballs). */
export function tarballBytes(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
