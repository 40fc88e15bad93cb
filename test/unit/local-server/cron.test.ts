import { describe, expect, it } from "vitest";
import { nextFireTime, parseCron } from "../../../scripts/lib/cron.mjs";

const next = (expression: string, after: string) => nextFireTime(parseCron(expression), new Date(after)).toISOString();

describe("cron schedule of the local server (UTC, as Cloudflare's triggers)", () => {
  it("fires the wrangler.toml hourly trigger at minute 17 of the next hour", () => {
    expect(next("17 * * * *", "2026-12-01T10:17:00Z")).toBe("2026-12-01T11:17:00.000Z");
    expect(next("17 * * * *", "2026-12-01T10:16:59Z")).toBe("2026-12-01T10:17:00.000Z");
    expect(next("* * * * *", "2026-12-31T23:59:30Z")).toBe("2027-01-01T00:00:00.000Z");
  });

  it("takes steps, ranges, lists and names", () => {
    expect(next("*/15 9-17 * * MON-FRI", "2026-12-04T17:50:00Z")).toBe("2026-12-07T09:00:00.000Z"); // Friday evening → Monday 09:00
    expect(next("0 0 1,15 * *", "2026-12-02T00:00:00Z")).toBe("2026-12-15T00:00:00.000Z");
    expect(next("30 4 * FEB *", "2026-12-01T00:00:00Z")).toBe("2027-02-01T04:30:00.000Z");
    expect(next("0 12 * * 7", "2026-12-01T00:00:00Z")).toBe("2026-12-06T12:00:00.000Z"); // 7 = Sunday
  });

  it("matches either day field when both are restricted (Vixie cron)", () => {
    // The 13th (a Sunday in December 2026) or any Friday: Friday the 4th comes first.
    expect(next("0 0 13 * FRI", "2026-12-01T00:00:00Z")).toBe("2026-12-04T00:00:00.000Z");
  });

  it("finds rare dates", () => {
    expect(next("0 0 29 2 *", "2026-12-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("refuses malformed expressions with the field named", () => {
    expect(() => parseCron("* * * *")).toThrow(/expected 5 fields/);
    expect(() => parseCron("60 * * * *")).toThrow(/minute 60 is outside 0-59/);
    expect(() => parseCron("* * * * FUNDAY")).toThrow(/not a valid day of week/);
    expect(() => parseCron("*/0 * * * *")).toThrow(/bad step/);
    expect(() => parseCron("0 0 31 2 *")).not.toThrow();
    expect(() => nextFireTime(parseCron("0 0 31 2 *"), new Date())).toThrow(/never fires/);
  });
});
