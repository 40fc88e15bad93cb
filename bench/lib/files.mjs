// Large random files and their sha256, shared by the benches.
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";

const MiB = 1024 * 1024;

/** Writes `size` random bytes to `path` and returns their sha256 (hex). */
export async function writeRandomFile(path, size) {
  const hash = createHash("sha256");
  const out = createWriteStream(path);
  for (let written = 0; written < size; ) {
    const chunk = randomBytes(Math.min(MiB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, "drain");
    written += chunk.length;
  }
  out.end();
  await once(out, "finish");
  return hash.digest("hex");
}

export async function sha256File(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}
