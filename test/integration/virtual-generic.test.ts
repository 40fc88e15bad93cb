import { describe, expect, it } from "vitest";
import { api, call, createRepository } from "../helpers/client";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";

const upstream = useFakeUpstream();

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

async function hosted(files: Record<string, string> = {}): Promise<string> {
  const name = unique("hosted");
  await createRepository({ name, format: "generic", kind: "hosted", visibility: "private" });
  for (const [path, body] of Object.entries(files)) {
    expect((await call(`/generic/${name}/${path}`, { method: "PUT", body })).status).toBe(201);
  }
  return name;
}

async function remote(files: Record<string, string> = {}): Promise<string> {
  const name = unique("remote");
  await createRepository({ name, format: "generic", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/${name}/` } });
  for (const [path, body] of Object.entries(files)) upstream.files.set(`/${name}/${path}`, { body });
  return name;
}

async function virtual(members: { repository: string; priority?: number }[], settings: Record<string, unknown> = {}): Promise<string> {
  const name = unique("virtual");
  await createRepository({ name, format: "generic", kind: "virtual", visibility: "private", members, settings });
  return name;
}

const FILE = "lib/1.0/lib.bin";
const read = (repo: string, path = FILE) => call(`/generic/${repo}/${path}`);

describe("virtual repository resolution", () => {
  it("higher priority wins; equal priorities keep the order added", async () => {
    const a = await hosted({ [FILE]: "from a" });
    const b = await hosted({ [FILE]: "from b" });
    const byPriority = await virtual([{ repository: a, priority: 1 }, { repository: b, priority: 5 }]);
    const res = await read(byPriority);
    expect(await res.text()).toBe("from b");
    expect(res.headers.get("X-Registry-Member")).toBe(b);
    expect(res.headers.get("X-Cache")).toBe("HIT");

    const tie = await virtual([{ repository: a, priority: 3 }, { repository: b, priority: 3 }]);
    expect(await (await read(tie)).text()).toBe("from a");
  });

  it("a cached lower-priority copy beats an uncached higher-priority upstream", async () => {
    const high = await remote({ [FILE]: "high upstream" });
    const low = await remote({ [FILE]: "low cached" });
    expect(await (await read(low)).text()).toBe("low cached"); // fills low's cache
    const v = await virtual([{ repository: high, priority: 10 }, { repository: low, priority: 1 }]);
    const res = await read(v);
    expect(await res.text()).toBe("low cached");
    expect(res.headers.get("X-Registry-Member")).toBe(low);
    expect(upstream.count(`/${high}/${FILE}`)).toBe(0);
  });

  it("asks remote upstreams in priority order when nobody has it locally", async () => {
    const first = await remote();
    const second = await remote({ [FILE]: "second upstream" });
    const v = await virtual([{ repository: first, priority: 2 }, { repository: second, priority: 1 }]);
    const res = await read(v);
    expect(await res.text()).toBe("second upstream");
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(upstream.count(`/${first}/${FILE}`)).toBe(1);
    expect((await read(v)).headers.get("X-Cache")).toBe("HIT");
  });

  it("answers 404 when no member has the file", async () => {
    const v = await virtual([{ repository: await hosted() }, { repository: await remote() }]);
    expect((await read(v)).status).toBe(404);
  });

  it("shields a package present in a hosted member from remote members", async () => {
    const internal = await hosted({ "lib/0.9/lib.bin": "internal 0.9" });
    const publicRemote = await remote({ [FILE]: "look-alike from the internet" });
    const v = await virtual([{ repository: internal, priority: 1 }, { repository: publicRemote, priority: 9 }]);
    expect((await read(v)).status).toBe(404);
    expect(upstream.requests).toHaveLength(0);
    const open = await virtual([{ repository: internal }, { repository: publicRemote }], { shielding: false });
    expect(await (await read(open)).text()).toBe("look-alike from the internet");
  });

  it("include/exclude patterns decide which member may serve a package", async () => {
    const internal = await hosted({ "acme-cli/1.0/a.bin": "internal acme" });
    const outside = await remote({ "acme-cli/1.0/a.bin": "outside acme", "left-pad/1.0/a.bin": "public left-pad", "acme-tool/1.0/a.bin": "outside tool" });
    const v = await virtual(
      [
        { repository: internal, include: ["acme-*"] } as { repository: string },
        { repository: outside, exclude: ["ACME-*"] } as { repository: string },
      ],
      { shielding: false },
    );
    expect(await (await read(v, "acme-cli/1.0/a.bin")).text()).toBe("internal acme");
    expect(await (await read(v, "left-pad/1.0/a.bin")).text()).toBe("public left-pad");
    // acme-tool is excluded from the remote and absent from the hosted member: nobody serves it.
    expect((await read(v, "acme-tool/1.0/a.bin")).status).toBe(404);
    expect(upstream.count(`/${outside}/acme-tool/1.0/a.bin`)).toBe(0);
    const described = (await (await api(`/repositories/${v}`)).json()) as { members: { include: string[] | null }[] };
    expect(described.members[0]?.include).toEqual(["acme-*"]);
  });

  it("deploys through the virtual repository to its deploy member", async () => {
    const target = await hosted();
    const v = await virtual([{ repository: target }, { repository: await remote() }], { deployMember: target });
    expect((await call(`/generic/${v}/new/1.0/n.bin`, { method: "PUT", body: "deployed" })).status).toBe(201);
    expect(await (await read(target, "new/1.0/n.bin")).text()).toBe("deployed");
    const noTarget = await virtual([{ repository: target }]);
    expect((await call(`/generic/${noTarget}/new/1.0/m.bin`, { method: "PUT", body: "x" })).status).toBe(405);
  });

  it("rejects a deploy member that is not a hosted member", async () => {
    const r = await remote();
    const res = await api("/repositories", "POST", { name: unique("bad"), format: "generic", kind: "virtual", members: [{ repository: r }], settings: { deployMember: r } });
    expect(res.status).toBe(400);
  });
});
