/**
 * Streams a stored blob as an HTTP response: Content-Length, ETag (the sha256),
 * Content-Disposition, single byte ranges (RFC 9110 §14) with 206/416, conditional
 * GET (If-None-Match → 304) and HEAD without touching the object body.
 */
import type { BlobRow } from "../db/packages";
import { RegistryError } from "../errors";

export interface BlobResponseOptions {
  filename?: string;
  contentType?: string;
  /** Extra headers (X-Checksum-*, cache headers) added to every answer. */
  headers?: Record<string, string>;
  /**
   * The ETag: the blob's sha256 (default) or its MD5, quoted — what Bundler compares with
   * the MD5 of its own copy of a compact index file (after appending a ranged answer).
   */
  etag?: "sha256" | "md5";
  /**
   * Also send the whole representation's digest (RFC 9530 `Repr-Digest: sha-256=:…:`, and
   * the older `Digest: sha-256=…`), even on a 206: Bundler checks an appended copy with it.
   */
  representationDigest?: boolean;
  /** A range starting past the end gets the whole body (200), not a 416: a client's copy longer than the file means the file was rewritten. */
  wholeWhenUnsatisfiable?: boolean;
}

const base64OfHex = (hex: string): string => btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))));

interface ByteRange {
  offset: number;
  length: number;
}

/** Parses one `bytes=` range; multiple ranges are answered with the whole body (allowed by RFC 9110). */
export function parseRange(header: string | null, size: number): ByteRange | "whole" | "unsatisfiable" {
  if (!header) return "whole";
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return "whole";
  const [, startText = "", endText = ""] = match;
  if (startText === "" && endText === "") return "whole";
  if (startText === "") {
    const suffix = Number(endText);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(startText);
  if (start >= size) return "unsatisfiable";
  const end = endText === "" ? size - 1 : Math.min(Number(endText), size - 1);
  if (end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function blobResponse(
  request: Request,
  bucket: R2Bucket,
  blob: BlobRow,
  options: BlobResponseOptions = {},
): Promise<Response> {
  const etag = `"${options.etag === "md5" ? blob.md5 : blob.sha256}"`;
  const headers = new Headers(options.headers);
  if (options.representationDigest) {
    const digest = base64OfHex(blob.sha256);
    headers.set("Repr-Digest", `sha-256=:${digest}:`);
    headers.set("Digest", `sha-256=${digest}`);
  }
  headers.set("Content-Type", options.contentType ?? "application/octet-stream");
  headers.set("ETag", etag);
  headers.set("Accept-Ranges", "bytes");
  headers.set("Last-Modified", new Date(blob.createdAt).toUTCString());
  if (options.filename) headers.set("Content-Disposition", contentDisposition(options.filename));

  const ifNoneMatch = request.headers.get("If-None-Match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }

  // A Range is honoured only when If-Range (if sent) still names this blob.
  const ifRange = request.headers.get("If-Range");
  const rangeHeader = ifRange && ifRange !== etag ? null : request.headers.get("Range");
  const parsed = parseRange(rangeHeader, blob.size);
  const range = parsed === "unsatisfiable" && options.wholeWhenUnsatisfiable ? "whole" : parsed;
  if (range === "unsatisfiable") {
    throw new RegistryError("range_not_satisfiable", "requested range is not satisfiable", {
      headers: { "Content-Range": `bytes */${blob.size}` },
    });
  }
  const status = range === "whole" ? 200 : 206;
  const length = range === "whole" ? blob.size : range.length;
  headers.set("Content-Length", String(length));
  if (range !== "whole") headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${blob.size}`);
  if (request.method === "HEAD") return new Response(null, { status, headers });

  const object = await bucket.get(blob.r2Key, range === "whole" ? {} : { range });
  if (!object) throw new RegistryError("internal", `blob ${blob.sha256} is missing from storage`);
  return new Response(object.body, { status, headers });
}
