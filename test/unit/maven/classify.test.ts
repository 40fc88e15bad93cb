// Pure Maven path hooks: percent-decoding, validation into coordinates (RegistryError 400s),
// metadata/artifact classification for caching, the package key for shielding, and the
// plain-text error body with its Basic challenge.
import { describe, expect, it } from "vitest";
import { RegistryError } from "../../../src/errors";
import { classifyMavenPath, decodeMavenPath, mavenCoordinates, mavenPackageKey } from "../../../src/formats/maven/classify";
import { mavenErrorResponse } from "../../../src/formats/maven/errors";

describe("classifyMavenPath (percent-encoded paths)", () => {
  it.each([
    ["org/example/lib/maven-metadata.xml", "metadata"],
    ["org/example/lib/maven-metadata.xml.sha1", "metadata"],
    ["/org/example/lib/1.0-SNAPSHOT/maven-metadata.xml.md5", "metadata"],
    ["org/example/lib/1.0/lib-1.0.jar", "artifact"],
    ["org/example/lib/1.0/lib-1.0.pom.sha512", "artifact"],
    ["org/example/lib/1.0-SNAPSHOT/lib-1.0-20240101.120000-1-sources.jar", "artifact"],
    ["org/example/lib/1.0%2Bb/lib-1.0%2Bb.jar", "artifact"],
    ["org/example/lib/1.0/other-1.0.jar", null],
    ["org/example/lib/1.0/..%2Flib-1.0.jar", null],
    ["org/example/lib/1.0/lib-1.0.jar%ZZ", null],
    ["org/example/../lib/1.0/lib-1.0.jar", null],
    ["lib-1.0.jar", null],
    ["", null],
  ] as const)("%s → %s", (path, kind) => {
    expect(classifyMavenPath(path)).toBe(kind);
  });
});

describe("mavenPackageKey", () => {
  it("is groupId:artifactId lower-cased, as hosted repositories store package names", () => {
    expect(mavenPackageKey("org/Example/My-Lib/1.0/My-Lib-1.0.jar")).toBe("org.example:my-lib");
    expect(mavenPackageKey("com/acme/widget/maven-metadata.xml")).toBe("com.acme:widget");
    expect(mavenPackageKey("com/acme/widget/2.0-SNAPSHOT/maven-metadata.xml.sha1")).toBe("com.acme:widget");
    expect(mavenPackageKey("com/acme/widget/2.0/nope-2.0.jar")).toBeNull();
  });
});

describe("decodeMavenPath and mavenCoordinates", () => {
  it("decodes each segment once", () => {
    expect(decodeMavenPath("org/example/lib/1.0/lib-1.0%2Bx.jar")).toBe("org/example/lib/1.0/lib-1.0+x.jar");
  });

  it("rejects encoded slashes and malformed escapes with a 400", () => {
    for (const raw of ["org/example/lib/1.0/..%2Flib-1.0.jar", "org/example/lib/1.0/lib%ZZ.jar", "a%2fb"]) {
      expect(() => decodeMavenPath(raw), raw).toThrowError(RegistryError);
      try {
        decodeMavenPath(raw);
      } catch (error) {
        expect(error instanceof RegistryError && error.status).toBe(400);
      }
    }
  });

  it("turns every invalid path into a 400 with the parser's reason", () => {
    for (const path of ["org/example/lib/1.0/lib-2.0.jar", "org/ex ample/lib/1.0/lib-1.0.jar", "org/example/lib/1:0/lib-1:0.jar", "org/../lib/1.0/lib-1.0.jar"]) {
      let status = 0;
      try {
        mavenCoordinates(path);
      } catch (error) {
        if (error instanceof RegistryError) status = error.status;
      }
      expect(status, path).toBe(400);
    }
    expect(mavenCoordinates("org/example/lib/1.0/lib-1.0-tests.jar")).toMatchObject({ kind: "artifact", classifier: "tests", extension: "jar" });
  });
});

describe("mavenErrorResponse", () => {
  it("writes a short text/plain body, and a Basic challenge on 401", async () => {
    const res = mavenErrorResponse(new RegistryError("unauthorized", "authentication required"), "req-1");
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="Edge Registry"/);
    expect(await res.text()).toBe("401 authentication required\n");
  });

  it("hides internal details", async () => {
    const res = mavenErrorResponse(new RegistryError("internal", "db exploded at row 7"), "req-2");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("500 internal server error (request req-2)\n");
  });

  it("keeps extra headers such as Content-Range", () => {
    const res = mavenErrorResponse(new RegistryError("range_not_satisfiable", "bad range", { headers: { "Content-Range": "bytes */10" } }), "r");
    expect(res.headers.get("Content-Range")).toBe("bytes */10");
  });
});
