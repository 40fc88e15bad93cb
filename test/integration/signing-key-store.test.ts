// Per-repository signing keys (src/signing/key-store.ts) in workerd with real R2 and the
// KeyedLock: created on first use (concurrent first uses make one key), stored encrypted,
// bound to their repository and kind, rotated with the old key kept as retired, and signing
// with openpgp.js inside the Worker runtime.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { KeyKind } from "../../src/signing/key-kind";
import { SIGNING_KEY_PREFIX, SigningKeyStore } from "../../src/signing/key-store";
import { clearSign, detachedSign, openpgpKind, verifyClearSigned, verifyDetached } from "../../src/signing/openpgp";

const store = (id: number, secret: string | undefined = env.CREDENTIALS_KEY) =>
  new SigningKeyStore({ id, name: `keys-${id}` }, { bucket: env.BLOBS, secret, locks: env.LOCKS });

/** A kind that counts how often it generated (to prove concurrent first uses make one key). */
function countingKind(name: string): KeyKind & { made: number } {
  const kind = {
    name,
    made: 0,
    async generate(identity: { repository: string; createdAt: number }) {
      kind.made++;
      await scheduler.wait(50);
      return { privateKey: `secret of ${identity.repository} #${kind.made}`, publicKey: `public #${kind.made}`, fingerprint: `FP${kind.made}` };
    },
  };
  return kind;
}

describe("SigningKeyStore", () => {
  it("creates one key on first use, even when many ask at once", async () => {
    const kind = countingKind("counting");
    const keys = store(9001);
    const all = await Promise.all(Array.from({ length: 6 }, () => keys.current(kind)));
    expect(kind.made).toBe(1);
    expect(new Set(all.map((k) => k.fingerprint))).toEqual(new Set(["FP1"]));
    expect(all[0]?.privateKey).toBe("secret of keys-9001 #1");
    expect((await keys.publicKey(kind)).fingerprint).toBe("FP1");
    expect(kind.made).toBe(1);
  });

  it("stores the private key encrypted, under the documented prefix", async () => {
    const keys = store(9002);
    const key = await keys.current(openpgpKind);
    const object = await env.BLOBS.get(`${SIGNING_KEY_PREFIX}9002/openpgp/current.json`);
    const text = (await object?.text()) ?? "";
    expect(text).toContain(key.fingerprint);
    expect(text).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(key.privateKey.split("\n")[2] ?? "never");
    expect(JSON.parse(text)).not.toHaveProperty("privateKey");
    // The public half never carries the private key.
    expect(JSON.stringify(await keys.publicKey(openpgpKind))).not.toContain("PRIVATE");
  });

  it("does not decrypt under another repository, kind or secret", async () => {
    const kind = countingKind("bound");
    await store(9003).current(kind);
    const stored = await (await env.BLOBS.get(`${SIGNING_KEY_PREFIX}9003/bound/current.json`))?.text();
    await env.BLOBS.put(`${SIGNING_KEY_PREFIX}9004/bound/current.json`, stored ?? "");
    await expect(store(9004).current(kind)).rejects.toThrow(/does not decrypt/);
    await env.BLOBS.put(`${SIGNING_KEY_PREFIX}9003/other/current.json`, stored ?? "");
    await expect(store(9003).current({ ...kind, name: "other" })).rejects.toThrow(/does not decrypt/);
    const otherSecret = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
    await expect(store(9003, otherSecret).current(kind)).rejects.toThrow(/does not decrypt/);
    const noSecret = new SigningKeyStore({ id: 9003, name: "keys-9003" }, { bucket: env.BLOBS, secret: undefined, locks: env.LOCKS });
    await expect(noSecret.current(kind)).rejects.toThrow(/CREDENTIALS_KEY/);
  });

  it("rotates: a new current key, the old one kept as retired", async () => {
    const keys = store(9005);
    const first = await keys.current(openpgpKind);
    const rotated = await keys.rotate(openpgpKind);
    expect(rotated.fingerprint).not.toBe(first.fingerprint);
    expect((await keys.current(openpgpKind)).fingerprint).toBe(rotated.fingerprint);
    const history = await keys.history(openpgpKind);
    expect(history.map((k) => k.fingerprint)).toEqual([rotated.fingerprint, first.fingerprint]);
    expect(history[0]?.retiredAt).toBeUndefined();
    expect(history[1]?.retiredAt).toBeGreaterThan(0);
    await keys.deleteAll();
    expect(await keys.existing(openpgpKind)).toBeNull();
    expect(await keys.history(openpgpKind)).toEqual([]);
  });

  it("signs with openpgp.js inside workerd", async () => {
    const key = await store(9006).current(openpgpKind);
    const signed = await clearSign(key.privateKey, "Suite: stable\n");
    expect(await verifyClearSigned(key.publicKey, signed)).toBe("Suite: stable\n");
    const signature = await detachedSign(key.privateKey, "Suite: stable\n");
    expect(await verifyDetached(key.publicKey, "Suite: stable\n", signature)).toBe(true);
    const other = await store(9007).current(openpgpKind);
    expect(await verifyDetached(other.publicKey, "Suite: stable\n", signature)).toBe(false);
  });
});
