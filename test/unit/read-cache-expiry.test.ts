// How long the warm read cache keeps an answer (src/virtual/read-cache.ts `keptUntil`) from
// the remote reads it recorded, and until when one fresh entry is served unchanged
// (src/virtual/freshness.ts `unchangedUntil`).
import { describe, expect, it } from "vitest";
import type { ServedRemote } from "../../src/repositories/source-context";
import { unchangedUntil } from "../../src/virtual/freshness";
import { keptUntil } from "../../src/virtual/read-cache";

const ttls = { metadataTtlSeconds: 300, artifactTtlSeconds: 0, negativeTtlSeconds: 60 };
const read = (kind: ServedRemote["kind"], sameUntil: number): ServedRemote => ({ kind, sameUntil, entry: null });

describe("unchangedUntil", () => {
  it("metadata until its validity period ends; a 404 entry until the negative period ends", () => {
    expect(unchangedUntil({ status: "ok", checkedAt: 1_000 }, ttls, "metadata")).toBe(301_000);
    expect(unchangedUntil({ status: "missing", checkedAt: 1_000 }, ttls, "metadata")).toBe(61_000);
  });

  it("an artifact never rechecked: for ever; one rechecked, and metadata never rechecked: not kept", () => {
    expect(unchangedUntil({ status: "ok", checkedAt: 1_000 }, ttls, "artifact")).toBe(Infinity);
    expect(unchangedUntil({ status: "ok", checkedAt: 1_000 }, { ...ttls, artifactTtlSeconds: 60 }, "artifact")).toBe(0);
    expect(unchangedUntil({ status: "ok", checkedAt: 1_000 }, { ...ttls, metadataTtlSeconds: 0 }, "metadata")).toBe(0);
  });
});

describe("keptUntil", () => {
  it("hosted answers (no remote member): while the stamp holds", () => {
    expect(keptUntil([], "metadata", false)).toBe(Infinity);
    expect(keptUntil([], undefined, false)).toBe(Infinity);
  });

  it("remote metadata: the earliest expiry of its reads; any unkeepable read keeps nothing", () => {
    expect(keptUntil([read("metadata", 5_000), read("metadata", 3_000)], "metadata", true)).toBe(3_000);
    expect(keptUntil([read("metadata", 5_000), read("metadata", 0)], "metadata", true)).toBe(0);
  });

  it("fail closed: no recorded read, or no bounded expiry, keeps nothing", () => {
    expect(keptUntil([], "metadata", true)).toBe(0);
    expect(keptUntil([], undefined, true)).toBe(0);
    expect(keptUntil([read("artifact", Infinity)], "metadata", true)).toBe(0);
  });

  it("artifacts: bounded by the artifacts served, not by the index metadata that chose the member", () => {
    expect(keptUntil([read("metadata", 3_000), read("artifact", Infinity)], "artifact", true)).toBe(Infinity);
    expect(keptUntil([read("artifact", 0)], "artifact", true)).toBe(0);
    expect(keptUntil([], "artifact", true)).toBe(Infinity);
  });
});
