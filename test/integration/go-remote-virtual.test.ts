// Go remote (pull-through of a module proxy) and virtual repositories in workerd: .info/.mod/.zip
// cached as immutable, @v/list and @latest as metadata, the list unioned across members,
// @latest the highest, shielding by module path, an upstream down.
import { describe, expect, it } from "vitest";
import { call, createRepository, sha256 } from "../helpers/client";
import { goPackage, moduleZip } from "../helpers/go-modules";
import { useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const PROXY = "https://goproxy.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

/** Serves `module` at `{PROXY}/{prefix}/` as a static GOPROXY directory would. */
function upstreamModule(prefix: string, escaped: string, versions: Record<string, Uint8Array>): void {
  const base = `${PROXY}/${prefix}/${escaped}/@v/`;
  upstream.on(`${base}list`, () => new Response(Object.keys(versions).map((v) => `${v}\n`).join(""), { headers: { "Content-Type": "text/plain" } }));
  for (const [version, zip] of Object.entries(versions)) {
    upstream.on(`${base}${version}.info`, () => Response.json({ Version: version, Time: "2024-01-01T00:00:00Z" }));
    upstream.on(`${base}${version}.mod`, () => new Response(`module ${escaped}\n`, { headers: { "Content-Type": "text/plain" } }));
    upstream.on(`${base}${version}.zip`, () => new Response(zip, { headers: { "Content-Type": "application/zip" } }));
  }
  const latest = Object.keys(versions).at(-1);
  if (latest) upstream.on(`${PROXY}/${prefix}/${escaped}/@latest`, () => Response.json({ Version: latest, Time: "2024-01-01T00:00:00Z" }));
}

async function remote(): Promise<string> {
  const name = unique("go-remote");
  await createRepository({ name, format: "go", kind: "remote", visibility: "private", remote: { url: `${PROXY}/${name}/` } });
  return name;
}

async function hosted(): Promise<string> {
  const name = unique("go-hosted");
  await createRepository({ name, format: "go", kind: "hosted", visibility: "private" });
  return name;
}

describe("go remote", () => {
  it("pulls .info/.mod/.zip through once (immutable) and relays @v/list and @latest", async () => {
    const proxy = await remote();
    const zip = moduleZip("example.test/dep", "v1.2.0", { "dep.go": goPackage("dep", "upstream") });
    upstreamModule(proxy, "example.test/dep", { "v1.1.0": moduleZip("example.test/dep", "v1.1.0"), "v1.2.0": zip });

    expect(await (await call(`/go/${proxy}/example.test/dep/@v/list`)).text()).toBe("v1.1.0\nv1.2.0\n");
    expect(((await (await call(`/go/${proxy}/example.test/dep/@latest`)).json()) as { Version: string }).Version).toBe("v1.2.0");
    for (let i = 0; i < 2; i++) {
      const res = await call(`/go/${proxy}/example.test/dep/@v/v1.2.0.zip`);
      expect(res.status).toBe(200);
      expect(await sha256(await res.arrayBuffer())).toBe(await sha256(zip));
      expect(res.headers.get("X-Cache")).toBe(i === 0 ? "MISS" : "HIT");
    }
    expect(upstream.to(`${PROXY}/${proxy}/example.test/dep/@v/v1.2.0.zip`)).toHaveLength(1);
    expect(((await (await call(`/go/${proxy}/example.test/dep/@v/v1.2.0.info`)).json()) as { Version: string }).Version).toBe("v1.2.0");
    expect((await call(`/go/${proxy}/example.test/dep/@v/v9.9.9.zip`)).status).toBe(404);
  });
});

describe("go virtual", () => {
  it("unions @v/list, takes the highest @latest and serves each version from the member that has it", async () => {
    const left = await remote();
    const right = await remote();
    const virtual = unique("go-virtual");
    await createRepository({ name: virtual, format: "go", kind: "virtual", visibility: "private", members: [{ repository: left, priority: 10 }, { repository: right, priority: 1 }] });
    const old = moduleZip("example.test/both", "v1.0.0");
    const newer = moduleZip("example.test/both", "v1.3.0");
    upstreamModule(left, "example.test/both", { "v1.0.0": old });
    upstreamModule(right, "example.test/both", { "v1.3.0": newer });

    expect(await (await call(`/go/${virtual}/example.test/both/@v/list`)).text()).toBe("v1.0.0\nv1.3.0\n");
    expect(((await (await call(`/go/${virtual}/example.test/both/@latest`)).json()) as { Version: string }).Version).toBe("v1.3.0");
    const fromRight = await call(`/go/${virtual}/example.test/both/@v/v1.3.0.zip`);
    expect(fromRight.headers.get("X-Registry-Member")).toBe(right);
    expect(await sha256(await fromRight.arrayBuffer())).toBe(await sha256(newer));
  });

  it("shields a module path a hosted member has: the remote is never asked for it", async () => {
    const ours = await hosted();
    const proxy = await remote();
    const virtual = unique("go-virtual");
    await createRepository({ name: virtual, format: "go", kind: "virtual", visibility: "private", members: [{ repository: ours, priority: 10 }, { repository: proxy, priority: 1 }] });
    const mine = moduleZip("corp.test/Internal", "v1.0.0", { "i.go": goPackage("internal", "hosted") });
    expect((await call(`/go/${ours}/upload`, { method: "PUT", body: mine })).status).toBe(201);
    // The attacker's upstream publishes a higher version of the same path.
    upstreamModule(proxy, "corp.test/!internal", { "v9.0.0": moduleZip("corp.test/Internal", "v9.0.0") });
    upstreamModule(proxy, "example.test/public", { "v0.1.0": moduleZip("example.test/public", "v0.1.0") });

    expect(await (await call(`/go/${virtual}/corp.test/!internal/@v/list`)).text()).toBe("v1.0.0\n");
    expect(((await (await call(`/go/${virtual}/corp.test/!internal/@latest`)).json()) as { Version: string }).Version).toBe("v1.0.0");
    expect((await call(`/go/${virtual}/corp.test/!internal/@v/v9.0.0.zip`)).status).toBe(404);
    const zip = await call(`/go/${virtual}/corp.test/!internal/@v/v1.0.0.zip`);
    expect(zip.headers.get("X-Registry-Member")).toBe(ours);
    expect(await sha256(await zip.arrayBuffer())).toBe(await sha256(mine));
    expect(upstream.to(`${PROXY}/${proxy}/corp.test/!internal/@v/list`)).toHaveLength(0);
    expect(upstream.to(`${PROXY}/${proxy}/corp.test/!internal/@v/v9.0.0.zip`)).toHaveLength(0);

    expect(await (await call(`/go/${virtual}/example.test/public/@v/list`)).text()).toBe("v0.1.0\n");
    expect((await call(`/go/${virtual}/example.test/public/@v/v0.1.0.mod`)).headers.get("X-Registry-Member")).toBe(proxy);
  });

  it("an upstream that is down leaves its member out of the list; a virtual upload goes to the deploy member", async () => {
    const ours = await hosted();
    const proxy = await remote();
    const virtual = unique("go-virtual");
    await createRepository({ name: virtual, format: "go", kind: "virtual", visibility: "private", members: [{ repository: ours, priority: 10 }, { repository: proxy, priority: 1 }], settings: { deployMember: ours } });
    upstream.on(`${PROXY}/${proxy}/example.test/mixed/@v/list`, () => new Response("boom", { status: 503 }));
    const res = await call(`/go/${virtual}/upload`, { method: "PUT", body: moduleZip("example.test/mixed", "v0.2.0") });
    expect(res.status).toBe(201);
    expect(await (await call(`/go/${virtual}/example.test/mixed/@v/list`)).text()).toBe("v0.2.0\n");
    expect(await (await call(`/go/${ours}/example.test/mixed/@v/list`)).text()).toBe("v0.2.0\n");
  });
});
