// Timestamps used in maven-metadata.xml, always UTC: `lastUpdated`/`updated` are yyyyMMddHHmmss,
// a snapshot's `timestamp` (and the timestamped file version) is yyyyMMdd.HHmmss.
// Spec: https://maven.apache.org/ref/3.9.6/maven-repository-metadata/repository-metadata.html

const LAST_UPDATED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const SNAPSHOT_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})(\d{2})$/;

/** Digits of a UTC date: yyyy, MM, dd, HH, mm, ss. Throws RangeError outside years 0000-9999. */
function utcParts(ms: number): [string, string, string, string, string, string] {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`cannot format ${ms} as a Maven timestamp`);
  }
  const two = (n: number): string => String(n).padStart(2, "0");
  return [
    String(year).padStart(4, "0"),
    two(date.getUTCMonth() + 1),
    two(date.getUTCDate()),
    two(date.getUTCHours()),
    two(date.getUTCMinutes()),
    two(date.getUTCSeconds()),
  ];
}

/** Epoch milliseconds -> "yyyyMMddHHmmss" (UTC), the `lastUpdated` / `updated` format. */
export function formatMavenTimestamp(ms: number): string {
  return utcParts(ms).join("");
}

/** Epoch milliseconds -> "yyyyMMdd.HHmmss" (UTC), the snapshot `timestamp` format. */
export function formatSnapshotTimestamp(ms: number): string {
  const [y, mo, d, h, mi, s] = utcParts(ms);
  return `${y}${mo}${d}.${h}${mi}${s}`;
}

function toMs(match: RegExpExecArray | null): number | undefined {
  if (match === null) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number);
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  if (h === undefined || mi === undefined || s === undefined) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  const ms = date.getTime();
  // Reject rolled-over dates such as month 13 or 25:00.
  return formatMavenTimestamp(ms) === match.slice(1, 7).join("") ? ms : undefined;
}

/** "yyyyMMddHHmmss" -> epoch milliseconds, or undefined if malformed. */
export function parseMavenTimestamp(value: string): number | undefined {
  return toMs(LAST_UPDATED.exec(value));
}

/** "yyyyMMdd.HHmmss" -> epoch milliseconds, or undefined if malformed. */
export function parseSnapshotTimestamp(value: string): number | undefined {
  return toMs(SNAPSHOT_TIMESTAMP.exec(value));
}
