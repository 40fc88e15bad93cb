/**
 * The IndexBuilder Durable Object (one per repository): rebuilds the repository's
 * whole-repository indexes (`FormatModule.indexes`) after writes settle.
 * - Every write calls `schedule()`, which (re)sets the alarm to `DEBOUNCE_MS` from now, but
 *   never later than `MAX_DELAY_MS` after the first unbuilt write: N writes within the
 *   window cause one build, and a steady stream of writes still gets a build per MAX_DELAY.
 * - The alarm runs the build. Builds are serialised (alarms never overlap, and `buildNow`
 *   queues behind a running build); a write during a build sets the alarm again, so exactly
 *   one more build follows.
 * - A build reads the repository revision first, builds every index through a PackageReader
 *   and stores each as derived document `index:{format}:{name}` for that revision.
 * - `buildNow()` is for a reader that finds the stored index older than the repository, and
 *   for changes that must show at once (a virtual's members changed, a signing key rotated).
 * - Virtual repositories build only the specs marked `virtual` (from their hosted members).
 *   After a hosted repository's build, the virtuals containing it are scheduled (a short
 *   debounce: the member's own debounce already coalesced the burst), so a virtual's index
 *   follows its members' writes without any reader building it.
 * - A build may store assets (files its document names: Debian `Packages.gz`, signatures) as
 *   derived documents `asset:{format}:{sha256}`; those of the last two builds are kept (a
 *   client that read the previous `InRelease` still finds its files by hash), older ones deleted.
 */
import { DurableObject } from "cloudflare:workers";
import { toHex } from "../auth/crypto";
import { openDatabase, type Database } from "../db/client";
import { findRepositoryById, listMembers, virtualIdsContaining } from "../db/repositories";
import type { Bindings } from "../env";
import { findFormat } from "../formats";
import type { IndexBuildContext } from "../formats/types";
import { SigningKeyStore } from "../signing/key-store";
import { backgroundSource } from "./background";
import type { HostedSource } from "./hosted-source";

export const DEBOUNCE_MS = 2_000;
/** A virtual's build after one of its members was built (bursts were coalesced by the member). */
export const VIRTUAL_DEBOUNCE_MS = 500;
export const MAX_DELAY_MS = 30_000;

/** Why a build is scheduled: a write to the repository, or a build of one of its (virtual's) members. */
export type ScheduleCause = "write" | "member";

/**
 * The debounce for a cause: DEBOUNCE_MS / VIRTUAL_DEBOUNCE_MS unless `INDEX_DEBOUNCE_MS` /
 * `INDEX_VIRTUAL_DEBOUNCE_MS` say otherwise (the integration tests lengthen both so that only
 * the test runs a build, never an alarm firing on its own on a loaded machine).
 */
export function debounceMs(env: Pick<Bindings, "INDEX_DEBOUNCE_MS" | "INDEX_VIRTUAL_DEBOUNCE_MS">, cause: ScheduleCause): number {
  const [configured, fallback] = cause === "write" ? [env.INDEX_DEBOUNCE_MS, DEBOUNCE_MS] : [env.INDEX_VIRTUAL_DEBOUNCE_MS, VIRTUAL_DEBOUNCE_MS];
  const value = configured === undefined || configured === "" ? Number.NaN : Number(configured);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** The IndexBuilder of a repository (one object per repository id). */
export function indexBuilderOf(builders: DurableObjectNamespace<IndexBuilder>, repositoryId: number): DurableObjectStub<IndexBuilder> {
  return builders.get(builders.idFromName(String(repositoryId)));
}

export const indexKey = (format: string, name: string): string => `index:${format}:${name}`;
/** An index asset (IndexBuildContext.storeAsset): a file an index document refers to, by content. */
export const assetKey = (format: string, sha256: string): string => `asset:${format}:${sha256}`;

interface BuilderState {
  repositoryId: number;
  /** When the oldest write not yet covered by a build was scheduled. */
  firstPendingAt: number | null;
  builds: number;
  lastBuiltRevision: number | null;
}

export class IndexBuilder extends DurableObject<Bindings> {
  private running: Promise<number | null> = Promise.resolve(null);
  private building = false;

  async schedule(repositoryId: number, now = Date.now(), cause: ScheduleCause = "write"): Promise<void> {
    const state = await this.state(repositoryId);
    const first = state.firstPendingAt ?? now;
    await this.ctx.storage.put("state", { ...state, repositoryId, firstPendingAt: first } satisfies BuilderState);
    await this.ctx.storage.setAlarm(Math.min(now + debounceMs(this.env, cause), first + MAX_DELAY_MS));
  }

  override async alarm(): Promise<void> {
    await this.enqueue();
  }

  /** Builds now (after any running build) and returns the repository revision built, or null. */
  async buildNow(repositoryId: number): Promise<number | null> {
    await this.state(repositoryId);
    return this.enqueue();
  }

  /** Builds done so far and the revision of the last one (observability, tests). */
  async status(): Promise<{ builds: number; lastBuiltRevision: number | null; alarm: number | null }> {
    const state = await this.ctx.storage.get<BuilderState>("state");
    return { builds: state?.builds ?? 0, lastBuiltRevision: state?.lastBuiltRevision ?? null, alarm: await this.ctx.storage.getAlarm() };
  }

  private enqueue(): Promise<number | null> {
    const next = this.running.catch(() => null).then(() => this.build());
    this.running = next;
    return next;
  }

  private async build(): Promise<number | null> {
    // The queue in `enqueue` makes this unreachable; kept as a guard the tests rely on.
    if (this.building) throw new Error("index builds overlapped");
    this.building = true;
    try {
      return await this.buildOnce();
    } finally {
      this.building = false;
    }
  }

  private async buildOnce(): Promise<number | null> {
    const state = await this.ctx.storage.get<BuilderState>("state");
    if (!state) return null;
    // Writes from here on are not covered by this build: they start a new debounce window.
    await this.ctx.storage.put("state", { ...state, firstPendingAt: null } satisfies BuilderState);
    const db = openDatabase(this.env.DB);
    const repository = await findRepositoryById(db, state.repositoryId);
    const virtual = repository?.kind === "virtual";
    const specs = repository ? (findFormat(repository.format)?.indexes ?? []).filter((spec) => !virtual || spec.virtual) : [];
    if (!repository || specs.length === 0) return null;
    const source = backgroundSource(this.env, repository, "index-builder", "format", db);
    const { repository: revision } = await source.revisions(null);
    const assets = new Set<string>();
    const context: IndexBuildContext = {
      revision,
      storeAsset: async (bytes, contentType) => {
        const sha256 = toHex(await crypto.subtle.digest("SHA-256", bytes));
        const blob = await source.storeDerivedDocument(assetKey(repository.format, sha256), revision, bytes, contentType);
        assets.add(assetKey(repository.format, blob.sha256));
        return blob;
      },
      signingKeys: new SigningKeyStore(repository, { bucket: this.env.BLOBS, secret: this.env.CREDENTIALS_KEY, locks: this.env.LOCKS }),
      members: virtual
        ? (await listMembers(db, repository.id))
            .filter((m) => m.repository.kind === "hosted" && m.repository.format === repository.format)
            .map((m) => ({ id: m.repository.id, reader: backgroundSource(this.env, m.repository, "index-builder", "format", db) }))
        : [],
    };
    for (const spec of specs) {
      const text = await spec.build(source, context);
      await source.storeDerivedDocument(indexKey(repository.format, spec.name), revision, text, spec.contentType);
    }
    await this.pruneAssets(source, [...assets]);
    if (!virtual) await this.scheduleVirtuals(db, repository.id);
    const latest = (await this.ctx.storage.get<BuilderState>("state")) ?? state;
    await this.ctx.storage.put("state", { ...latest, builds: latest.builds + 1, lastBuiltRevision: revision } satisfies BuilderState);
    return revision;
  }

  /** Schedules the builds of the virtual repositories containing this one whose format builds virtual indexes. */
  private async scheduleVirtuals(db: Database, memberId: number): Promise<void> {
    const builders = this.env.INDEXES;
    for (const id of await virtualIdsContaining(db, memberId)) {
      const virtual = await findRepositoryById(db, id);
      if (!virtual || !findFormat(virtual.format)?.indexes?.some((spec) => spec.virtual)) continue;
      await indexBuilderOf(builders, id).schedule(id, Date.now(), "member");
    }
  }

  /** Keeps the assets of this build and the previous one; older builds' assets are deleted. */
  private async pruneAssets(source: HostedSource, current: string[]): Promise<void> {
    const previous = (await this.ctx.storage.get<string[]>("assets:current")) ?? [];
    const older = (await this.ctx.storage.get<string[]>("assets:previous")) ?? [];
    const keep = new Set([...current, ...previous]);
    const drop = older.filter((key) => !keep.has(key));
    if (drop.length) await source.deleteDerivedDocuments(drop);
    await this.ctx.storage.put("assets:previous", previous);
    await this.ctx.storage.put("assets:current", current);
  }

  private async state(repositoryId: number): Promise<BuilderState> {
    const stored = await this.ctx.storage.get<BuilderState>("state");
    if (stored) return stored;
    const fresh: BuilderState = { repositoryId, firstPendingAt: null, builds: 0, lastBuiltRevision: null };
    await this.ctx.storage.put("state", fresh);
    return fresh;
  }
}
