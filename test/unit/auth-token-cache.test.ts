import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { cachedPrincipal, cacheGeneration, forgetCachedPrincipals, rememberPrincipal, tokenCacheSeconds } from "../../src/auth/token-cache";

const principal = (expiresAt: number | null = null): Principal => ({
  kind: "token",
  userId: 7,
  name: "alice",
  userIsAdmin: false,
  grants: [],
  token: { id: 1, name: "ci", scopes: new Set(["read"]), repositories: null, expiresAt },
});

describe("token cache", () => {
  it("keeps a principal for the TTL, then reads D1 again", () => {
    forgetCachedPrincipals();
    rememberPrincipal("h1", principal(), 10, cacheGeneration(), 1_000);
    expect(cachedPrincipal("h1", 10_999)?.name).toBe("alice");
    expect(cachedPrincipal("h1", 11_000)).toBeNull();
  });

  it("checks the token's own expiry on every use", () => {
    rememberPrincipal("h2", principal(5_000), 10, cacheGeneration(), 1_000);
    expect(cachedPrincipal("h2", 4_999)).not.toBeNull();
    expect(cachedPrincipal("h2", 5_000)).toBeNull();
  });

  it("a write clears everything, and a lookup that began before it caches nothing", () => {
    rememberPrincipal("h3", principal(), 10, cacheGeneration(), 1_000);
    const readAt = cacheGeneration(); // a lookup starts reading D1 …
    forgetCachedPrincipals(); // … a revocation lands meanwhile
    expect(cachedPrincipal("h3", 1_001)).toBeNull();
    rememberPrincipal("h4", principal(), 10, readAt, 1_002);
    expect(cachedPrincipal("h4", 1_003)).toBeNull();
  });

  it("a TTL of 0 caches nothing; bad settings fall back to the default", () => {
    rememberPrincipal("h5", principal(), 0, cacheGeneration(), 1_000);
    expect(cachedPrincipal("h5", 1_000)).toBeNull();
    expect(tokenCacheSeconds(undefined)).toBe(10);
    expect(tokenCacheSeconds("0")).toBe(0);
    expect(tokenCacheSeconds("2.5")).toBe(2.5);
    expect(tokenCacheSeconds("-1")).toBe(10);
    expect(tokenCacheSeconds("soon")).toBe(10);
  });

  it("holds at most 1000 principals, dropping the oldest", () => {
    forgetCachedPrincipals();
    for (let i = 0; i <= 1000; i++) rememberPrincipal(`k${i}`, principal(), 10, cacheGeneration(), 1_000);
    expect(cachedPrincipal("k0", 1_001)).toBeNull();
    expect(cachedPrincipal("k1", 1_001)).not.toBeNull();
    expect(cachedPrincipal("k1000", 1_001)).not.toBeNull();
  });
});
