// The access matrix: every principal × every fixture repository (format × visibility × kind,
// plus a missing one) × every route row of table.ts, each answered as expected.ts says.
// Hidden repositories must answer byte-for-byte like the missing one (status, headers that
// matter, body with the name swapped), and no response may carry a secret the suite made.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { formats } from "../../../src/formats";
import { BASE } from "../../helpers/client";
import { useFakeUpstream } from "../../helpers/upstream";
import { expected } from "./expected";
import { createFixture, createFixtures, createUsers, credentialHeaders, disableUsers, secrets, throwawayToken } from "./fixtures";
import { FORMATS, fixtures, principals, routes, type RepoFixture, type RouteRow } from "./table";

const upstream = useFakeUpstream();
const headersOf: Record<string, string>[] = [];
/** Every response body and header block, with the secrets it may legitimately carry (a token it just created). */
const recorded: { cell: string; text: string; own: Set<string> }[] = [];

beforeAll(async () => {
  await createUsers();
  await createFixtures(fixtures, upstream);
  for (const [i, p] of principals.entries()) headersOf[i] = await credentialHeaders(p.credential, i);
  await disableUsers();
}, 120_000);

interface Answer {
  status: number;
  contentType: string | null;
  challenge: string | null;
  allow: string | null;
  body: string;
}

async function send(route: RouteRow, repo: RepoFixture | null, p: number): Promise<Answer> {
  const request = await route.request({ repo: repo ?? (null as never), p, throwawayToken });
  const headers = new Headers({ ...request.headers, ...headersOf[p] });
  const res = await exports.default.fetch(new Request(`${BASE}${request.path}`, { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body }) }));
  // Downloads are application/octet-stream: decode explicitly rather than calling text().
  const body = new TextDecoder().decode(await res.arrayBuffer());
  const own = new Set<string>();
  const created = /"token":"(er_[0-9a-f]{64})"/.exec(body)?.[1];
  if (created) {
    secrets.add(created);
    own.add(created);
  }
  recorded.push({ cell: `${principals[p]?.id} ${route.id} ${repo?.name ?? ""}`, text: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`, own });
  return { status: res.status, contentType: res.headers.get("Content-Type"), challenge: res.headers.get("WWW-Authenticate"), allow: res.headers.get("Allow"), body };
}

/** The answer with the repository's name (also in an OCI challenge's scope) and the request id taken out, for comparing hidden with missing. */
const normalized = (answer: Answer, name: string) => ({ ...answer, challenge: answer.challenge?.replaceAll(name, "<repo>") ?? null, body: answer.body.replaceAll(name, "<repo>").replace(/"requestId":"[^"]*"/g, '"requestId":"…"') });

describe("the table covers everything", () => {
  it("every operation of the OpenAPI document has a row", async () => {
    const doc = (await (await exports.default.fetch(new Request(`${BASE}/api/v1/openapi.json`))).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set(routes.map((r) => r.covers));
    expect(operations.filter((op) => !covered.has(op)), "API operations without a row in access-matrix/table.ts").toEqual([]);
    expect([...covered].filter((c) => !c.includes(":") && !operations.includes(c)), "rows for operations the API no longer has").toEqual([]);
  });

  it("every format has read, write and delete rows and fixtures", () => {
    for (const format of formats) {
      for (const op of ["read", "write", "delete"]) expect(routes.some((r) => r.covers === `${format.name}:${op}`), `${format.name}:${op} row in access-matrix/table.ts`).toBe(true);
      expect(FORMATS as readonly string[], `${format.name} fixtures in access-matrix/table.ts`).toContain(format.name);
    }
  });
});

describe("access matrix", () => {
  for (const route of routes) {
    it(route.id, async () => {
      const failures: string[] = [];
      const targets: (RepoFixture | null)[] = !route.perRepository ? [null] : fixtures.filter((f) => route.format === undefined || f.format === route.format);
      const missingAnswer = new Map<string, ReturnType<typeof normalized>>();
      for (const repo of targets) {
        for (const [p, principal] of principals.entries()) {
          const want = expected(principal, route, repo);
          const got = await send(route, repo, p);
          const cell = `${principal.id} × ${repo ? `${repo.name}` : "-"}`;
          if (got.status !== want.status) failures.push(`${cell}: ${got.status}, expected ${want.status} — ${got.body.slice(0, 160)}`);
          else if (want.includes && !got.body.includes(want.includes)) failures.push(`${cell}: body lacks "${want.includes}" — ${got.body.slice(0, 160)}`);
          if (repo && want.hidden) {
            const key = `${repo.format}/${p}`;
            const answer = normalized(got, repo.name);
            if (!repo.exists) missingAnswer.set(key, answer);
            else if (JSON.stringify(answer) !== JSON.stringify(missingAnswer.get(key))) failures.push(`${cell}: differs from a missing repository: ${JSON.stringify(answer)} vs ${JSON.stringify(missingAnswer.get(key))}`);
          }
          if (route.covers === "DELETE /repositories/{name}" && repo?.kind === "virtual" && got.status === 204) await createFixture(repo);
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

describe("secrets", () => {
  it("no response of the matrix contains a secret it did not just create", () => {
    expect(recorded.length).toBeGreaterThan(0);
    const leaks = recorded.flatMap((r) => [...secrets].filter((s) => !r.own.has(s) && r.text.includes(s)).map((s) => `${r.cell}: ${s.slice(0, 8)}…`));
    expect(leaks).toEqual([]);
  });
});
