// pathnameOf (src/http/request-path.ts) is `new URL(url).pathname` for the URLs a request carries.
import { describe, expect, it } from "vitest";
import { pathnameOf } from "../../../src/http/request-path";

describe("pathnameOf", () => {
  const urls = [
    "http://registry.test/",
    "http://registry.test",
    "http://127.0.0.1:8787/generic/repo/tool/1.0/file.bin",
    "https://registry.test:8443/npm/repo/@scope%2fpkg?write=true#x",
    "http://registry.test/pypi/repo/simple/a%20b/?q=/x#f/g",
    "http://registry.test/a/../b/./c",
    "http://registry.test/?only=query",
    "http://registry.test/#only-fragment",
    "http://[::1]:8080/v2/a/b/manifests/latest",
    "http://registry.test/café/ü?x",
  ];
  for (const raw of urls) {
    it(raw, () => {
      const serialized = new Request(raw).url; // what a request's url looks like
      expect(pathnameOf(serialized)).toBe(new URL(serialized).pathname);
    });
  }
});
