// SNAPSHOT detection/conversion (Maven ArtifactUtils semantics) and the two UTC timestamp
// formats of maven-metadata.xml (yyyyMMddHHmmss and yyyyMMdd.HHmmss).
import { describe, expect, it } from "vitest";
import {
  isSnapshotVersion,
  parseTimestampedVersion,
  toSnapshotBaseVersion,
  toTimestampedVersion,
} from "../../../src/formats/maven/coordinates";
import {
  formatMavenTimestamp,
  formatSnapshotTimestamp,
  parseMavenTimestamp,
  parseSnapshotTimestamp,
} from "../../../src/formats/maven/metadata";

describe("isSnapshotVersion", () => {
  it.each(["1.0-SNAPSHOT", "1.0-snapshot", "1.0SNAPSHOT", "SNAPSHOT", "1.0-20240101.120000-3"])(
    "%s is a snapshot",
    (v) => expect(isSnapshotVersion(v)).toBe(true),
  );
  it.each(["1.0", "1.0-SNAPSHOT-1", "1.0-rc1", "1.0-20240101.12000-3", "1.0-20240101.120000", ""])(
    "%s is not a snapshot",
    (v) => expect(isSnapshotVersion(v)).toBe(false),
  );
});

describe("timestamped snapshot versions", () => {
  it("splits and rebuilds a timestamped version", () => {
    const parsed = parseTimestampedVersion("1.0-rc-1-20240101.120000-42");
    expect(parsed).toEqual({ base: "1.0-rc-1", stamp: { timestamp: "20240101.120000", buildNumber: 42 } });
    expect(toTimestampedVersion("1.0-rc-1-SNAPSHOT", { timestamp: "20240101.120000", buildNumber: 42 })).toBe(
      "1.0-rc-1-20240101.120000-42",
    );
  });

  it("converts to the base version (ArtifactUtils.toSnapshotVersion)", () => {
    expect(toSnapshotBaseVersion("1.0-20240101.120000-3")).toBe("1.0-SNAPSHOT");
    expect(toSnapshotBaseVersion("1.0-SNAPSHOT")).toBe("1.0-SNAPSHOT");
    expect(toSnapshotBaseVersion("1.0")).toBe("1.0");
  });

  it("rejects non-timestamped input", () => {
    expect(parseTimestampedVersion("1.0-SNAPSHOT")).toBeUndefined();
    expect(parseTimestampedVersion("-20240101.120000-3")).toBeUndefined();
    expect(parseTimestampedVersion("1.0-20240101.120000-99999999999999999999")).toBeUndefined();
    expect(() => toTimestampedVersion("1.0", { timestamp: "20240101.120000", buildNumber: 1 })).toThrow(RangeError);
  });
});

describe("Maven timestamps", () => {
  const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  it("formats UTC with zero padding and drops milliseconds", () => {
    expect(formatMavenTimestamp(ms)).toBe("20240102030405");
    expect(formatSnapshotTimestamp(ms)).toBe("20240102.030405");
    expect(formatMavenTimestamp(0)).toBe("19700101000000");
    expect(formatMavenTimestamp(Date.UTC(2024, 11, 31, 23, 59, 59))).toBe("20241231235959");
  });

  it("parses both formats back to whole seconds", () => {
    expect(parseMavenTimestamp("20240102030405")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseSnapshotTimestamp("20240102.030405")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    const yearOne = new Date("0001-01-01T00:00:00Z").getTime();
    expect(parseMavenTimestamp("00010101000000")).toBe(yearOne);
    expect(formatMavenTimestamp(yearOne)).toBe("00010101000000");
  });

  it.each(["", "2024010203040", "202401020304056", "20241302030405", "20240230000000", "20240102250000", "2024-01-02T03"])(
    "rejects malformed lastUpdated %j",
    (value) => expect(parseMavenTimestamp(value)).toBeUndefined(),
  );

  it("rejects malformed snapshot timestamps", () => {
    expect(parseSnapshotTimestamp("20240102030405")).toBeUndefined();
    expect(parseSnapshotTimestamp("20240102.036005")).toBeUndefined();
  });

  it("throws RangeError for times that cannot be formatted", () => {
    expect(() => formatMavenTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => formatMavenTimestamp(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => formatSnapshotTimestamp(Date.UTC(10000, 0, 1))).toThrow(RangeError);
    expect(() => formatMavenTimestamp(Date.UTC(-1, 0, 1))).toThrow(RangeError);
  });
});
