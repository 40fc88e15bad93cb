/**
 * npm-ecosystem helpers for e2e tests and benchmarks (no tests here):
 *
 * - `ensureNpmTools()`: yarn classic, pnpm, Verdaccio and autocannon, pinned, installed with
 *   the system npm into the git-ignored `.e2e/tools` (E2E_NPM_TOOLS_DIR overrides). They are
 *   not project dependencies. Verdaccio 6.8 needs `overrides: {node-fetch: 2.7.0}` to install
 *   here. `.ci/run` calls this too, so CI and the suites use the same pins.
 * - `npmClient()`: a scrubbed environment for npm/yarn/pnpm with its own HOME, cache, store
 *   and npmrc under a temp dir (`registry=` the registry under test, the token as
 *   `//host:port/path/:_authToken=…`), plus `run()` for each client.
 * - `startVerdaccio()`: Verdaccio 6.8 on a free loopback port with a temp config and storage
 *   (no uplinks), and `addUser()` (CouchDB-style adduser) for a token to publish with.
 * - `npmTarball()` / `publishDocument()`: tiny package tarballs built in memory and the JSON
 *   document `npm publish` PUTs, for publishing many versions fast over HTTP.
 *
 * Only erasable TypeScript and node built-ins, so bench/*.mjs can import it under Node 24.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CLIENT_PATH, freePort, isCI, repoRoot, runCli, sleep, type CliResult } from "./harness.ts";

/** Exact versions: the npm registry reachable here only carries a `latest` dist-tag per package. */
export const NPM_TOOL_PINS = {
  yarn: "1.22.22",
  pnpm: "10.34.9",
  verdaccio: "6.8.0",
  autocannon: "9.0.0",
} as const;

/** Overrides Verdaccio 6.8 needs to install here. */
const NPM_TOOL_OVERRIDES = { "node-fetch": "2.7.0" };

export const npmToolsDir = process.env["E2E_NPM_TOOLS_DIR"] ?? join(repoRoot, ".e2e", "tools");

export interface NpmTools {
  dir: string;
  /** Absolute paths of the entry scripts (run with a node binary, or directly: they have shebangs). */
  yarn: string;
  pnpm: string;
  verdaccio: string;
  autocannon: string;
}

function toolPaths(dir: string): NpmTools {
  const nm = join(dir, "node_modules");
  return {
    dir,
    yarn: join(nm, "yarn", "bin", "yarn.js"),
    pnpm: join(nm, "pnpm", "bin", "pnpm.cjs"),
    verdaccio: join(nm, "verdaccio", "bin", "verdaccio"),
    autocannon: join(nm, "autocannon", "autocannon.js"),
  };
}

/** Names of pinned tools that are missing or at another version in `dir`. */
export function missingNpmTools(dir = npmToolsDir): string[] {
  return Object.entries(NPM_TOOL_PINS).filter(([name, version]) => {
    try {
      return JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version !== version;
    } catch {
      return true;
    }
  }).map(([name]) => name);
}

/** The system npm (the one clients use), found on the clients' PATH. */
export function systemNpm(): string {
  const found = spawnSync("sh", ["-c", "command -v npm"], { env: { PATH: CLIENT_PATH }, encoding: "utf8" });
  if (found.status !== 0 || !found.stdout.trim()) throw new Error("npm is not installed (it is preinstalled with Node on these machines)");
  return found.stdout.trim();
}

/**
 * Installs the pinned tools into `.e2e/tools` unless they are all there already. Uses the
 * caller's environment (proxy and CA variables reach the npm registry) with the system npm
 * and node first on PATH.
 */
export function ensureNpmTools(options: { log?: (line: string) => void } = {}): NpmTools {
  const dir = npmToolsDir;
  const paths = toolPaths(dir);
  const missing = missingNpmTools(dir);
  if (missing.length === 0) return paths;
  const log = options.log ?? ((line: string) => console.error(line));
  log(`installing npm tools into ${dir} (${missing.join(", ")} missing or at another version)`);
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: "edge-registry-e2e-tools",
    private: true,
    description: "Pinned npm clients and servers for test/e2e and bench/npm (not project dependencies)",
    dependencies: NPM_TOOL_PINS,
    overrides: NPM_TOOL_OVERRIDES,
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = systemNpm();
  const env = { ...process.env, PATH: `${CLIENT_PATH}:${process.env["PATH"] ?? ""}` };
  const run = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"], { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
  if (run.status !== 0) throw new Error(`npm install in ${dir} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  const still = missingNpmTools(dir);
  if (still.length) throw new Error(`npm install in ${dir} did not install ${still.join(", ")}`);
  for (const [name, path] of Object.entries(paths)) if (name !== "dir" && !existsSync(path)) throw new Error(`${name}: no ${path}`);
  return paths;
}

/**
 * Gate for a suite that needs the npm tools: outside CI a failed install skips the suite;
 * in CI (`CI=true`) it is a failure (`assertAvailable()` in beforeAll rethrows). `.ci/run`
 * installs them first (test/e2e/clients/npm.ts).
 */
export function npmToolsGate(): { tools: NpmTools | null; skip: boolean; assertAvailable(): NpmTools } {
  let tools: NpmTools | null = null;
  let failure: unknown = null;
  try {
    systemNpm();
    tools = ensureNpmTools();
  } catch (error) {
    failure = error;
  }
  return {
    tools,
    skip: tools === null && !isCI(),
    assertAvailable() {
      if (!tools) throw new Error(`npm tools unavailable (required in CI; see .ci/run): ${String(failure)}`);
      return tools;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Clients with their own HOME, cache, store and npmrc
// ---------------------------------------------------------------------------------------

export interface NpmClient {
  /** The temp dir holding home/, cache/, store/, .npmrc. */
  dir: string;
  home: string;
  npmrc: string;
  /** Variables for every client run (on top of runCli's PATH/HOME/LANG/TMPDIR). */
  env: Record<string, string>;
  npm(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  yarn(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  pnpm(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Removes the temp dir. */
  dispose(): Promise<void>;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  input?: string;
}

export interface NpmClientOptions {
  /** `registry=` (with trailing slash), e.g. `http://127.0.0.1:PORT/npm/npm-all/`. */
  registry: string;
  /** `_authToken` for the registry URL (and any `extraAuth` URLs). */
  token?: string;
  /** More `//host:port/path/:_authToken=` lines: URL → token. */
  extraAuth?: Record<string, string>;
  /** More npmrc lines (e.g. `@scope:registry=…`). */
  extraLines?: string[];
  /** Temp dir prefix. */
  label?: string;
}

/** `//host:port/path/:_authToken=token` for a registry URL. */
export function authLine(registryUrl: string, token: string): string {
  const url = new URL(registryUrl);
  const path = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${path}:_authToken=${token}`;
}

export async function npmClient(tools: NpmTools | null, options: NpmClientOptions): Promise<NpmClient> {
  const dir = await mkdtemp(join(tmpdir(), `${options.label ?? "edge-registry-npm-client"}-`));
  const home = join(dir, "home");
  const cache = join(dir, "cache");
  await mkdir(home);
  await mkdir(cache);
  const npmrc = join(dir, ".npmrc");
  const lines = [
    `registry=${options.registry}`,
    ...(options.token ? [authLine(options.registry, options.token)] : []),
    ...Object.entries(options.extraAuth ?? {}).map(([url, token]) => authLine(url, token)),
    "fund=false",
    "audit=false",
    "update-notifier=false",
    ...(options.extraLines ?? []),
  ];
  await writeFile(npmrc, `${lines.join("\n")}\n`, { mode: 0o600 });
  // The same npmrc as ~/.npmrc too: yarn classic reads the home and project .npmrc, not NPM_CONFIG_USERCONFIG.
  await writeFile(join(home, ".npmrc"), `${lines.join("\n")}\n`, { mode: 0o600 });
  await writeFile(join(home, ".yarnrc"), `registry "${options.registry}"\ndisable-self-update-check true\n`);
  const env: Record<string, string> = {
    NPM_CONFIG_USERCONFIG: npmrc,
    NPM_CONFIG_CACHE: join(cache, "npm"),
    NPM_CONFIG_UPDATE_NOTIFIER: "false",
    YARN_CACHE_FOLDER: join(cache, "yarn"),
    YARN_DISABLE_SELF_UPDATE_CHECK: "true",
    PNPM_HOME: join(dir, "pnpm-home"),
    XDG_CACHE_HOME: join(cache, "xdg"),
    XDG_DATA_HOME: join(dir, "xdg-data"),
    XDG_CONFIG_HOME: join(dir, "xdg-config"),
    XDG_STATE_HOME: join(dir, "xdg-state"),
    NO_COLOR: "1",
    CI: "true",
  };
  const node = systemNode();
  const run = (argv: string[], opts: RunOptions = {}): Promise<CliResult> =>
    runCli(argv[0] ?? "", argv.slice(1), {
      home,
      cwd: opts.cwd ?? home,
      env: { ...env, ...opts.env },
      timeoutMs: opts.timeoutMs ?? 180_000,
      ...(opts.input === undefined ? {} : { input: opts.input }),
    });
  const need = (): NpmTools => {
    if (!tools) throw new Error("npm tools are not installed (ensureNpmTools)");
    return tools;
  };
  return {
    dir,
    home,
    npmrc,
    env,
    npm: (args, opts) => run(["npm", ...args], opts),
    yarn: (args, opts) => run([node, need().yarn, "--cache-folder", join(cache, "yarn"), "--no-progress", "--non-interactive", ...args], opts),
    pnpm: (args, opts) => run([node, need().pnpm, ...args, "--store-dir", join(dir, "pnpm-store"), "--cache-dir", join(cache, "pnpm")], opts),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The node of the clients' PATH (system Node: what npm itself runs on here). */
export function systemNode(): string {
  const found = spawnSync("sh", ["-c", "command -v node"], { env: { PATH: CLIENT_PATH }, encoding: "utf8" });
  if (found.status !== 0 || !found.stdout.trim()) throw new Error("node is not on the clients' PATH");
  return found.stdout.trim();
}

/** Output of a client run for assertion messages. */
export function output(r: CliResult): string {
  return `exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

// ---------------------------------------------------------------------------------------
// Verdaccio
// ---------------------------------------------------------------------------------------

export interface Verdaccio {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  port: number;
  dir: string;
  storage: string;
  pid: number;
  logs(): string;
  /** Registers `name` (htpasswd) and returns its token. */
  addUser(name: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

export interface VerdaccioOptions {
  /** The node to run it with (default: this process's node). */
  node?: string;
  label?: string;
  /** Verdaccio log level (default `warn`). */
  logLevel?: string;
}

/**
 * Verdaccio on a free loopback port with a temp config: storage and htpasswd in a temp dir,
 * `uplinks: {}` (it never reaches npmjs), reads open to all, publish/unpublish for any
 * registered user, web UI off, 100 MB bodies.
 */
export async function startVerdaccio(tools: NpmTools, options: VerdaccioOptions = {}): Promise<Verdaccio> {
  const dir = await mkdtemp(join(tmpdir(), `${options.label ?? "edge-registry-verdaccio"}-`));
  const storage = join(dir, "storage");
  await mkdir(storage);
  await mkdir(join(dir, "plugins"));
  const config = join(dir, "config.yaml");
  const access = "    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n";
  await writeFile(config, `storage: ${JSON.stringify(storage)}
plugins: ${JSON.stringify(join(dir, "plugins"))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, "htpasswd"))}
    max_users: 1000
uplinks: {}
packages:
  '@*/*':
${access}  '**':
${access}web:
  enable: false
max_body_size: 100mb
server:
  keepAliveTimeout: 60
log: { type: stdout, format: pretty, level: ${options.logLevel ?? "warn"} }
`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launchVerdaccio(tools, options.node ?? process.execPath, config, dir, storage, port);
    } catch (error) {
      lastError = error;
      if (!/EADDRINUSE/.test(String(error))) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launchVerdaccio(tools: NpmTools, node: string, config: string, dir: string, storage: string, port: number): Promise<Verdaccio> {
  const child = spawn(node, [tools.verdaccio, "--config", config, "--listen", `127.0.0.1:${port}`], {
    cwd: dir,
    env: { PATH: CLIENT_PATH, HOME: dir, LANG: "C.UTF-8", TMPDIR: tmpdir(), NODE_ENV: "production" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (c: Buffer): void => {
    log = (log + c.toString("utf8")).slice(-256 * 1024);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn verdaccio");
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  const kill = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* gone */
    }
  };
  const onExit = (): void => kill("SIGKILL");
  process.on("exit", onExit);
  let stopped = false;
  const stop = async (keepDir = false): Promise<void> => {
    if (stopped) return;
    stopped = true;
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    process.off("exit", onExit);
    if (!keepDir && process.env["E2E_KEEP_STATE"] !== "1") await rm(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop(true);
      throw new Error(`verdaccio exited before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/-/ping`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`verdaccio did not answer /-/ping within 60 s:\n${log}`);
    }
    await sleep(200);
  }
  return {
    baseUrl,
    port,
    dir,
    storage,
    pid,
    logs: () => log,
    async addUser(name, password) {
      const res = await fetch(`${baseUrl}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: "user", roles: [], date: new Date().toISOString() }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`verdaccio adduser ${name}: ${res.status} ${text}`);
      const token = (JSON.parse(text) as { token?: string }).token;
      if (!token) throw new Error(`verdaccio adduser ${name}: no token in ${text}`);
      return token;
    },
    stop: () => stop(),
  };
}

// ---------------------------------------------------------------------------------------
// Packages built in memory, published over HTTP
// ---------------------------------------------------------------------------------------

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write("00000000000\0", 136); // mtime 0, like npm pack's fixed date is irrelevant here
  h.write("        ", 148);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/** A gzipped tar with `package/<path>` entries, as `npm pack` lays it out. */
export function npmTarball(files: Record<string, string | Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const body = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    parts.push(tarHeader(`package/${path}`, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}

export interface TinyPackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  description?: string;
  /** More package.json fields (scripts, engines, repository, …). */
  extra?: Record<string, unknown>;
}

/** package.json + index.js for a tiny package that exports its name and version. */
export function tinyPackageFiles(pkg: TinyPackage): Record<string, string> {
  const manifest = { name: pkg.name, version: pkg.version, description: pkg.description ?? `${pkg.name} test package`, main: "index.js", license: "MIT", ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}), ...pkg.extra };
  return {
    "package.json": `${JSON.stringify(manifest, null, 2)}\n`,
    "index.js": `module.exports = ${JSON.stringify({ name: pkg.name, version: pkg.version })};\n`,
  };
}

/**
 * The JSON document `npm publish` PUTs to `{registry}{name}`: the version object (with
 * `dist.integrity`/`shasum`/`tarball`) and the tarball in `_attachments`, base64.
 */
export function publishDocument(registry: string, pkg: TinyPackage, tarball: Uint8Array, tag = "latest"): string {
  const basename = pkg.name.startsWith("@") ? (pkg.name.split("/")[1] ?? pkg.name) : pkg.name;
  const filename = `${pkg.name}/-/${basename}-${pkg.version}.tgz`;
  const version = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description ?? `${pkg.name} test package`,
    main: "index.js",
    license: "MIT",
    ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
    ...pkg.extra,
    _id: `${pkg.name}@${pkg.version}`,
    dist: {
      integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
      shasum: createHash("sha1").update(tarball).digest("hex"),
      tarball: `${registry}${filename}`,
    },
  };
  return JSON.stringify({
    _id: pkg.name,
    name: pkg.name,
    description: version.description,
    "dist-tags": { [tag]: pkg.version },
    versions: { [pkg.version]: version },
    access: null,
    _attachments: { [`${basename}-${pkg.version}.tgz`]: { content_type: "application/octet-stream", data: Buffer.from(tarball).toString("base64"), length: tarball.byteLength } },
  });
}

/** `PUT {registry}{name}` with a publish document; throws unless 2xx. Returns the status. */
export async function publishOverHttp(registry: string, token: string, pkg: TinyPackage, tag = "latest", tarball: Uint8Array = npmTarball(tinyPackageFiles(pkg))): Promise<number> {
  const url = `${registry}${pkg.name.replace("/", "%2f")}`;
  const res = await fetch(url, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "npm-command": "publish" },
    body: publishDocument(registry, pkg, tarball, tag),
  });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) throw new Error(`PUT ${url} (${pkg.version}): ${res.status} ${text}`);
  return res.status;
}
