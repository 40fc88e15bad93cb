/**
 * Maven helpers for e2e tests and benchmarks that run the real `mvn` (3.8.7, JDK 17).
 *
 * `~/.m2/repository` holds the pinned plugins (test/e2e/clients/maven.ts pre-fetches them;
 * the suites' own settings.xml replaces the machine's, so they cannot download plugins
 * themselves), and it must stay untouched by the suites. `isolatedLocalRepo()` builds a throwaway
 * local repository that *links* to it (one symlink per entry) except along the test's own
 * groupId paths, which are real, initially empty directories: what mvn downloads for the
 * test lands in the temp dir, plugins still resolve from the pre-filled cache, and a fresh
 * local repository is one more call. Dispose removes only the temp dir (never follows links).
 *
 * Only erasable TypeScript and node built-ins (bench/*.mjs import this file under Node 24).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliResult } from "./harness.ts";

/** Pinned plugin versions; test/e2e/clients/maven.ts pre-fetches them into ~/.m2. */
export const MAVEN_PLUGINS = {
  deploy: "org.apache.maven.plugins:maven-deploy-plugin:3.1.2",
  resources: "3.3.1",
  compiler: "3.13.0",
} as const;

/** The pre-filled local repository of the user running the tests (E2E_MAVEN_REPO overrides). */
export function sharedMavenRepo(): string {
  return process.env["E2E_MAVEN_REPO"] ?? join(homedir(), ".m2", "repository");
}

export interface LocalRepo {
  path: string;
  dispose(): Promise<void>;
}

/**
 * A temp local repository: symlinks to every entry of the shared one, except along
 * `groupIds` (e.g. `com.edgetest`), which stay real directories and start empty.
 */
export async function isolatedLocalRepo(groupIds: readonly string[]): Promise<LocalRepo> {
  const shared = sharedMavenRepo();
  const path = await mkdtemp(join(tmpdir(), "edge-registry-m2-"));
  const own = groupIds.map((g) => g.split("."));
  const link = async (src: string, dst: string, paths: string[][]): Promise<void> => {
    await mkdir(dst, { recursive: true });
    if (!existsSync(src)) return;
    for (const name of await readdir(src)) {
      const below = paths.filter((p) => p[0] === name).map((p) => p.slice(1));
      if (below.length === 0) await symlink(join(src, name), join(dst, name));
      else if (below.some((p) => p.length === 0)) continue; // the test's own group: absent, i.e. empty
      else await link(join(src, name), join(dst, name), below);
    }
  };
  await link(shared, path, own);
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** settings.xml with one server entry (username is arbitrary, the token is the password). */
export function settingsXml(serverId: string, token: string): string {
  return `<settings>
  <servers>
    <server>
      <id>${serverId}</id>
      <username>mvn</username>
      <password>${token}</password>
    </server>
  </servers>
</settings>
`;
}

export interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

/** A jar project that resolves `dependencies` from one repository, plugins pinned to the pre-filled ones. */
export function projectPom(options: { coordinates: Coordinates; repositoryId: string; repositoryUrl: string; dependencies: readonly Coordinates[] }): string {
  const { coordinates: c } = options;
  const deps = options.dependencies
    .map((d) => `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${c.groupId}</groupId>
  <artifactId>${c.artifactId}</artifactId>
  <version>${c.version}</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>${options.repositoryId}</id>
      <url>${options.repositoryUrl}</url>
    </repository>
  </repositories>
  <dependencies>
${deps}
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>${MAVEN_PLUGINS.resources}</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>${MAVEN_PLUGINS.compiler}</version></plugin>
    </plugins>
  </build>
</project>
`;
}

/** The POM of a published jar without dependencies. */
export function artifactPom(c: Coordinates): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${c.groupId}</groupId>
  <artifactId>${c.artifactId}</artifactId>
  <version>${c.version}</version>
  <packaging>jar</packaging>
</project>
`;
}

function check(result: CliResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * Compiles `sources` (fully qualified class name → Java source) with javac and packs them
 * with `jar cf`; returns the jar's bytes. `dir` must be an empty scratch directory.
 */
export async function buildJar(dir: string, sources: Record<string, string>, classpath: readonly string[] = []): Promise<Uint8Array> {
  const src = join(dir, "src");
  const classes = join(dir, "classes");
  await mkdir(classes, { recursive: true });
  const files: string[] = [];
  for (const [fqcn, code] of Object.entries(sources)) {
    const parts = fqcn.split(".");
    const file = join(src, ...parts.slice(0, -1), `${parts.at(-1)}.java`);
    await mkdir(join(src, ...parts.slice(0, -1)), { recursive: true });
    await writeFile(file, code);
    files.push(file);
  }
  check(await runCli("javac", ["--release", "17", "-d", classes, ...(classpath.length ? ["-cp", classpath.join(":")] : []), ...files], { cwd: dir }), "javac");
  const jar = join(dir, "out.jar");
  check(await runCli("jar", ["cf", jar, "-C", classes, "."], { cwd: dir }), "jar cf");
  return new Uint8Array(await readFile(jar));
}

const hex = (algorithm: string, data: Uint8Array | string): string => createHash(algorithm).update(data).digest("hex");

/** `com.example` + `lib` → `com/example/lib`. */
export function artifactDir(c: Pick<Coordinates, "groupId" | "artifactId">): string {
  return `${c.groupId.replaceAll(".", "/")}/${c.artifactId}`;
}

/**
 * The files a Maven 2 layout holds for a release jar, keyed by repository-relative path:
 * jar and pom with their .sha1/.md5, and artifact-level maven-metadata.xml (+ .sha1/.md5)
 * listing `versions` (default: just this one).
 */
export function mavenLayout(c: Coordinates, jar: Uint8Array, versions: readonly string[] = [c.version]): Map<string, Uint8Array> {
  const dir = artifactDir(c);
  const base = `${dir}/${c.version}/${c.artifactId}-${c.version}`;
  const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
  const pom = encode(artifactPom(c));
  const latest = versions.at(-1) ?? c.version;
  const metadata = encode(`<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>${c.groupId}</groupId>
  <artifactId>${c.artifactId}</artifactId>
  <versioning>
    <latest>${latest}</latest>
    <release>${latest}</release>
    <versions>
${versions.map((v) => `      <version>${v}</version>`).join("\n")}
    </versions>
    <lastUpdated>20250101000000</lastUpdated>
  </versioning>
</metadata>
`);
  const files = new Map<string, Uint8Array>();
  for (const [path, body] of [[`${base}.jar`, jar], [`${base}.pom`, pom], [`${dir}/maven-metadata.xml`, metadata]] as const) {
    files.set(path, body);
    files.set(`${path}.sha1`, encode(hex("sha1", body)));
    files.set(`${path}.md5`, encode(hex("md5", body)));
  }
  return files;
}

/** Runs `mvn -B` with a scrubbed environment (see runCli); never throws on failure. */
export function runMvn(args: readonly string[], options: { cwd: string; timeoutMs?: number }): Promise<CliResult> {
  return runCli("mvn", ["-B", ...args], { cwd: options.cwd, timeoutMs: options.timeoutMs ?? 240_000 });
}
