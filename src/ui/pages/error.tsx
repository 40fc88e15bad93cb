/** The UI's error page: the status and message of a RegistryError, in the page frame. */
import type { Context } from "hono";
import { toRegistryError } from "../../errors";
import type { UiEnv } from "../env";
import { Layout } from "../layout";

const titles: Record<number, string> = { 400: "Bad request", 401: "Sign-in required", 403: "Not allowed", 404: "Not found", 409: "Conflict", 500: "Something went wrong" };

export async function renderError(c: Context<UiEnv>, thrown: unknown): Promise<Response> {
  const error = toRegistryError(thrown);
  if (error.code === "internal") console.error(JSON.stringify({ id: c.var.requestId, error: String(thrown), stack: thrown instanceof Error ? thrown.stack : undefined }));
  const ui = c.var.ui ?? { csrf: "", user: null, session: false, origin: new URL(c.req.url).origin };
  const message = error.code === "internal" ? "internal server error" : error.message;
  return c.html(
    <Layout title={titles[error.status] ?? "Error"} ui={ui}>
      <p class="error" role="alert">{message}</p>
      {error.status === 401 ? <p><a href={`/ui/signin?next=${encodeURIComponent(c.req.method === "GET" ? new URL(c.req.url).pathname + new URL(c.req.url).search : "/")}`}>Sign in</a></p> : null}
      <p><a href="/">Back to the repositories</a></p>
    </Layout>,
    error.status,
  );
}
