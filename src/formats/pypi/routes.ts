/**
 * PyPI at `/pypi/{repo}/`:
 * - `POST /pypi/{repo}/` (also `/legacy/`): twine's legacy upload (./upload.ts);
 * - `GET /pypi/{repo}/simple/` and `/simple/{project}/`: the Simple API, HTML or JSON by
 *   Accept; a name that is not normalised, or a missing trailing slash, is a 301 to the
 *   canonical URL (as PyPI does);
 * - `GET|HEAD /pypi/{repo}/files/{project}/{filename}` and `….metadata` (PEP 658), with
 *   ranges and conditional requests;
 * - `PUT|DELETE /pypi/{repo}/-/yank/{project}/{version}`: PEP 592 yank / unyank of a
 *   release (all its files), JSON body `{"reason": "…"}` optional.
 * Reads go through serveRead, so remote and virtual repositories use the same paths.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { isValidProjectName, normalizeName } from "./names";
import { parsePypiPath, pypiProxy } from "./proxy";
import { handleUpload } from "./upload";
import { setYank } from "./yank";

export const pypiRoutes = new Hono<AppEnv>();

/** The raw (still percent-encoded) path after `/pypi/{repo}/`, or null for the repository root. */
function restOf(c: Context<AppEnv>): string | null {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/pypi/${c.req.param("repo") ?? ""}`;
  if (!raw.startsWith(prefix)) return null;
  const rest = raw.slice(prefix.length);
  return rest === "" || rest === "/" ? null : rest.slice(1);
}

pypiRoutes.post("/*", async (c) => {
  const rest = restOf(c);
  if (rest !== null && rest !== "legacy/" && rest !== "legacy") throw new RegistryError("not_found", "uploads go to /pypi/{repo}/ (twine --repository-url)");
  const source = await loadHostedSource(c, "pypi", "write");
  const { filename } = await handleUpload(source, c.req.raw.body, c.req.header("Content-Type"));
  return c.text(`OK: ${filename}\n`, 200);
});

/** 301 to the canonical spelling of a simple page: normalised name, trailing slash. */
function canonicalRedirect(c: Context<AppEnv>, rest: string): Response | null {
  const base = `/pypi/${c.req.param("repo") ?? ""}/`;
  if (rest === "simple") return c.redirect(`${base}simple/`, 301);
  const match = /^simple\/([^/]+)(\/?)$/.exec(rest);
  if (!match) return null;
  let project: string;
  try {
    project = decodeURIComponent(match[1] ?? "");
  } catch {
    return null;
  }
  if (!isValidProjectName(project)) return null;
  const canonical = normalizeName(project);
  if (canonical === project && match[2] === "/") return null;
  return c.redirect(`${base}simple/${canonical}/`, 301);
}

pypiRoutes.get("/*", async (c) => {
  const rest = restOf(c) ?? "";
  const redirect = canonicalRedirect(c, rest);
  if (redirect) return redirect;
  const parsed = parsePypiPath(rest);
  if (!parsed) throw new RegistryError("not_found", "expected /pypi/{repo}/simple/, /simple/{project}/ or /files/{project}/{filename}");
  const what = parsed.kind === "index" ? "index" : parsed.kind === "project" ? `project ${parsed.project}` : `file ${parsed.filename}${parsed.metadata ? ".metadata" : ""}`;
  return serveRead(c, { name: "pypi", proxy: pypiProxy }, rest, `${what} not found`);
});

async function yankRoute(c: Context<AppEnv>, yanked: boolean): Promise<Response> {
  const match = /^-\/yank\/([^/]+)\/([^/]+)$/.exec(restOf(c) ?? "");
  if (!match) throw new RegistryError("not_found", "expected /pypi/{repo}/-/yank/{project}/{version}");
  let reason = "";
  if (yanked && c.req.header("Content-Type")?.includes("json")) {
    const body = (await c.req.json().catch(() => {
      throw new RegistryError("bad_request", "body must be JSON: {\"reason\": \"…\"}");
    })) as { reason?: unknown };
    if (body.reason !== undefined && typeof body.reason !== "string") throw new RegistryError("bad_request", "reason must be a string", { field: "reason" });
    reason = (body.reason ?? "").slice(0, 1000);
  }
  const source = await loadHostedSource(c, "pypi", "write");
  const result = await setYank(source, decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? ""), yanked ? { reason } : null);
  return c.json(result, 200);
}

pypiRoutes.put("/*", (c) => yankRoute(c, true));
pypiRoutes.delete("/*", (c) => yankRoute(c, false));
