/**
 * Reads the `control` file out of a `.deb` (deb(5)) while the upload streams: an `ar`
 * archive whose first member is `debian-binary` ("2.0\n"), then `control.tar` — plain or
 * `.gz` (fflate), `.xz` (src/archive/xz.ts) or `.zst` (fzstd) — then `data.tar.*`, which is
 * never read. The control tarball is small; it is read whole (at most 16 MiB compressed,
 * 64 MiB decompressed), and reading stops there.
 */
import { gunzipSync } from "fflate";
import { decompress as unzstd } from "fzstd";
import { ByteReader } from "../../archive/byte-reader";
import { decompressXz } from "../../archive/xz";
import { RegistryError } from "../../errors";

const MAX_CONTROL_MEMBER = 16 * 1024 * 1024;
const MAX_CONTROL_TAR = 64 * 1024 * 1024;
const MAX_CONTROL_FILE = 1024 * 1024;

const invalid = (message: string) => new RegistryError("bad_request", `invalid .deb package: ${message}`);
const ascii = (bytes: Uint8Array): string => new TextDecoder("latin1").decode(bytes);

function decompressMember(name: string, data: Uint8Array): Uint8Array {
  try {
    if (name === "control.tar") return data;
    if (name === "control.tar.gz") return gunzipSync(data);
    if (name === "control.tar.xz") return decompressXz(data, MAX_CONTROL_TAR);
    if (name === "control.tar.zst") return unzstd(data);
  } catch (error) {
    throw invalid(`${name} does not decompress (${error instanceof Error ? error.message : String(error)})`);
  }
  throw invalid(`unsupported compression of the control archive: ${name}`);
}

const field = (header: Uint8Array, start: number, end: number): string => ascii(header.subarray(start, end)).replace(/\0.*$/, "").trim();

/** The first regular file named `control` (or `./control`) of a tar archive in memory. */
export function controlFromTar(tar: Uint8Array): Uint8Array | null {
  let pos = 0;
  let longName: string | null = null;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) return null;
    const sizeText = field(header, 124, 136);
    if (!/^[0-7]*$/.test(sizeText)) throw invalid("control archive has a bad tar header");
    const size = sizeText ? Number.parseInt(sizeText, 8) : 0;
    const type = String.fromCharCode(header[156] ?? 0);
    const body = pos + 512;
    if (body + size > tar.length) throw invalid("control archive is truncated");
    const prefix = field(header, 345, 500);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    if (type === "L") longName = ascii(tar.subarray(body, body + size)).replace(/\0.*$/s, "");
    else if (type === "x") longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(ascii(tar.subarray(body, body + size)))?.[1] ?? null;
    else if ((type === "0" || type === "\0") && name.replace(/^\.\//, "") === "control") {
      if (size > MAX_CONTROL_FILE) throw invalid("the control file is larger than 1 MiB");
      return tar.slice(body, body + size);
    }
    pos = body + Math.ceil(size / 512) * 512;
  }
  return null;
}

/** The control file's text, read from the start of a `.deb` stream (the rest is not read). */
export async function readDebControl(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const bytes = new ByteReader(reader, () => {}, () => invalid("the archive is truncated"));
  try {
    const magic = await bytes.read(8);
    if (!magic || ascii(magic) !== "!<arch>\n") throw invalid("not an ar archive (a .deb starts with !<arch>)");
    for (let index = 0; ; index++) {
      const header = await bytes.read(60);
      if (!header) throw invalid("no control.tar member");
      if (header[58] !== 0x60 || header[59] !== 0x0a) throw invalid("bad ar member header");
      const name = field(header, 0, 16).replace(/\/$/, "");
      const sizeText = field(header, 48, 58);
      if (!/^\d+$/.test(sizeText)) throw invalid("bad ar member size");
      const size = Number(sizeText);
      const padded = size + (size % 2);
      if (index === 0) {
        if (name !== "debian-binary") throw invalid("the first member is not debian-binary");
        const body = await bytes.read(padded);
        if (!body || !ascii(body.subarray(0, size)).startsWith("2.")) throw invalid("unsupported debian-binary version");
        continue;
      }
      if (name.startsWith("control.tar")) {
        if (size > MAX_CONTROL_MEMBER) throw invalid("control archive larger than 16 MiB");
        const body = await bytes.read(padded);
        if (!body) throw invalid("the archive is truncated");
        const control = controlFromTar(decompressMember(name, body.subarray(0, size)));
        if (!control) throw invalid("control file is missing from the control archive");
        return new TextDecoder().decode(control);
      }
      if (name.startsWith("data.tar")) throw invalid("data.tar comes before control.tar");
      await bytes.skip(padded);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
