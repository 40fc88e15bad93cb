/** Helpers for the Alpine integration tests: a repository's IndexBuilder and its pending build, the served key and signed index. */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { readSignedIndex } from "../helpers/apk-packages";
import { call } from "../helpers/client";

export async function repositoryId(name: string): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM repository WHERE name = ?").bind(name).first<number>("id")) ?? -1;
}

export const builderOf = async (repo: string) => env.INDEXES.get(env.INDEXES.idFromName(String(await repositoryId(repo))));

/** Runs the IndexBuilder's pending alarm (the debounced build) now; false when none was scheduled. */
export async function rebuild(repo: string): Promise<boolean> {
  return runDurableObjectAlarm(await builderOf(repo));
}

export const builds = async (repo: string): Promise<number> => (await (await builderOf(repo)).status()).builds;

export async function servedKey(repo: string): Promise<{ name: string; pem: string }> {
  const res = await call(`/alpine/${repo}/key`);
  expect(res.status).toBe(200);
  return { name: /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "", pem: await res.text() };
}

export async function signedIndex(repo: string, place = "v3.20/main/x86_64") {
  const res = await call(`/alpine/${repo}/${place}/APKINDEX.tar.gz`);
  expect(res.status, await res.clone().text()).toBe(200);
  return readSignedIndex(new Uint8Array(await res.arrayBuffer()));
}
