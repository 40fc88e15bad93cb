/**
 * A real distribution-spec upstream for OCI remote tests and the herd bench, no tests here:
 * CNCF distribution 2.8 (Debian `docker-registry`) with `auth: token`, a tiny token server
 * in this process (Docker token authentication: Basic credentials in, an ES256 JWT out,
 * signed with a generated key whose self-signed certificate is the registry's
 * `rootcertbundle` and travels in the token's `x5c`), and a counting proxy in front of the
 * registry so a test can say exactly how many requests reached the upstream.
 *
 * Only erasable TypeScript and node built-ins (bench/oci/herd.mjs imports this file under Node 24).
 */
import { spawn, spawnSync } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { freePort, sleep } from "./harness.ts";

export interface CountedRequest {
  method: string;
  path: string;
  status: number;
}

export interface TokenUpstream {
  /** `http://127.0.0.1:PORT` of the counting proxy (what a remote repository points at). */
  url: string;
  /** `127.0.0.1:PORT` of the counting proxy, as skopeo names it. */
  host: string;
  user: string;
  password: string;
  /** Requests that passed the proxy (to the registry), and token requests. */
  readonly requests: CountedRequest[];
  readonly tokenRequests: { scope: string; authorized: boolean }[];
  count(method: string, path: string, status?: number): number;
  reset(): void;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => done());
  });
}

/** A P-256 key and its self-signed certificate (openssl), in `dir`. */
function signingKey(dir: string): { key: ReturnType<typeof createPrivateKey>; certDer: Buffer; certPath: string } {
  const keyPath = join(dir, "token.key");
  const certPath = join(dir, "token.crt");
  const run = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=e2e-token-issuer"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`openssl: ${run.stderr}`);
  const pem = readFileSync(certPath, "utf8");
  const certDer = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
  return { key: createPrivateKey(readFileSync(keyPath)), certDer, certPath };
}

/** Starts token server, registry and counting proxy; `dir` holds their files. */
export async function startTokenUpstream(dir: string): Promise<TokenUpstream> {
  const user = "upstream-puller";
  const password = `upstream-${randomUUID()}`;
  const service = "e2e-upstream";
  const issuer = "e2e-token-issuer";
  const { key, certDer, certPath } = signingKey(dir);
  const tokenRequests: { scope: string; authorized: boolean }[] = [];
  const requests: CountedRequest[] = [];

  const issue = (access: { type: string; name: string; actions: string[] }[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "ES256", typ: "JWT", x5c: [certDer.toString("base64")] };
    const claims = { iss: issuer, sub: user, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${b64url(signature)}`;
  };

  const tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token");
    const scopes = url.searchParams.getAll("scope");
    const authorized = req.headers.authorization === `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    for (const scope of scopes) tokenRequests.push({ scope, authorized });
    // Anonymous callers get a token with no access (the registry then refuses them), as Docker Hub for private images.
    const access = authorized
      ? scopes.map((scope) => {
          const [type = "", name = "", actions = ""] = [scope.slice(0, scope.indexOf(":")), scope.slice(scope.indexOf(":") + 1, scope.lastIndexOf(":")), scope.slice(scope.lastIndexOf(":") + 1)];
          return { type, name, actions: actions.split(",").filter(Boolean) };
        })
      : [];
    const token = issue(access);
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  const tokenPort = await freePort();
  await listen(tokenServer, tokenPort);

  const registryPort = await freePort();
  const config = join(dir, "distribution.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "distribution-data")}`,
      "http:",
      `  addr: 127.0.0.1:${registryPort}`,
      "auth:",
      "  token:",
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      `    service: ${service}`,
      `    issuer: ${issuer}`,
      `    rootcertbundle: ${certPath}`,
      "",
    ].join("\n"),
  );
  const child = spawn("docker-registry", ["serve", config], { stdio: "ignore", detached: true });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${registryPort}/v2/`)).status === 401) break;
    } catch {}
    if (i > 100) throw new Error("docker-registry did not start");
    await sleep(100);
  }

  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const upstream = httpRequest({ host: "127.0.0.1", port: registryPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      requests.push({ method: req.method ?? "GET", path, status: answer.statusCode ?? 0 });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const proxyPort = await freePort();
  await listen(proxy, proxyPort);

  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    host: `127.0.0.1:${proxyPort}`,
    user,
    password,
    requests,
    tokenRequests,
    count: (method, path, status) => requests.filter((r) => r.method === method && r.path === path && (status === undefined || r.status === status)).length,
    reset() {
      requests.length = 0;
      tokenRequests.length = 0;
    },
    stop() {
      stopped ??= (async () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGTERM");
        } catch {}
        for (const server of [proxy, tokenServer]) {
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
        }
      })();
      return stopped;
    },
  };
}
