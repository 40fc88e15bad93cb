import { describe, expect, it } from "vitest";
import type { Repository } from "../../src/repositories/model";
import { cachedRepository, claimRefresh, forgetCachedRepositories, forgetRepository, rememberRepository, repositoryCacheGeneration, repositoryCacheSeconds } from "../../src/repositories/repository-cache";
import { readStamp } from "../../src/virtual/read-stamp";

const repository = (name: string, revision = 1): Repository => ({
  id: 1,
  name,
  format: "generic",
  kind: "hosted",
  visibility: "public",
  settings: {} as Repository["settings"],
  createdAt: 100,
  updatedAt: 200,
  revision,
});

describe("repository cache", () => {
  it("trusts a row for the TTL given at lookup, counted from when it was read", () => {
    forgetCachedRepositories();
    rememberRepository("r1", { repository: repository("r1"), members: [] }, repositoryCacheGeneration(), 1_000);
    expect(cachedRepository("r1", 1, 1_999)?.repository.name).toBe("r1");
    expect(cachedRepository("r1", 60, 1_999)?.repository.name).toBe("r1");
    expect(cachedRepository("r1", 1, 2_000)).toBeNull();
  });

  it("a write clears everything, and a lookup that began before it caches nothing", () => {
    rememberRepository("r2", { repository: repository("r2"), members: [] }, repositoryCacheGeneration(), 1_000);
    const readBegan = repositoryCacheGeneration(); // a lookup starts reading D1 …
    forgetCachedRepositories(); // … a write commits and forgets meanwhile
    expect(cachedRepository("r2", 10, 1_001)).toBeNull();
    rememberRepository("r3", { repository: repository("r3"), members: [] }, readBegan, 1_002);
    expect(cachedRepository("r3", 10, 1_003)).toBeNull();
  });

  it("a refresh is due past half the TTL and claimed once per read; a new read or a drop ends the claim", () => {
    forgetCachedRepositories();
    rememberRepository("r4", { repository: repository("r4"), members: [] }, repositoryCacheGeneration(), 1_000);
    expect(claimRefresh("r4", 1, 1_499)).toBe(false);
    expect(claimRefresh("r4", 1, 1_500)).toBe(true);
    expect(claimRefresh("r4", 1, 1_600)).toBe(false); // claimed already
    rememberRepository("r4", { repository: repository("r4", 2), members: [] }, repositoryCacheGeneration(), 1_700);
    expect(cachedRepository("r4", 1, 2_100)?.repository.revision).toBe(2); // the first read's TTL is over, the refresh's is not
    expect(claimRefresh("r4", 1, 2_200)).toBe(true);
    const readBegan = repositoryCacheGeneration();
    forgetCachedRepositories(); // a write meanwhile: the refresh's "gone" must not drop what came after
    rememberRepository("r4", { repository: repository("r4", 3), members: [] }, repositoryCacheGeneration(), 2_300);
    forgetRepository("r4", readBegan);
    expect(cachedRepository("r4", 1, 2_400)?.repository.revision).toBe(3);
    forgetRepository("r4", repositoryCacheGeneration());
    expect(cachedRepository("r4", 1, 2_400)).toBeNull();
    expect(claimRefresh("r4", 1, 2_400)).toBe(false);
  });

  it("bad settings fall back to the default of 1 s; 0 is off", () => {
    expect(repositoryCacheSeconds(undefined)).toBe(1);
    expect(repositoryCacheSeconds("0")).toBe(0);
    expect(repositoryCacheSeconds("0.5")).toBe(0.5);
    expect(repositoryCacheSeconds("-1")).toBe(1);
    expect(repositoryCacheSeconds("soon")).toBe(1);
  });
});

describe("read stamp", () => {
  it("moves with the revision, the row's update time, its identity and a virtual's member rules", () => {
    const base = readStamp(repository("a", 1), []);
    expect(readStamp(repository("a", 2), [])).not.toBe(base);
    expect(readStamp({ ...repository("a", 1), updatedAt: 201 }, [])).not.toBe(base);
    expect(readStamp({ ...repository("a", 1), createdAt: 101 }, [])).not.toBe(base);
    const member = { repository: repository("m", 5), priority: 0, include: null, exclude: null };
    const virtual = { ...repository("v"), id: 2, kind: "virtual" as const };
    const stamp = readStamp(virtual, [member]);
    expect(readStamp(virtual, [{ ...member, repository: repository("m", 6) }])).not.toBe(stamp);
    expect(readStamp(virtual, [{ ...member, exclude: ["secret-*"] }])).not.toBe(stamp);
    expect(readStamp(virtual, [{ ...member, priority: 3 }])).not.toBe(stamp);
  });
});
