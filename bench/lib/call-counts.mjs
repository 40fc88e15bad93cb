// Binding calls per request, as the registry reports them when started with
// D1_ROUND_TRIPS_HEADER=1 to a request sending `X-Report-Calls: 1` (src/http/binding-calls.ts): D1 statements (and sequential round
// trips), R2 calls, Durable Object calls. One warm request after the measured run; shared by
// every bench/*/*.mjs that prints req/s or MiB/s.
import { request } from "node:http";

/** Vars to start the registry with so it reports the counts to requests that ask. */
export const CALL_COUNT_VARS = { D1_ROUND_TRIPS_HEADER: "1" };

/**
 * The request header that asks for them (src/http/binding-calls.ts): requests without it — the
 * measured load — run uncounted. `curl -H` takes REPORT_CALLS_CURL.
 */
export const REPORT_CALLS = ["X-Report-Calls", "1"];
export const REPORT_CALLS_CURL = ["-H", `${REPORT_CALLS[0]}: ${REPORT_CALLS[1]}`];

/**
 * Requests `url` once with exactly the given headers (`Name: value` or `Name=value`) (node:http, like autocannon:
 * no Accept or other headers added, so the answer is the one the measured run got) and
 * returns its counts, or null when the server does not report them.
 */
export function callCounts(url, headers = []) {
  // autocannon takes `Name: value` and `Name=value`; a header name contains neither.
  const split = (h) => h.search(/[:=]/);
  const parsed = { ...Object.fromEntries(headers.map((h) => [h.slice(0, split(h)).trim(), h.slice(split(h) + 1).trim()])), [REPORT_CALLS[0]]: REPORT_CALLS[1] };
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: parsed }, (res) => {
      res.resume();
      res.on("end", () => resolve(countsOf((name) => res.headers[name.toLowerCase()])));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The counts a response carries (`read(name)` gives a header's value or undefined), or null without them. */
function countsOf(read) {
  if (read("X-D1-Statements") === undefined) return null;
  return { d1: Number(read("X-D1-Statements")), roundTrips: Number(read("X-D1-Round-Trips")), r2: Number(read("X-R2-Calls")), do: Number(read("X-DO-Calls")) };
}

/**
 * The counts in a header dump (`curl -D FILE`): for requests a bench makes with curl, such as
 * an upload (a 100 Continue block before the final one is fine: the last value wins).
 */
export function countsFromHeaderDump(text) {
  const headers = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return countsOf((name) => headers[name.toLowerCase()]);
}

/** "D1 2 (1 rt) · R2 1 · DO 0", or "n/a" for a server without the counters. */
export function formatCalls(counts) {
  return counts ? `D1 ${counts.d1} (${counts.roundTrips} rt) · R2 ${counts.r2} · DO ${counts.do}` : "n/a";
}
