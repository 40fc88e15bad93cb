// Composer 2 metadata minification, composer.json checks, and finding composer.json in a zip (pure).
import { describe, expect, it } from "vitest";
import { locateComposerJson, readArchiveComposerJson } from "../../../src/formats/composer/archive-manifest";
import { readComposerJson } from "../../../src/formats/composer/composer-json";
import { expandVersions, minifyVersions } from "../../../src/formats/composer/minify";
import { packageZip } from "../../helpers/composer-packages";

const encode = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const stream = (bytes: Uint8Array) => new Blob([bytes]).stream();

describe("minify / expand (composer/metadata-minifier)", () => {
  const full = [
    { name: "a/b", version: "2.0.0", require: { php: ">=8.1" }, license: ["MIT"] },
    { name: "a/b", version: "1.1.0", require: { php: ">=8.1" }, license: ["MIT"], "require-dev": { x: "*" } },
    { name: "a/b", version: "1.0.0", require: { php: ">=7.4" }, license: ["MIT"] },
  ];

  it("keeps only changes, marks removed keys __unset, and expands back to the same versions", () => {
    const minified = minifyVersions(full);
    expect(minified[0]).toEqual(full[0]);
    expect(minified[1]).toEqual({ version: "1.1.0", "require-dev": { x: "*" } });
    expect(minified[2]).toEqual({ version: "1.0.0", require: { php: ">=7.4" }, "require-dev": "__unset" });
    expect(expandVersions(minified)).toEqual(full);
  });
});

describe("readComposerJson", () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);

  it("builds the p2 entry: name, version from the query, normalised version, defaults, upload time", () => {
    const manifest = readComposerJson(encode({ name: "acme/tools", require: { php: ">=8" }, scripts: { test: "x" }, config: {} }), "v1.2", now);
    expect(manifest).toMatchObject({ name: "acme/tools", version: "v1.2", normalizedVersion: "1.2.0.0" });
    expect(manifest.entry).toEqual({ name: "acme/tools", version: "v1.2", version_normalized: "1.2.0.0", type: "library", require: { php: ">=8" }, time: "2026-01-02T03:04:05+00:00" });
  });

  it("takes the version from composer.json, and accepts the same version in the query", () => {
    expect(readComposerJson(encode({ name: "acme/tools", version: "2.0.0" }), undefined, now).version).toBe("2.0.0");
    expect(readComposerJson(encode({ name: "acme/tools", version: "2.0.0" }), "v2.0.0", now).normalizedVersion).toBe("2.0.0.0");
  });

  it.each([
    [{ name: "acme/tools", version: "1.0.0" }, "1.0.1", "version mismatch"],
    [{ name: "acme/tools" }, undefined, "no version"],
    [{ name: "acme/tools" }, "banana", "invalid version"],
    [{ name: "Acme/Tools", version: "1.0.0" }, undefined, "upper case"],
    [{ name: "acme", version: "1.0.0" }, undefined, "not a valid package name"],
    [{ version: "1.0.0" }, undefined, 'no "name"'],
    [{ name: "acme/tools", version: 1 }, undefined, "not a string"],
    ["[1,2]", "1.0.0", "not a JSON object"],
    ["{nope", "1.0.0", "not valid JSON"],
  ])("refuses %j (query %s): %s", (json, query, message) => {
    expect(() => readComposerJson(encode(json), query, now)).toThrow(message);
  });
});

describe("composer.json in the archive", () => {
  it("finds it at the root, or in the only top-level folder (macOS forks ignored)", () => {
    expect(locateComposerJson(["composer.json", "src/A.php", "x/composer.json"])).toEqual({ name: "composer.json" });
    expect(locateComposerJson(["acme-tools-abc/", "acme-tools-abc/composer.json", "__MACOSX/acme-tools-abc/._composer.json"])).toEqual({ name: "acme-tools-abc/composer.json" });
    expect(locateComposerJson(["a/composer.json", "b/composer.json"])).toHaveProperty("problem", expect.stringContaining("more than one top-level entry"));
    expect(locateComposerJson(["README.md", "src/A.php"])).toHaveProperty("problem", expect.stringContaining("more than one top-level entry"));
    expect(locateComposerJson(["only/src/A.php"])).toHaveProperty("problem", expect.stringContaining("no composer.json found"));
  });

  it("reads it from a streamed zip", async () => {
    const root = await readArchiveComposerJson(stream(packageZip("acme/tools", { manifest: { version: "1.0.0" } })));
    expect(JSON.parse(new TextDecoder().decode(root))).toMatchObject({ name: "acme/tools", version: "1.0.0" });
    const nested = await readArchiveComposerJson(stream(packageZip("acme/tools", { folder: "acme-tools-1a2b3c" })));
    expect(JSON.parse(new TextDecoder().decode(nested))).toMatchObject({ name: "acme/tools" });
  });

  it("refuses a zip without composer.json, a truncated zip and bytes that are no zip", async () => {
    await expect(readArchiveComposerJson(stream(packageZip("acme/tools", { manifest: null, files: { "src/A.php": "<?php" } })))).rejects.toThrow("no composer.json found");
    const zip = packageZip("acme/tools");
    await expect(readArchiveComposerJson(stream(zip.slice(0, zip.length - 30)))).rejects.toThrow("invalid package archive");
    await expect(readArchiveComposerJson(stream(encode("this is not a zip at all")))).rejects.toThrow("not a zip archive");
    await expect(readArchiveComposerJson(stream(new Uint8Array(0)))).rejects.toThrow("empty");
  });
});
