// The publish body splitter: attachment data located by a structural JSON scan, decoded
// from base64 in chunks, and the rest parsed as JSON.
import { describe, expect, it } from "vitest";
import { base64Extent, base64Stream, decodeBase64Chunks } from "../../../src/formats/npm/base64";
import { findAttachmentData, scanPublishBody } from "../../../src/formats/npm/publish-body";

const enc = (text: string) => new TextEncoder().encode(text);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
};

describe("base64", () => {
  it("decodes every tail length, padded and unpadded, in any chunk size", () => {
    for (let size = 0; size < 40; size++) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 37 + size) & 255);
      const padded = enc(b64(data));
      const unpadded = enc(b64(data).replace(/=+$/, ""));
      for (const text of [padded, unpadded]) {
        expect(base64Extent(text, 0, text.length).size).toBe(size);
        for (const chunk of [4, 8, 12, 1 << 20]) expect(concat([...decodeBase64Chunks(text, 0, text.length, chunk)])).toEqual(data);
      }
    }
  });

  it("rejects characters outside the alphabet, bad padding and impossible lengths", () => {
    for (const text of ["QUJD@A==", "QQ=A", "QUJDR", "Q===", "QU JD", "QUJD\\/A=="]) {
      const bytes = enc(text);
      expect(() => [...decodeBase64Chunks(bytes, 0, bytes.length)], text).toThrow(/base64/);
    }
  });

  it("streams chunk by chunk", async () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    const text = enc(b64(data));
    const chunks: Uint8Array[] = [];
    for await (const chunk of base64Stream(text, 0, text.length, 64)) chunks.push(chunk);
    expect(chunks.length).toBe(Math.ceil(text.length / 64));
    expect(concat(chunks)).toEqual(data);
  });
});

describe("scanPublishBody", () => {
  it("finds _attachments.{key}.data and parses the rest", () => {
    const body = JSON.stringify({
      _id: "p",
      versions: { "1.0.0": { data: "not this", _attachments: { x: { data: "nor this" } } } },
      readme: 'mentions "_attachments": {"data": "x"} in text',
      _attachments: { "p-1.0.0.tgz": { content_type: "application/octet-stream", data: "QUJD", length: 3 }, "p-1.0.0.sigstore": { data: "e30=" } },
    });
    const bytes = enc(body);
    const found = findAttachmentData(bytes);
    expect(found.map((f) => [f.key, new TextDecoder().decode(bytes.subarray(f.start, f.end))])).toEqual([
      ["p-1.0.0.tgz", "QUJD"],
      ["p-1.0.0.sigstore", "e30="],
    ]);
    const scanned = scanPublishBody(bytes);
    expect(scanned.document).toEqual({ ...(JSON.parse(body) as object), _attachments: { "p-1.0.0.tgz": { content_type: "application/octet-stream", data: "", length: 3 }, "p-1.0.0.sigstore": { data: "" } } });
  });

  it("handles escaped quotes, whitespace, keys with escapes and nested arrays", () => {
    const body = `{ "a" : [1, true, null, {"b": "q\\"uote\\\\"}], "_attach\\u006dents" :
      { "@s/p-1.0.0.tgz" : { "length": 3, "data" : "QUJD" } } }`;
    const scanned = scanPublishBody(enc(body));
    expect(scanned.attachments.map((a) => a.key)).toEqual(["@s/p-1.0.0.tgz"]);
    expect(scanned.document).toMatchObject({ a: [1, true, null, { b: 'q"uote\\' }], _attachments: { "@s/p-1.0.0.tgz": { data: "", length: 3 } } });
  });

  it("a document without attachments is just parsed", () => {
    expect(scanPublishBody(enc('{"versions":{}}'))).toEqual({ document: { versions: {} }, attachments: [] });
  });

  it("malformed JSON is a 400", () => {
    for (const body of ['{"a": "unterminated', "{not json}", '{"_attachments":{"x":{"data":"QUJD"}}']) {
      expect(() => scanPublishBody(enc(body)), body).toThrow(/not valid JSON/);
    }
  });
});
