/**
 * Test infrastructure for the RubyGems suite (no tests here): gems built by the real
 * `gem build`, and a static rubygems.org-style upstream on a counting server — the compact
 * index (`versions`, `info/{name}`, `names`), `gems/{file}.gem`, and the quick specification
 * `quick/Marshal.4.8/{file}.gemspec.rz` written by the real RubyGems (`Gem.deflate(Marshal.dump(spec))`).
 *
 * Only erasable TypeScript and node built-ins.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { output, type RubyClient, writeGemProject } from "./clients/ruby.ts";
import type { CountingServer } from "./counting-server.ts";

export interface BuiltGem {
  name: string;
  version: string;
  path: string;
  bytes: Uint8Array;
  sha256: string;
  /** `Gem.deflate(Marshal.dump(spec))` by RubyGems itself. */
  quickSpec: Uint8Array;
  /** Runtime dependencies as the compact index writes them (`name:req&req`). */
  deps: string[];
}

/** `gem build` of a project written by writeGemProject. */
export async function buildGem(ruby: RubyClient, dir: string, name: string, version: string, options: { lib: string; deps?: string[] }): Promise<BuiltGem> {
  await writeGemProject(dir, name, version, options);
  const built = await ruby.run("gem", ["build", `${name}.gemspec`], { cwd: dir });
  if (built.code !== 0) throw new Error(`gem build ${name}: ${output(built)}`);
  const path = join(dir, `${name}-${version}.gem`);
  const bytes = new Uint8Array(await readFile(path));
  const quick = await ruby.run("ruby", ["-rrubygems/package", "-e", "print [Gem.deflate(Marshal.dump(Gem::Package.new(ARGV[0]).spec))].pack('m0')", path], { cwd: dir });
  if (quick.code !== 0) throw new Error(`quick spec of ${name}: ${output(quick)}`);
  const deps = await ruby.run("ruby", ["-rrubygems/package", "-e", "puts Gem::Package.new(ARGV[0]).spec.runtime_dependencies.sort_by(&:name).map { |d| \"#{d.name}:#{d.requirement.to_s.split(', ').sort.join('&')}\" }", path], { cwd: dir });
  return { name, version, path, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), quickSpec: new Uint8Array(Buffer.from(quick.stdout, "base64")), deps: deps.stdout.split("\n").filter(Boolean) };
}

const md5 = (text: string): string => createHash("md5").update(text).digest("hex");

/** Serves `gems` as a rubygems.org-style source at the server's root. */
export function serveCompactIndex(server: CountingServer, gems: readonly BuiltGem[]): void {
  const byName = new Map<string, BuiltGem[]>();
  for (const gem of gems) byName.set(gem.name, [...(byName.get(gem.name) ?? []), gem]);
  let versions = "created_at: 2026-01-01T00:00:00Z\n---\n";
  for (const [name, list] of byName) {
    const info = `---\n${list.map((g) => `${g.version} ${g.deps.join(",")}|checksum:${g.sha256}\n`).join("")}`;
    server.put(`/info/${name}`, { body: new TextEncoder().encode(info), contentType: "text/plain; charset=utf-8" });
    versions += `${name} ${list.map((g) => g.version).join(",")} ${md5(info)}\n`;
    for (const gem of list) {
      server.put(`/gems/${name}-${gem.version}.gem`, { body: gem.bytes, contentType: "application/octet-stream" });
      server.put(`/quick/Marshal.4.8/${name}-${gem.version}.gemspec.rz`, { body: gem.quickSpec, contentType: "application/octet-stream" });
    }
  }
  server.put("/versions", { body: new TextEncoder().encode(versions), contentType: "text/plain; charset=utf-8" });
  server.put("/names", { body: new TextEncoder().encode(`---\n${[...byName.keys()].sort().join("\n")}\n`), contentType: "text/plain; charset=utf-8" });
}
