// The `openpgp` key kind and its signatures (src/signing/openpgp.ts), in plain Node: keys
// generate, clear-signed and detached signatures verify with the key that made them and
// fail with another key or changed data. gpgv checks the same signatures in the Debian e2e.
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { clearSign, detachedSign, fingerprintOf, openpgpKeyKind, openpgpKind, verifyClearSigned, verifyDetached } from "../../../src/signing/openpgp";

const identity = { repository: "deb-main", createdAt: Date.UTC(2026, 0, 2) };

describe("openpgp key kind", () => {
  it("generates an Ed25519 key whose user id names the repository", async () => {
    const key = await openpgpKind.generate(identity);
    expect(key.publicKey).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    expect(key.privateKey).toContain("-----BEGIN PGP PRIVATE KEY BLOCK-----");
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(await fingerprintOf(key.publicKey)).toBe(key.fingerprint);
    const parsed = await openpgp.readKey({ armoredKey: key.publicKey });
    expect(parsed.getAlgorithmInfo().algorithm).toBe("eddsaLegacy");
    expect(parsed.getUserIDs()[0]).toContain("deb-main");
    expect(parsed.getCreationTime().getTime()).toBe(identity.createdAt);
    expect(parsed.isPrivate()).toBe(false);
  });

  it("makes RSA keys when asked (a kind of its own name)", async () => {
    const kind = openpgpKeyKind("openpgp-rsa", { type: "rsa", rsaBits: 2048 });
    expect(kind.name).toBe("openpgp-rsa");
    const key = await kind.generate(identity);
    expect((await openpgp.readKey({ armoredKey: key.publicKey })).getAlgorithmInfo()).toMatchObject({ algorithm: "rsaEncryptSign", bits: 2048 });
  }, 60_000);
});

describe("signatures", () => {
  it("clear-signs text that verifies with the key and not with another", async () => {
    const key = await openpgpKind.generate(identity);
    const other = await openpgpKind.generate(identity);
    const text = "Origin: Edge Registry\nSuite: stable\n";
    const signed = await clearSign(key.privateKey, text);
    expect(signed.startsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA")).toBe(true);
    expect(signed).toContain("Suite: stable");
    expect(await verifyClearSigned(key.publicKey, signed)).toBe(text);
    expect(await verifyClearSigned(other.publicKey, signed)).toBeNull();
    expect(await verifyClearSigned(key.publicKey, signed.replace("stable", "stab1e"))).toBeNull();
  });

  it("makes detached binary signatures over the exact bytes", async () => {
    const key = await openpgpKind.generate(identity);
    const other = await openpgpKind.generate(identity);
    const data = "Suite: stable\r\nwith a CR\n";
    const signature = await detachedSign(key.privateKey, data);
    expect(signature).toContain("-----BEGIN PGP SIGNATURE-----");
    const parsed = await openpgp.readSignature({ armoredSignature: signature });
    expect(parsed.packets[0]?.signatureType).toBe(openpgp.enums.signature.binary);
    expect(await verifyDetached(key.publicKey, data, signature)).toBe(true);
    expect(await verifyDetached(key.publicKey, new TextEncoder().encode(data), signature)).toBe(true);
    expect(await verifyDetached(key.publicKey, data.replace("\r", ""), signature)).toBe(false);
    expect(await verifyDetached(other.publicKey, data, signature)).toBe(false);
  });
});
