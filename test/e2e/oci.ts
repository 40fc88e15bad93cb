/**
 * Test infrastructure for the OCI suites, no tests: the Go tools' gate, a private OCI
 * repository with a writer (password and API token), and OCI image layouts built on disk
 * (random, incompressible layers) for skopeo to push.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { apiOk, isCI, type Registry } from "./harness.ts";
import { ociTools } from "./clients/oci.ts";

/** Skips (outside CI) or fails (in CI) when a Go-built tool is missing. */
export function ociToolGate(name: keyof ReturnType<typeof ociTools>): { path: string; skip: boolean; assertAvailable(): void } {
  const path = ociTools()[name];
  const available = existsSync(path);
  return {
    path,
    skip: !available && !isCI(),
    assertAvailable() {
      if (!available) throw new Error(`${path} is missing (required in CI; test/e2e/clients/oci.ts builds it)`);
    },
  };
}

export interface OciAccount {
  repo: string;
  user: string;
  password: string;
  token: string;
  /** `127.0.0.1:PORT`, how clients name the registry. */
  host: string;
}

/** A private hosted OCI repository and a user with write on it (password and an API token). */
export async function ociAccount(registry: Registry, repo: string): Promise<OciAccount> {
  await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: repo, format: "oci", kind: "hosted", visibility: "private" } });
  const user = `${repo}-user`;
  const password = `${repo}-password-${randomBytes(6).toString("hex")}`;
  await apiOk(registry, 201, "/users", { method: "POST", body: { name: user, password } });
  await apiOk(registry, 200, `/users/${user}/grants`, { method: "PUT", body: { grants: [{ repository: repo, role: "write" }] } });
  const { token } = await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: `${repo}-token`, scopes: ["write"], user } });
  return { repo, user, password, token, host: new URL(registry.baseUrl).host };
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** A ustar archive of one regular file (what a layer is). */
export function tarOf(name: string, content: Uint8Array): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${content.byteLength.toString(8).padStart(11, "0")}\0`, 124);
  header.write(`${Math.floor(Date.UTC(2026, 0, 1) / 1000).toString(8).padStart(11, "0")}\0`, 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const padding = (512 - (content.byteLength % 512)) % 512;
  return Buffer.concat([header, Buffer.from(content), Buffer.alloc(padding + 1024)]);
}

export interface Layout {
  dir: string;
  manifestDigest: string;
  layerDigests: string[];
}

/**
 * An OCI image layout (`oci:DIR:TAG` for skopeo) with gzipped tar layers of random files of
 * the given sizes (gzip level 1: random bytes do not shrink; skopeo keeps compressed layers
 * as they are, while it would compress uncompressed ones on copy and change their digests).
 */
export async function imageLayout(dir: string, tag: string, layerSizes: number[]): Promise<Layout> {
  const blobs = join(dir, "blobs", "sha256");
  await mkdir(blobs, { recursive: true });
  const put = async (data: Uint8Array) => {
    const hex = sha256(data);
    await writeFile(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.byteLength };
  };
  const layers = [];
  const diffIds = [];
  for (const [i, size] of layerSizes.entries()) {
    const tar = tarOf(`file-${i}.bin`, randomBytes(size));
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...(await put(gzipSync(tar, { level: 1 }))) });
    diffIds.push(`sha256:${sha256(tar)}`);
  }
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: diffIds } }));
  const configDesc = { mediaType: "application/vnd.oci.image.config.v1+json", ...(await put(config)) };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: configDesc, layers }));
  const manifestDesc = await put(manifest);
  const index = { schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifestDesc, annotations: { "org.opencontainers.image.ref.name": tag } }] };
  await writeFile(join(dir, "index.json"), JSON.stringify(index));
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return { dir, manifestDigest: manifestDesc.digest, layerDigests: layers.map((l) => l.digest) };
}
