// npm search with many words: D1 binds at most 100 parameters per statement, and each
// word used to take two (a 500 from 49 words on). Only the longest words filter in SQL
// now; every word is still checked on the candidates, so results stay exact.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRepository } from "../helpers/client";
import { publish, tarballBytes } from "./npm-helpers";

const R = "npm-search-limits";
const words = Array.from({ length: 120 }, (_, i) => `word${i}x`);

async function search(text: string): Promise<{ status: number; names: string[] }> {
  const res = await call(`/npm/${R}/-/v1/search?text=${encodeURIComponent(text)}&size=20`);
  if (res.status !== 200) return { status: res.status, names: [] };
  const body = (await res.json()) as { objects: { package: { name: string } }[] };
  return { status: 200, names: body.objects.map((o) => o.package.name) };
}

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
  expect((await publish(R, "many-words", "1.0.0", tarballBytes(10), { manifest: { description: words.join(" ") } })).status).toBe(201);
  expect((await publish(R, "few-words", "1.0.0", tarballBytes(11), { manifest: { description: words.slice(0, 10).join(" ") } })).status).toBe(201);
});

describe("npm search with many words", () => {
  it("answers 49, 50 and 120 words (all matching) with the package", async () => {
    for (const n of [49, 50, 120]) expect(await search(words.slice(0, n).join(" "))).toEqual({ status: 200, names: ["many-words"] });
  });

  it("a word longer than D1's 50-byte LIKE pattern limit answers (no 500)", async () => {
    expect(await search("y".repeat(120))).toEqual({ status: 200, names: [] });
    expect(await search(`${words[0]} ${"many-words".repeat(8)}`)).toEqual({ status: 200, names: [] });
  });

  it("every word still counts: one word beyond those filtered in SQL excludes a package", async () => {
    // "zq" is shorter than every other word, so it is one of those left to the in-memory check.
    expect(await search([...words.slice(0, 60), "zq"].join(" "))).toEqual({ status: 200, names: [] });
    expect(await search(words.slice(0, 10).join(" "))).toEqual({ status: 200, names: ["few-words", "many-words"].sort() });
  });
});
