// `cargo publish` body framing and metadata validation, and the Cargo.toml check (pure).
import { describe, expect, it } from "vitest";
import { checkCrateManifest } from "../../../src/formats/cargo/publish";
import { parsePublishBody, parsePublishMetadata } from "../../../src/formats/cargo/publish-body";
import { RegistryError } from "../../../src/errors";
import { crate, gzip, publishBody, publishMetadata, tar } from "../../integration/cargo-fixtures";

function failure(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

async function asyncFailure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (error instanceof RegistryError) return error;
  throw new Error(`expected a RegistryError, got ${String(error)}`);
}

describe("publish body framing", () => {
  it("splits metadata and crate", async () => {
    const bytes = await crate("demo", "0.1.0");
    const parsed = parsePublishBody(publishBody(publishMetadata("demo", "0.1.0"), bytes));
    expect(parsed.metadata.name).toBe("demo");
    expect(parsed.metadata.vers).toBe("0.1.0");
    expect(parsed.crate).toEqual(bytes);
  });

  it("refuses truncated bodies and a wrong crate length", async () => {
    const bytes = await crate("demo", "0.1.0");
    const body = publishBody(publishMetadata("demo", "0.1.0"), bytes);
    expect(failure(() => parsePublishBody(body.subarray(0, 2))).message).toMatch(/ends before the metadata length/);
    expect(failure(() => parsePublishBody(body.subarray(0, 20))).message).toMatch(/ends inside the metadata/);
    expect(failure(() => parsePublishBody(body.subarray(0, body.length - 3))).message).toMatch(/the header says/);
    expect(failure(() => parsePublishBody(publishBody(publishMetadata("demo", "0.1.0"), bytes, bytes.length + 10))).message).toMatch(/the header says/);
    expect(failure(() => parsePublishBody(publishBody("{not json", bytes))).message).toMatch(/not JSON/);
  });
});

describe("publish metadata", () => {
  it("refuses bad names, versions and dependency shapes in cargo's words", () => {
    expect(failure(() => parsePublishMetadata(JSON.stringify(publishMetadata("9lives", "1.0.0")))).code).toBe("name_invalid");
    expect(failure(() => parsePublishMetadata(JSON.stringify(publishMetadata("demo", "1.0")))).message).toMatch(/SemVer/);
    expect(failure(() => parsePublishMetadata(JSON.stringify(publishMetadata("demo", "1.0.0", { deps: [{ name: "x" }] })))).message).toMatch(/no version_req/);
    expect(failure(() => parsePublishMetadata(JSON.stringify(publishMetadata("demo", "1.0.0", { deps: [{ name: "x", version_req: "1", kind: "weird" }] })))).message).toMatch(/unknown kind/);
    expect(failure(() => parsePublishMetadata(JSON.stringify(publishMetadata("demo", "1.0.0", { keywords: [1] })))).message).toMatch(/keywords/);
    expect(failure(() => parsePublishMetadata("[]")).message).toMatch(/JSON object/);
  });
});

describe("the crate's Cargo.toml", () => {
  it("must agree with the metadata's name and version", async () => {
    const metadata = parsePublishMetadata(JSON.stringify(publishMetadata("demo", "0.1.0")));
    await expect(checkCrateManifest(await crate("demo", "0.1.0"), metadata)).resolves.toBeUndefined();
    expect((await asyncFailure(checkCrateManifest(await crate("demo", "0.1.0", { manifestName: "other" }), metadata))).message).toMatch(/Cargo.toml says other 0.1.0, the publish metadata demo 0.1.0/);
    expect((await asyncFailure(checkCrateManifest(await crate("demo", "0.1.0", { manifestVersion: "0.2.0" }), metadata))).message).toMatch(/says demo 0.2.0/);
    expect((await asyncFailure(checkCrateManifest(await crate("demo", "0.1.0", { folder: "elsewhere" }), metadata))).message).toMatch(/has no demo-0.1.0\/Cargo.toml/);
    expect((await asyncFailure(checkCrateManifest(await crate("demo", "0.1.0", { manifest: "[package\nname=" }), metadata))).message).toMatch(/not valid TOML/);
    expect((await asyncFailure(checkCrateManifest(new TextEncoder().encode("this is not gzip"), metadata))).message).toMatch(/^invalid .crate file/);
    const plainTar = tar({ "demo-0.1.0/Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n' });
    expect((await asyncFailure(checkCrateManifest(plainTar, metadata))).message).toMatch(/^invalid .crate file/);
    await expect(checkCrateManifest(await gzip(plainTar), metadata)).resolves.toBeUndefined();
  });
});
