/**
 * Package locks (DESIGN §3: serialise read-modify-write of one package's metadata through
 * a Durable Object): a KeyedLock lease per (repository, package), waited for with backoff
 * for up to ~10 s before answering 409.
 */
import { RegistryError } from "../errors";
import { withLock, type KeyedLock } from "../locks/keyed-lock";

const LOCK_TTL_MS = 15_000;
const LOCK_WAIT_MS = 10_000;

export async function withPackageLock<T>(locks: DurableObjectNamespace<KeyedLock>, repositoryId: number, lowerName: string, work: () => Promise<T>): Promise<T> {
  // The key predates the format-neutral lock (npm took these first); kept so deploys overlap safely.
  const key = `npm:${repositoryId}:${lowerName}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 10;
  for (;;) {
    const result = await withLock(locks, key, LOCK_TTL_MS, async () => ({ value: await work() }));
    if (result) return result.value;
    if (Date.now() + delay > deadline) throw new RegistryError("conflict", `package ${lowerName} is being changed by another request; retry`);
    await scheduler.wait(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 250);
  }
}
