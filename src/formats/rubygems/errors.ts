/**
 * RubyGems error answers: plain text, as rubygems.org answers — `gem push`/`gem yank` print
 * the body as it is, and Bundler and `gem install` print the status. A 401 carries a Basic
 * challenge: Bundler then says "Authentication is required for {host}" and how to
 * `bundle config` credentials, and RubyGems retries with the credentials of the source URL.
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function rubygemsErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(`${message}\n`, { status: error.status, headers });
}
