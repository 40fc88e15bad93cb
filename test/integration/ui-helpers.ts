/** Browser-like requests for the Web UI's integration tests: cookies, CSRF tokens, forms. */
import { exports } from "cloudflare:workers";
import { BASE } from "../helpers/client";

export interface Browser {
  cookies: Map<string, string>;
}

export const newBrowser = (): Browser => ({ cookies: new Map() });

function remember(browser: Browser, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/Max-Age=0/i.test(line) || value === "") browser.cookies.delete(name);
    else browser.cookies.set(name, value);
  }
}

const cookieHeader = (browser: Browser): string => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

export async function get(browser: Browser, path: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { Cookie: cookieHeader(browser), ...headers }, redirect: "manual" }));
  remember(browser, res);
  return res;
}

export async function post(browser: Browser, path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of ([] as string[]).concat(v)) body.append(k, value);
  const res = await exports.default.fetch(
    new Request(`${BASE}${path}`, { method: "POST", body, headers: { Cookie: cookieHeader(browser), "Content-Type": "application/x-www-form-urlencoded", ...headers }, redirect: "manual" }),
  );
  remember(browser, res);
  return res;
}

export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([0-9a-f]{64})"/.exec(html)?.[1];
  if (!token) throw new Error("no CSRF token in the page");
  return token;
}

/** Loads `page`, then posts the form fields with that page's CSRF token. */
export async function submit(browser: Browser, page: string, action: string, fields: Record<string, string | string[]>): Promise<Response> {
  const html = await (await get(browser, page)).text();
  return post(browser, action, { ...fields, _csrf: csrfOf(html) });
}

export async function signIn(browser: Browser, username: string, password: string): Promise<Response> {
  return submit(browser, "/ui/signin", "/ui/signin", { username, password, next: "/" });
}

/** A fresh CSRF cookie and token, as a page load gives a browser (for requests made without one). */
export async function csrfPair(): Promise<{ cookie: string; token: string }> {
  const browser = newBrowser();
  const html = await (await get(browser, "/ui/signin")).text();
  return { cookie: cookieHeader(browser), token: csrfOf(html) };
}
