/**
 * RubyGems at `/rubygems/{repo}/` (a gem source: `gem sources --add`, Gemfile `source`):
 * - reads (./read.ts): `versions`, `names`, `info/{name}` (compact index), `gems/{file}.gem`,
 *   `quick/Marshal.4.8/{file}.gemspec.rz`, `specs.4.8.gz`, `latest_specs.4.8.gz`,
 *   `prerelease_specs.4.8.gz`, and the root (RubyGems' compact index probe);
 * - `POST api/v1/gems` (`gem push --host {url}`; the token as the whole `Authorization`), ./push.ts;
 * - `DELETE api/v1/gems/yank` (`gem yank --host {url}`), ./yank.ts.
 * Every error is plain text (./errors.ts).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedSource, loadRepository } from "../../repositories/loader";
import { handlePush } from "./push";
import { challenge, serveRubygemsRead } from "./read";
import { readYankForm, yankGem } from "./yank";

export const rubygemsRoutes = new Hono<AppEnv>();

/** The raw (still percent-encoded) path after `/rubygems/{repo}/`. */
function restOf(c: Context<AppEnv>): string {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/rubygems/${c.req.param("repo") ?? ""}`;
  return raw.startsWith(prefix) ? raw.slice(prefix.length).replace(/^\//, "") : "";
}

rubygemsRoutes.get("/*", (c) => serveRubygemsRead(c, restOf(c)));
rubygemsRoutes.get("/", (c) => serveRubygemsRead(c, ""));

rubygemsRoutes.post("/*", async (c) => {
  if (restOf(c) !== "api/v1/gems") {
    await loadRepository(c, "rubygems", "read", challenge);
    throw new RegistryError("not_found", "This is not a RubyGems API path.");
  }
  const source = await loadHostedSource(c, "rubygems", "write", challenge);
  const length = Number(c.req.header("Content-Length") ?? "");
  const spec = await handlePush(source, c.req.raw.body, Number.isFinite(length) && length > 0 ? length : undefined);
  const platform = spec.platform === "ruby" ? "" : `-${spec.platform}`;
  return c.text(`Successfully registered gem: ${spec.name} (${spec.number}${platform})\n`, 200);
});

rubygemsRoutes.delete("/*", async (c) => {
  if (restOf(c) !== "api/v1/gems/yank") {
    await loadRepository(c, "rubygems", "read", challenge);
    throw new RegistryError("not_found", "This is not a RubyGems API path.");
  }
  const source = await loadHostedSource(c, "rubygems", "write", challenge);
  return c.text(`${await yankGem(source, await readYankForm(c.req.raw))}\n`);
});
