/**
 * The Web UI (docs/ui.md): server-rendered hono/jsx pages at `/` and `/ui/…`. Reading works
 * without JavaScript; one same-origin script adds copy buttons. Sessions, CSRF and security
 * headers: ./middleware.ts; forms act through the management API: ./api-client.ts.
 */
import { Hono } from "hono";
import { RegistryError } from "../errors";
import { copyScript, stylesheet } from "./assets";
import type { UiEnv } from "./env";
import { uiState } from "./middleware";
import { renderError } from "./pages/error";
import { accountRoutes } from "./routes-account";
import { adminRoutes } from "./routes-admin";
import { browseRoutes } from "./routes-browse";

export const uiRoutes = new Hono<UiEnv>();

const asset = (body: string, type: string) => () =>
  new Response(body, { headers: { "Content-Type": type, "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff" } });
uiRoutes.get("/ui/assets/style.css", asset(stylesheet, "text/css; charset=utf-8"));
uiRoutes.get("/ui/assets/copy.js", asset(copyScript, "text/javascript; charset=utf-8"));

uiRoutes.use("/", uiState());
uiRoutes.use("/ui/*", uiState());
uiRoutes.route("/", browseRoutes);
uiRoutes.route("/", accountRoutes);
uiRoutes.route("/", adminRoutes);
uiRoutes.all("/ui/*", () => {
  throw new RegistryError("not_found", "no such page");
});

/** Errors are pages: a 401 page links to sign-in (and back), a hidden repository is the missing one's 404. */
uiRoutes.onError((error, c) => renderError(c, error));
