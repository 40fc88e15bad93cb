// Test helper: one entry of a plain tar held in memory (fixtures are small ustar files).
export function tarEntry(tar: Uint8Array, name: string): Uint8Array {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const entry = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, "");
    const size = Number.parseInt(new TextDecoder().decode(header.subarray(124, 136)).replace(/\0.*$/s, "").trim() || "0", 8);
    if (entry === name) return tar.subarray(offset + 512, offset + 512 + size);
    if (entry === "") break;
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} not in the tar`);
}
