/**
 * e2e client: mvn 3.8 + JDK 17 (Debian maven, default-jdk-headless when missing), and the
 * pinned Maven plugins the suites call, pre-fetched into the local repository the suites link
 * to (~/.m2/repository, or E2E_MAVEN_REPO). The suites run mvn with their own settings.xml,
 * which replaces the machine's user settings: plugins must already be local by then. Here mvn
 * runs with the machine's own environment and settings, which reach Maven Central.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAVEN_PLUGINS, sharedMavenRepo } from "../maven.ts";
import { ensureDebianClients } from "./support/debian.ts";

/** Plugins the suites execute (artifactId → exact version); all from org.apache.maven.plugins. */
export const PREFETCHED_PLUGINS: Record<string, string> = {
  "maven-deploy-plugin": MAVEN_PLUGINS.deploy.split(":").at(-1) as string,
  "maven-resources-plugin": MAVEN_PLUGINS.resources,
  "maven-compiler-plugin": MAVEN_PLUGINS.compiler,
  "maven-jar-plugin": "3.4.1",
};

const pluginJar = (repo: string, artifactId: string, version: string): string =>
  join(repo, "org", "apache", "maven", "plugins", artifactId, version, `${artifactId}-${version}.jar`);

function missingPlugins(repo: string): string[] {
  return Object.entries(PREFETCHED_PLUGINS).filter(([a, v]) => !existsSync(pluginJar(repo, a, v))).map(([a, v]) => `${a}:${v}`);
}

/** Runs every pinned plugin once on a throwaway project, which resolves it and its dependencies. */
async function prefetch(repo: string, log: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-mvn-prefetch-"));
  try {
    await mkdir(join(dir, "src", "main", "java", "prefetch"), { recursive: true });
    await writeFile(join(dir, "src", "main", "java", "prefetch", "Hello.java"), "package prefetch;\npublic class Hello {}\n");
    const plugins = Object.entries(PREFETCHED_PLUGINS)
      .map(([a, v]) => `      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>${a}</artifactId><version>${v}</version></plugin>`)
      .join("\n");
    await writeFile(join(dir, "pom.xml"), `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>prefetch</groupId>
  <artifactId>prefetch</artifactId>
  <version>1.0</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <build>
    <plugins>
${plugins}
    </plugins>
  </build>
</project>
`);
    const goal = (artifactId: string, name: string) => `org.apache.maven.plugins:${artifactId}:${PREFETCHED_PLUGINS[artifactId]}:${name}`;
    const args = [
      "-B", "-q", `-Dmaven.repo.local=${repo}`,
      goal("maven-resources-plugin", "resources"),
      goal("maven-compiler-plugin", "compile"),
      goal("maven-jar-plugin", "jar"),
      goal("maven-deploy-plugin", "deploy-file"),
      `-Dfile=${join(dir, "pom.xml")}`, "-Dpackaging=pom", "-DgroupId=prefetch", "-DartifactId=prefetch", "-Dversion=1.0",
      `-Durl=file://${join(dir, "deployed")}`, "-DrepositoryId=prefetch",
    ];
    log(`mvn ${args.slice(3, 7).join(" ")} (pre-fetching plugins into ${repo})`);
    const run = spawnSync("mvn", args, { cwd: dir, env: process.env, encoding: "utf8", timeout: 600_000 });
    if (run.status !== 0) log(`mvn failed (${run.status ?? run.signal}):\n${`${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-20).join("\n")}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  const commands = ensureDebianClients({ mvn: "maven", java: "default-jdk-headless", javac: "default-jdk-headless", jar: "default-jdk-headless" }, log);
  if (commands.length) return commands;
  const repo = sharedMavenRepo();
  if (missingPlugins(repo).length) await prefetch(repo, log);
  const plugins = missingPlugins(repo);
  if (plugins.length === 0) log(`plugins in ${repo}: ${Object.entries(PREFETCHED_PLUGINS).map(([a, v]) => `${a}:${v}`).join(" ")}`);
  return plugins;
}
