// Cache-hit counters stay off the read path: a hit writes D1 only when the entry's last
// recorded hit is a minute old, and then adds every hit counted since.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HIT_FLUSH_MS } from "../../src/virtual/hit-counter";
import { createRemote, remoteSourceFor, useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const HOST = "https://upstream.test";

const counters = (repo: string) =>
  env.DB.prepare("SELECT hits, last_hit_at AS lastHitAt FROM cache_entry WHERE repository_id = (SELECT id FROM repository WHERE name = ?)")
    .bind(repo)
    .first<{ hits: number; lastHitAt: number | null }>();

describe("cache hit counters", () => {
  it("writes at most once per entry per minute, losing no hits counted in between", async () => {
    const repo = await createRemote((name) => `${HOST}/${name}/`);
    upstream.on(`${HOST}/${repo}/tool.bin`, () => new Response("tool"));
    const background: Promise<unknown>[] = [];
    const source = await remoteSourceFor(repo, background);
    const read = async () => {
      const hit = await source.get("tool.bin", "artifact");
      await Promise.all(background.splice(0));
      return hit?.cache;
    };

    expect(await read()).toBe("MISS");
    const first = await counters(repo);
    expect(first?.hits).toBe(1);
    for (let i = 0; i < 3; i++) expect(await read()).toBe("HIT");
    // Three hits within the minute: counted, not written.
    expect(await counters(repo)).toEqual(first);

    await env.DB.prepare("UPDATE cache_entry SET last_hit_at = last_hit_at - ? WHERE repository_id = (SELECT id FROM repository WHERE name = ?)")
      .bind(HIT_FLUSH_MS + 1000, repo)
      .run();
    expect(await read()).toBe("HIT");
    const flushed = await counters(repo);
    expect(flushed?.hits).toBe(5);
    expect(flushed?.lastHitAt).toBeGreaterThan(first?.lastHitAt ?? 0);
  });
});
