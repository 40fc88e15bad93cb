/**
 * A lease lock, one Durable Object per key: work that must not run twice at once
 * (a cleanup run of one repository, a rebuild of one index) takes the lease first.
 * Leases expire, so a crashed holder never blocks the key forever.
 */
import { DurableObject } from "cloudflare:workers";

interface Lease {
  holder: string;
  until: number;
}

export class KeyedLock extends DurableObject {
  /** Takes the lease for `ttlMs` unless another holder has an unexpired one. */
  async acquire(holder: string, ttlMs: number): Promise<boolean> {
    const current = await this.ctx.storage.get<Lease>("lease");
    if (current && current.until > Date.now() && current.holder !== holder) return false;
    await this.ctx.storage.put("lease", { holder, until: Date.now() + ttlMs } satisfies Lease);
    return true;
  }

  async release(holder: string): Promise<void> {
    const current = await this.ctx.storage.get<Lease>("lease");
    if (current?.holder === holder) await this.ctx.storage.delete("lease");
  }
}

/** Runs `work` under the lease for `key`; returns null without running it if the key is busy. */
export async function withLock<T>(
  namespace: DurableObjectNamespace<KeyedLock>,
  key: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<T | null> {
  const lock = namespace.get(namespace.idFromName(key));
  const holder = crypto.randomUUID();
  if (!(await lock.acquire(holder, ttlMs))) return null;
  try {
    return await work();
  } finally {
    await lock.release(holder);
  }
}
