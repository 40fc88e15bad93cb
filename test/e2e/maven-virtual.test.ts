/**
 * Maven virtual repositories with the real `mvn` against a real `wrangler dev`:
 * `deploy:deploy-file` puts a jar into a hosted repository; a project whose two
 * dependencies live one in that hosted member and one behind a remote member (its upstream
 * is a local counting HTTP server serving a Maven layout generated here) resolves both
 * through one virtual URL with `mvn -B compile`. A second resolution from a fresh local
 * repository is served from the registry's cache: the upstream sees no new request.
 *
 * mvn runs with a scrubbed environment and `-Dmaven.repo.local` pointing at a temp local
 * repository that links to the pre-filled ~/.m2 for plugins but keeps `com/edgetest` (this
 * suite's groupId) private and empty, so ~/.m2 is never written for it and runs repeat.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, clientGate, startRegistry, type Registry } from "./harness";
import { buildJar, isolatedLocalRepo, MAVEN_PLUGINS, mavenLayout, projectPom, runMvn, settingsXml, type Coordinates, type LocalRepo } from "./maven";

const gates = ["mvn", "javac", "jar"].map((c) => clientGate(c));
const skip = gates.some((g) => g.skip);

const GROUP = "com.edgetest";
const HOSTED = "libs";
const REMOTE = "upstream";
const VIRTUAL = "all";
const SERVER_ID = "edge-registry";
/** Served by the upstream, under this prefix (the remote's URL). */
const UPSTREAM_PREFIX = "/maven2";

const greet: Coordinates = { groupId: GROUP, artifactId: "greet", version: "1.0" };
const shout: Coordinates = { groupId: GROUP, artifactId: "shout", version: "2.0" };

const sha1 = (data: Uint8Array): string => createHash("sha1").update(data).digest("hex");

describe.skipIf(skip)("maven: deploy-file to hosted, resolve hosted + remote through one virtual (real mvn)", () => {
  let registry: Registry;
  let upstream: CountingServer;
  let work: string;
  let token: string;
  let greetJar: Uint8Array;
  let shoutFiles: Map<string, Uint8Array>;
  let project: string;
  const localRepos: LocalRepo[] = [];

  const mvnSettings = (): string => join(work, "settings.xml");
  const virtualUrl = (): string => `${registry.baseUrl}/maven/${VIRTUAL}`;
  const isArtifact = (path: string): boolean => !/\/maven-metadata\.xml(\.[a-z0-9]+)?$/.test(path);

  async function compile(localRepo: LocalRepo) {
    return runMvn(["-s", mvnSettings(), `-Dmaven.repo.local=${localRepo.path}`, "compile"], { cwd: project });
  }

  beforeAll(async () => {
    for (const gate of gates) gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-maven-"));
    upstream = await startCountingServer();
    registry = await startRegistry({ label: "edge-registry-e2e-maven-virtual" });

    // Jars: greet (deployed by mvn to the hosted member), shout (only upstream), and a
    // look-alike greet the upstream also offers: shielding must keep mvn from ever seeing it.
    await mkdir(join(work, "greet"));
    greetJar = await buildJar(join(work, "greet"), {
      "com.edgetest.greet.Greeter": "package com.edgetest.greet;\npublic class Greeter {\n  public static String greet(String who) { return \"Hello, \" + who; }\n}\n",
    });
    await mkdir(join(work, "shout"));
    const shoutJar = await buildJar(join(work, "shout"), {
      "com.edgetest.shout.Shouter": "package com.edgetest.shout;\npublic class Shouter {\n  public static String shout(String s) { return s.toUpperCase() + \"!\"; }\n}\n",
    });
    await mkdir(join(work, "evil"));
    const evilJar = await buildJar(join(work, "evil"), { "com.edgetest.greet.Evil": "package com.edgetest.greet;\npublic class Evil {}\n" });
    shoutFiles = mavenLayout(shout, shoutJar, ["1.0", "2.0"]);
    for (const [path, body] of shoutFiles) upstream.put(`${UPSTREAM_PREFIX}/${path}`, body);
    for (const [path, body] of mavenLayout(greet, evilJar)) upstream.put(`${UPSTREAM_PREFIX}/${path}`, body);

    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: HOSTED, format: "maven", kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: REMOTE, format: "maven", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}${UPSTREAM_PREFIX}/`, metadataTtlSeconds: 3600 } },
    });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: {
        name: VIRTUAL, format: "maven", kind: "virtual", visibility: "private",
        members: [{ repository: HOSTED, priority: 10 }, { repository: REMOTE, priority: 1 }],
        settings: { deployMember: HOSTED },
      },
    });
    // A read through a virtual consults only the members the caller may read (docs/auth.md): the token names all three.
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-mvn", scopes: ["read", "write"], repositories: [HOSTED, REMOTE, VIRTUAL] } })).token;
    await writeFile(mvnSettings(), settingsXml(SERVER_ID, token));

    project = join(work, "app");
    await mkdir(join(project, "src", "main", "java", "com", "edgetest", "app"), { recursive: true });
    await writeFile(join(project, "pom.xml"), projectPom({
      coordinates: { groupId: `${GROUP}.app`, artifactId: "app", version: "1.0" },
      repositoryId: SERVER_ID,
      repositoryUrl: virtualUrl(),
      // A version range for shout: mvn must read the upstream's maven-metadata.xml through the virtual.
      dependencies: [greet, { ...shout, version: "[2.0,3.0)" }],
    }));
    await writeFile(join(project, "src", "main", "java", "com", "edgetest", "app", "App.java"), [
      "package com.edgetest.app;",
      "import com.edgetest.greet.Greeter;",
      "import com.edgetest.shout.Shouter;",
      "public class App {",
      "  public static void main(String[] args) { System.out.println(Shouter.shout(Greeter.greet(\"maven\"))); }",
      "}",
      "",
    ].join("\n"));
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    for (const repo of localRepos) await repo.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("mvn deploy:deploy-file puts the jar into the hosted repository", async () => {
    const jarPath = join(work, "greet-1.0.jar");
    await writeFile(jarPath, greetJar);
    const local = await isolatedLocalRepo([GROUP]);
    localRepos.push(local);
    const result = await runMvn([
      "-s", mvnSettings(), `-Dmaven.repo.local=${local.path}`,
      `${MAVEN_PLUGINS.deploy}:deploy-file`,
      `-Durl=${registry.baseUrl}/maven/${HOSTED}`, `-DrepositoryId=${SERVER_ID}`, `-Dfile=${jarPath}`,
      `-DgroupId=${greet.groupId}`, `-DartifactId=${greet.artifactId}`, `-Dversion=${greet.version}`, "-Dpackaging=jar",
    ], { cwd: work });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("BUILD SUCCESS");
    const back = await fetch(`${registry.baseUrl}/maven/${HOSTED}/com/edgetest/greet/1.0/greet-1.0.jar`, { headers: { Authorization: `Bearer ${token}` } });
    expect(back.status).toBe(200);
    expect(sha1(new Uint8Array(await back.arrayBuffer()))).toBe(sha1(greetJar));
    expect(upstream.requests).toEqual([]);
  });

  it("mvn -B compile resolves one dependency from the hosted member and one from the remote member, through the virtual URL", async () => {
    const local = await isolatedLocalRepo([GROUP]);
    localRepos.push(local);
    const result = await compile(local);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("BUILD SUCCESS");
    expect(result.stdout).not.toMatch(/checksum (validation )?failed/i);

    // What mvn stored locally is exactly what each member holds.
    const shoutJar = shoutFiles.get("com/edgetest/shout/2.0/shout-2.0.jar");
    expect(shoutJar).toBeDefined();
    expect(sha1(await readFile(join(local.path, "com/edgetest/shout/2.0/shout-2.0.jar")))).toBe(sha1(shoutJar ?? new Uint8Array()));
    expect(sha1(await readFile(join(local.path, "com/edgetest/greet/1.0/greet-1.0.jar")))).toBe(sha1(greetJar));

    // The upstream saw the remote dependency's files (and its metadata, for the range)…
    for (const file of ["shout-2.0.jar", "shout-2.0.jar.sha1", "shout-2.0.pom", "shout-2.0.pom.sha1"]) expect(upstream.count(`${UPSTREAM_PREFIX}/com/edgetest/shout/2.0/${file}`), file).toBe(1);
    expect(upstream.count(`${UPSTREAM_PREFIX}/com/edgetest/shout/maven-metadata.xml`)).toBe(1);
    // …never the hosted one's (shielding: the hosted member has com.edgetest:greet).
    expect(upstream.countWhere((p) => p.includes("/greet/"))).toBe(0);
    // Each upstream path at most once (no duplicate fills), and nothing the layout lacks.
    const paths = upstream.requests.map((r) => r.path);
    expect(new Set(paths).size, paths.join("\n")).toBe(paths.length);
    expect(upstream.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("the virtual URL labels who served what (X-Registry-Member, X-Cache)", async () => {
    const headers = { Authorization: `Bearer ${token}` };
    const shoutRes = await fetch(`${virtualUrl()}/com/edgetest/shout/2.0/shout-2.0.jar`, { headers });
    expect(shoutRes.status).toBe(200);
    await shoutRes.arrayBuffer();
    expect(shoutRes.headers.get("x-registry-member")).toBe(REMOTE);
    expect(shoutRes.headers.get("x-cache")).toBe("HIT");
    const greetRes = await fetch(`${virtualUrl()}/com/edgetest/greet/1.0/greet-1.0.jar`, { headers });
    expect(greetRes.status).toBe(200);
    await greetRes.arrayBuffer();
    expect(greetRes.headers.get("x-registry-member")).toBe(HOSTED);
    // Anonymous mvn reads of a private repository get the Basic challenge mvn needs.
    const anonymous = await fetch(`${virtualUrl()}/com/edgetest/shout/2.0/shout-2.0.pom`);
    await anonymous.arrayBuffer();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate") ?? "").toMatch(/^Basic /);
  });

  it("a second resolution from a fresh local repository makes no new upstream requests (cache hit)", async () => {
    const before = upstream.requests.length;
    const artifactsBefore = upstream.countWhere(isArtifact);
    const local = await isolatedLocalRepo([GROUP]);
    localRepos.push(local);
    const result = await compile(local);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("BUILD SUCCESS");
    expect(result.stdout).not.toMatch(/checksum (validation )?failed/i);
    // mvn really downloaded again (the local repository was empty for com.edgetest)…
    expect(result.stdout).toMatch(/Downloaded from edge-registry: .*shout-2\.0\.jar/);
    expect(sha1(await readFile(join(local.path, "com/edgetest/shout/2.0/shout-2.0.jar")))).toBe(sha1(shoutFiles.get("com/edgetest/shout/2.0/shout-2.0.jar") ?? new Uint8Array()));
    // …and the registry answered from its cache.
    expect(upstream.countWhere(isArtifact) - artifactsBefore).toBe(0);
    expect(upstream.requests.slice(before).map((r) => r.path)).toEqual([]); // metadata too (TTL 3600 s)
  });
});
