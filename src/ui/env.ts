/** The Web UI's Hono environment: the app's bindings and variables plus the page state. */
import type { AppEnv } from "../env";

export interface UiState {
  /** The CSRF token every form of this response carries. */
  csrf: string;
  /** Who is signed in (a session, or credentials sent by a non-browser client); null: anonymous. */
  user: { name: string; instanceAdmin: boolean } | null;
  /** Signed in through the session cookie (sign-out is offered). */
  session: boolean;
  /** Base URL of this server as the client sees it, e.g. `https://registry.example.com`. */
  origin: string;
}

export interface UiEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { ui: UiState; uiKey: CryptoKey | null; csrfNonce: string };
}
