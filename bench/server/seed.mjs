// What bench/server's registries serve: generic files, a small npm package and a PyPI project in
// public/private hosted repositories, and the requests measured on them. Shared by run.mjs and
// compare.mjs.
import { createHash } from "node:crypto";

const { apiOk } = await import("../../test/e2e/harness.ts");
const { publishOverHttp } = await import("../../test/e2e/npm.ts");
const { uploadBody, wheel } = await import("../../test/integration/pypi-fixtures.ts");

export const SMALL_VERSIONS = ["1.0.0", "1.0.1", "1.1.0", "1.2.0", "2.0.0"];
export const PUBLIC_FILE = "/generic/bench-public/tool/1.0.0/file.bin";

/** The measured requests (`auth`: with the registry's admin token as Bearer). */
export const REQUESTS = [
  { name: "/healthz", path: "/healthz", auth: false },
  { name: "public 1 KiB file, anonymous", path: PUBLIC_FILE, auth: false },
  { name: "private 1 KiB file, Bearer token", path: "/generic/bench-private/tool/1.0.0/file.bin", auth: true },
  { name: "small hosted packument (5 versions)", path: "/npm/bench-npm/bench-small", auth: false },
  { name: "PyPI simple page (3 files)", path: "/pypi/bench-pypi/simple/bench-top/", auth: false },
];

/** Generic files, an npm package and a PyPI project in public/private hosted repositories. */
export async function seed(registry) {
  const token = registry.adminToken;
  const auth = { Authorization: `Bearer ${token}` };
  const body = "x".repeat(1024);
  for (const visibility of ["public", "private"]) {
    await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: `bench-${visibility}`, format: "generic", kind: "hosted", visibility } });
    const put = await fetch(`${registry.baseUrl}/generic/bench-${visibility}/tool/1.0.0/file.bin`, { method: "PUT", headers: auth, body });
    if (put.status !== 201) throw new Error(`seed upload: ${put.status}`);
  }
  await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: "bench-npm", format: "npm", kind: "hosted", visibility: "public" } });
  for (const version of SMALL_VERSIONS) await publishOverHttp(`${registry.baseUrl}/npm/bench-npm/`, token, { name: "bench-small", version });
  await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: "bench-pypi", format: "pypi", kind: "hosted", visibility: "public" } });
  for (const version of ["1.0", "1.1", "2.0"]) {
    const filename = `bench_top-${version}-py3-none-any.whl`;
    const content = wheel("bench-top", version);
    const digest = (algorithm) => createHash(algorithm).update(content).digest("hex");
    const fields = { ":action": "file_upload", protocol_version: "1", metadata_version: "2.1", name: "bench-top", version, filetype: "bdist_wheel", pyversion: "py3", md5_digest: digest("md5"), sha256_digest: digest("sha256") };
    const upload = uploadBody(fields, { filename, content });
    const res = await fetch(`${registry.baseUrl}/pypi/bench-pypi/`, { method: "POST", headers: { ...auth, "Content-Type": upload.contentType }, body: upload.body });
    if (res.status !== 200) throw new Error(`seed PyPI upload: ${res.status} ${await res.text()}`);
  }
}

