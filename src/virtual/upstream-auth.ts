/**
 * Who gets which credentials on an upstream request.
 *
 * - Stored credentials (Basic when the remote has a username, else Bearer) go only to the
 *   origin of the remote's configured URL, plus hosts a format names (`credentialHosts`),
 *   never to another host a link or a redirect points at.
 * - The token-challenge flow of container registries (Docker's "token authentication"):
 *   a 401 with `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` makes us GET the
 *   realm (with the stored credentials as Basic when there is a username, anonymously
 *   otherwise), take `token`/`access_token`, and retry once with `Bearer <token>`. Tokens are
 *   cached in the isolate's memory until shortly before they expire, and the last challenge
 *   per (remote, origin) is remembered so later requests send a cached token up front — the
 *   token for their own scope when the caller names it (`tokenScope`: OCI asks per image name).
 */
import { decryptSecret } from "../auth/secrets";
import type { RemoteConfigRow } from "../db/repositories";

export interface BearerChallenge {
  realm: string;
  service: string | null;
  scope: string | null;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Tokens from challenge realms, by remote + realm + service + scope. */
const tokens = new Map<string, CachedToken>();
/** The last challenge an origin sent, by remote + origin, to send its token before being asked. */
const lastChallenge = new Map<string, BearerChallenge>();
/** Bound on both maps: the oldest entries go first (Map keeps insertion order). */
const MAX_CACHED = 1000;
/** Default token lifetime when the token service does not say (the Docker spec's 60 s). */
const DEFAULT_TOKEN_SECONDS = 60;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_CACHED) map.delete(map.keys().next().value as string);
}

/** Parses the Bearer challenge of a `WWW-Authenticate` header; null when there is none with a realm. */
export function parseBearerChallenge(header: string | null): BearerChallenge | null {
  if (!header) return null;
  const start = header.search(/(^|[\s,])Bearer\s/i);
  if (start < 0) return null;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const match of header.slice(start).replace(/^[\s,]*Bearer\s+/i, "").matchAll(pattern)) {
    const [, name = "", quoted, bare] = match;
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? ""));
  }
  const realm = params.get("realm");
  if (!realm || !URL.canParse(realm)) return null;
  return { realm, service: params.get("service") ?? null, scope: params.get("scope") ?? null };
}

export class UpstreamAuth {
  private storedHeader: string | null | undefined;
  private token: { origin: string; value: string } | null = null;
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly config: Pick<RemoteConfigRow, "repositoryId" | "url" | "username" | "secretEncrypted">,
    private readonly credentialsKey: string | undefined,
    credentialHosts: readonly string[] = [],
    /** The scope this request's upstream will challenge for: a token cached for it goes up front. */
    private readonly tokenScope?: string,
  ) {
    const own = new URL(config.url);
    this.allowedOrigins = new Set([own.origin, ...credentialHosts.map((host) => `${own.protocol}//${host.toLowerCase()}`)]);
  }

  /** The Authorization header for a request to `url`: a challenge token for its origin, else stored credentials if allowed. */
  async headerFor(url: URL): Promise<string | null> {
    if (!this.token) this.token = this.cachedTokenFor(url.origin);
    if (this.token?.origin === url.origin) return `Bearer ${this.token.value}`;
    if (!this.allowedOrigins.has(url.origin)) return null;
    return this.stored();
  }

  /**
   * Answers a 401 from `url`: when it carries a Bearer challenge with a realm, obtains a token
   * (cached or from the realm) and returns true so the caller retries once.
   */
  async answerChallenge(url: URL, response: Response): Promise<boolean> {
    const challenge = parseBearerChallenge(response.headers.get("WWW-Authenticate"));
    if (!challenge) return false;
    const realm = new URL(challenge.realm);
    // Never send credentials to a realm over plain HTTP when the upstream itself uses HTTPS.
    if (url.protocol === "https:" && realm.protocol !== "https:") throw new Error(`token realm ${realm.origin} is not HTTPS`);
    const key = this.tokenKey(challenge);
    let cached = tokens.get(key);
    // A token we just sent and that was refused is not worth sending again.
    if (!cached || cached.expiresAt <= Date.now() || cached.value === this.token?.value) {
      cached = await this.requestToken(challenge);
      remember(tokens, key, cached);
    }
    remember(lastChallenge, `${this.config.repositoryId} ${url.origin}`, challenge);
    this.token = { origin: url.origin, value: cached.value };
    return true;
  }

  private cachedTokenFor(origin: string): { origin: string; value: string } | null {
    const last = lastChallenge.get(`${this.config.repositoryId} ${origin}`);
    // The origin's realm and service with this request's scope: a token per scope (OCI image names).
    const challenge = last && this.tokenScope ? { ...last, scope: this.tokenScope } : last;
    const cached = challenge ? tokens.get(this.tokenKey(challenge)) : undefined;
    return cached && cached.expiresAt > Date.now() ? { origin, value: cached.value } : null;
  }

  private tokenKey(challenge: BearerChallenge): string {
    return `${this.config.repositoryId} ${challenge.realm} ${challenge.service ?? ""} ${challenge.scope ?? ""}`;
  }

  private async requestToken(challenge: BearerChallenge): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set("service", challenge.service);
    if (challenge.scope) url.searchParams.set("scope", challenge.scope);
    const headers = new Headers({ "User-Agent": "edge-registry", Accept: "application/json" });
    // The token service is the upstream's own login service: it gets the stored username/password.
    if (this.config.username) {
      const basic = await this.stored();
      if (basic) headers.set("Authorization", basic);
    }
    const response = await fetch(url, { headers, redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`token service ${url.origin} answered ${response.status}`);
    }
    const body = (await response.json().catch(() => null)) as { token?: unknown; access_token?: unknown; expires_in?: unknown } | null;
    const value = typeof body?.token === "string" ? body.token : typeof body?.access_token === "string" ? body.access_token : null;
    if (!value) throw new Error(`token service ${url.origin} returned no token`);
    const seconds = typeof body?.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    // Renew a little early so a token never expires between being chosen and being checked.
    return { value, expiresAt: Date.now() + seconds * 1000 * 0.9 };
  }

  private async stored(): Promise<string | null> {
    if (this.storedHeader !== undefined) return this.storedHeader;
    const { secretEncrypted, username } = this.config;
    if (!secretEncrypted) return (this.storedHeader = null);
    const secret = await decryptSecret(secretEncrypted, this.credentialsKey);
    this.storedHeader = username ? `Basic ${btoa(`${username}:${secret}`)}` : `Bearer ${secret}`;
    return this.storedHeader;
  }
}
