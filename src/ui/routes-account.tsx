/** Signing in and out, and the account page (own tokens: create, shown once; revoke). */
import { Hono, type Context } from "hono";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import { RegistryError } from "../errors";
import { callApi } from "./api-client";
import type { UiEnv } from "./env";
import { parseNameList, safeNext } from "./forms";
import { isSecure } from "./middleware";
import { AccountPage, SignInPage, type TokenRow } from "./pages/account";
import { asApp } from "./routes-browse";
import { CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, cookieHeader, encodeSession, newNonce } from "./session";
import { checkSignIn } from "./sign-in";

export const accountRoutes = new Hono<UiEnv>();

const field = (form: Record<string, unknown>, name: string): string => (typeof form[name] === "string" ? (form[name] as string) : "");

accountRoutes.get("/ui/signin", (c) => c.html(<SignInPage ui={c.var.ui} next={safeNext(c.req.query("next"))} username="" error={null} />));

accountRoutes.post("/ui/signin", async (c) => {
  const form = await c.req.parseBody();
  const username = field(form, "username").slice(0, 64);
  const next = safeNext(form.next);
  const db = openDatabase(c.env.DB);
  const signedIn = await checkSignIn(db, c.env.ADMIN_TOKEN, username, field(form, "password"));
  const key = c.var.uiKey;
  if (!signedIn || !key) return c.html(<SignInPage ui={c.var.ui} next={next} username={username} error="Incorrect username or password." />, 401);
  const session = { userId: signedIn.userId, expiresAt: Date.now() + SESSION_TTL_MS, nonce: newNonce() };
  await recordAudit(db, { actor: signedIn.principal.name, token: null, action: "ui.signin", requestId: c.var.requestId });
  const secure = isSecure(c.req.url);
  c.header("Set-Cookie", cookieHeader(SESSION_COOKIE, await encodeSession(key, session, signedIn.fingerprint), { secure, maxAgeSeconds: SESSION_TTL_MS / 1000 }), { append: true });
  return c.redirect(next, 303);
});

accountRoutes.post("/ui/signout", (c) => {
  const secure = isSecure(c.req.url);
  c.header("Set-Cookie", cookieHeader(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 }), { append: true });
  // A fresh pre-session CSRF nonce: the signed-out browser's old form tokens stop working.
  c.header("Set-Cookie", cookieHeader(CSRF_COOKIE, newNonce(), { secure }), { append: true });
  return c.redirect("/", 303);
});

function requireUser(c: Context<UiEnv>): void {
  if (!c.var.ui.user) throw new RegistryError("unauthorized", "sign in to see your account");
}

async function accountPage(c: Context<UiEnv>, extra: { created?: { name: string; token: string }; error?: string; notice?: string }, status: 200 | 201 | 400 | 403 | 404 = 200) {
  const listed = await callApi<{ tokens: TokenRow[] }>(asApp(c), "GET", "/tokens");
  const tokens = listed.ok ? listed.data.tokens : [];
  return c.html(<AccountPage ui={c.var.ui} tokens={tokens} created={extra.created ?? null} error={extra.error ?? (listed.ok ? null : listed.message)} notice={extra.notice ?? null} />, status);
}

accountRoutes.get("/ui/account", (c) => {
  requireUser(c);
  const revoked = c.req.query("revoked");
  return accountPage(c, revoked ? { notice: `Token ${revoked} revoked.` } : {});
});

accountRoutes.post("/ui/account/tokens", async (c) => {
  requireUser(c);
  const form = await c.req.parseBody({ all: true });
  const scopes = ([] as unknown[]).concat(form.scopes ?? []).filter((s): s is string => typeof s === "string");
  const days = field(form, "expiresInDays");
  const repositories = parseNameList(field(form, "repositories"));
  const body = {
    name: field(form, "name"),
    scopes,
    ...(repositories ? { repositories } : {}),
    ...(/^\d{1,4}$/.test(days) ? { expiresAt: Date.now() + Number(days) * 86_400_000 } : {}),
  };
  const result = await callApi<{ name: string; token: string }>(asApp(c), "POST", "/tokens", body);
  if (!result.ok) return accountPage(c, { error: result.message }, result.status === 403 ? 403 : 400);
  return accountPage(c, { created: { name: result.data.name, token: result.data.token } }, 201);
});

accountRoutes.post("/ui/account/tokens/:id/revoke", async (c) => {
  requireUser(c);
  const id = c.req.param("id");
  const result = await callApi(asApp(c), "DELETE", `/tokens/${encodeURIComponent(id)}`);
  if (!result.ok) return accountPage(c, { error: result.message }, result.status === 404 ? 404 : 400);
  return c.redirect(`/ui/account?revoked=${encodeURIComponent(id)}`, 303);
});
