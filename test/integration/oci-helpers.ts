/** Helpers for OCI integration tests: blobs, manifests and pushes through the Worker's fetch. */
import { expect } from "vitest";
import { call, sha256 } from "../helpers/client";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const digestOf = async (data: Uint8Array): Promise<string> => `sha256:${await sha256(data)}`;

/** Monolithic blob push (`POST ?digest=`); returns the digest. */
export async function pushBlob(path: string, data: Uint8Array, token?: string | null): Promise<string> {
  const digest = await digestOf(data);
  const res = await call(`/v2/${path}/blobs/uploads/?digest=${digest}`, { method: "POST", body: data, token, headers: { "Content-Type": "application/octet-stream" } });
  expect(res.status, await res.clone().text()).toBe(201);
  return digest;
}

export interface Image {
  manifest: Uint8Array;
  digest: string;
  config: Uint8Array;
  layers: Uint8Array[];
}

export async function imageManifest(config: Uint8Array, layers: Uint8Array[], extra: Record<string, unknown> = {}): Promise<Uint8Array> {
  const descriptor = async (mediaType: string, data: Uint8Array) => ({ mediaType, digest: await digestOf(data), size: data.byteLength });
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: await descriptor("application/vnd.oci.image.config.v1+json", config),
    layers: await Promise.all(layers.map((l) => descriptor("application/vnd.oci.image.layer.v1.tar+gzip", l))),
    ...extra,
  };
  return text(JSON.stringify(body));
}

/** Pushes config, layers and the manifest under `reference`. */
export async function pushImage(path: string, reference: string, seed: string, token?: string | null, extra: Record<string, unknown> = {}): Promise<Image> {
  const config = text(JSON.stringify({ architecture: "amd64", os: "linux", seed }));
  const layers = [text(`layer one of ${seed}`), text(`layer two of ${seed}`)];
  for (const blob of [config, ...layers]) await pushBlob(path, blob, token);
  const manifest = await imageManifest(config, layers, extra);
  const res = await putManifest(path, reference, manifest, token);
  expect(res.status, await res.clone().text()).toBe(201);
  return { manifest, digest: await digestOf(manifest), config, layers };
}

export function putManifest(path: string, reference: string, manifest: Uint8Array, token?: string | null, contentType = OCI_MANIFEST): Promise<Response> {
  return call(`/v2/${path}/manifests/${reference}`, { method: "PUT", body: manifest, token, headers: { "Content-Type": contentType } });
}

export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { errors: { code: string }[] };
  return body.errors[0]?.code ?? "";
}
