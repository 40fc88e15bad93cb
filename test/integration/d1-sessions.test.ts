/**
 * D1 sessions (src/db/session.ts). Every request runs in a session. Local D1 gives real
 * bookmarks but has no replicas, so what a replica does is not observable here: the real
 * binding shows the header after a write and the isolate starting later reads there; a
 * stand-in for the platform's session object checks the browser cookie and that a forged
 * bookmark is never remembered for the isolate.
 */
import { describe, expect, it } from "vitest";
import { newerBookmark, openRequestSession, sessionStart } from "../../src/db/session";
import { call, createRepository } from "../helpers/client";

/** A D1 binding stand-in whose sessions report `bookmark` and record where they started. */
function platformWithBookmarks(bookmark: string): { d1: D1Database; starts: string[] } {
  const starts: string[] = [];
  const d1 = {
    withSession(start: string) {
      starts.push(start);
      return { prepare: () => null, batch: async () => [], getBookmark: () => bookmark };
    },
  } as unknown as D1Database;
  return { d1, starts };
}

describe("D1 sessions", () => {
  it("a write's response carries D1's bookmark; the next plain read in the isolate starts there", async () => {
    await createRepository({ name: "d1s-files", format: "generic", kind: "hosted", visibility: "public" });
    const put = await call("/generic/d1s-files/tool/1.0/a.txt", { method: "PUT", body: "hi" });
    expect(put.status).toBe(201);
    const written = put.headers.get("X-D1-Bookmark");
    expect(written).toMatch(/^[0-9a-f]{8}(-[0-9a-f]+)+$/);
    const read = await call("/generic/d1s-files/tool/1.0/a.txt", { token: null });
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("hi");
    expect(String(read.headers.get("X-D1-Bookmark")) >= String(written)).toBe(true);
    const withHeader = await call("/generic/d1s-files/tool/1.0/a.txt", { token: null, headers: { "X-D1-Bookmark": String(written) } });
    expect(withHeader.status).toBe(200);
    const junk = await call("/generic/d1s-files/tool/1.0/a.txt", { token: null, headers: { "X-D1-Bookmark": "'; DROP TABLE token; --" } });
    expect(junk.status).toBe(200);
  });

  it("with bookmarks: the response carries it, browsers get the cookie, the isolate remembers the newest", async () => {
    const { d1, starts } = platformWithBookmarks("00000005-0000000a");
    const api = openRequestSession(d1, new Request("http://x/npm/r/pkg", { method: "PUT" }));
    const answered = api.finish(new Request("http://x/npm/r/pkg"), new Response("ok"));
    expect(answered.headers.get("X-D1-Bookmark")).toBe("00000005-0000000a");
    expect(answered.headers.get("Set-Cookie")).toBeNull();

    const browserRequest = new Request("https://x/ui", { headers: { Cookie: "theme=dark" } });
    const browser = openRequestSession(d1, browserRequest).finish(browserRequest, new Response("page"));
    expect(browser.headers.get("Set-Cookie")).toBe("er_d1_bookmark=00000005-0000000a; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");

    // A later request in this isolate, carrying nothing, starts at least there (read-your-writes).
    openRequestSession(d1, new Request("http://x/npm/r/pkg"));
    expect(String(starts.at(-1)) >= "00000005-0000000a").toBe(true);

    // A forged bookmark anchors only its sender's session and is not remembered.
    const forged = new Request("http://x/npm/r/pkg", { headers: { "X-D1-Bookmark": "ffffffff-ffffffff" } });
    const { d1: echoing } = platformWithBookmarks("ffffffff-ffffffff");
    openRequestSession(echoing, forged).finish(forged, new Response("ok"));
    openRequestSession(d1, new Request("http://x/npm/r/pkg"));
    expect(starts.at(-1)).not.toBe("ffffffff-ffffffff");
  });

  it("starts from the newest of the caller's and the isolate's bookmarks, else by method", () => {
    const req = (headers: Record<string, string> = {}, method = "GET") => new Request("http://x/", { method, headers });
    expect(sessionStart(req(), null)).toBe("first-unconstrained");
    expect(sessionStart(req({}, "PUT"), null)).toBe("first-primary");
    expect(sessionStart(req({ "X-D1-Bookmark": "00000002-0001" }), "00000001-0009")).toBe("00000002-0001");
    expect(sessionStart(req({ "X-D1-Bookmark": "00000001-0001" }), "00000001-0009")).toBe("00000001-0009");
    expect(sessionStart(req({ Cookie: "a=b; er_d1_bookmark=00000003-0000" }), null)).toBe("00000003-0000");
    expect(sessionStart(req({ "X-D1-Bookmark": "not a bookmark!" }), null)).toBe("first-unconstrained");
    expect(newerBookmark(null, "a")).toBe("a");
    expect(newerBookmark("b", "a")).toBe("b");
  });
});
