/**
 * Composer package zips for tests (unit in Node, integration in workerd, e2e fixtures): a
 * composer.json plus PHP files, at the archive root or under one top-level folder (as
 * GitHub's zipballs are), deflated with fflate.
 */
import { zipSync, type Zippable } from "fflate";

const encoder = new TextEncoder();

export interface PackageZipOptions {
  /** Extra composer.json fields (`version`, `require`, `autoload`…); null removes composer.json. */
  manifest?: Record<string, unknown> | null;
  /** Files next to composer.json (path → text). */
  files?: Record<string, string>;
  /** Wrap everything in this top-level folder. */
  folder?: string;
}

/** A package zip for `name` with a PSR-4 autoload of `src/` and the given files. */
export function packageZip(name: string, options: PackageZipOptions = {}): Uint8Array {
  const entries: Zippable = {};
  const prefix = options.folder ? `${options.folder}/` : "";
  if (options.manifest !== null) {
    const manifest = { name, description: `${name} for tests`, type: "library", license: "MIT", ...options.manifest };
    entries[`${prefix}composer.json`] = [encoder.encode(JSON.stringify(manifest, null, 2)), { level: 6 }];
  }
  for (const [path, text] of Object.entries(options.files ?? { "README.md": `# ${name}\n` })) entries[`${prefix}${path}`] = [encoder.encode(text), { level: 6 }];
  // A fixed mtime: the same inputs make the same bytes (a known sha1 for dist URLs in tests).
  return zipSync(entries, { mtime: new Date(Date.UTC(2024, 0, 1)) });
}

/** A PHP class `{namespace}\Greeter` whose `hello()` returns `value`. */
export function greeterClass(namespace: string, value: string): string {
  return `<?php\n\nnamespace ${namespace};\n\nclass Greeter\n{\n    public static function hello(): string\n    {\n        return ${JSON.stringify(value)};\n    }\n}\n`;
}

/** The package the access matrix seeds in every composer hosted repository: mx/seed 1.0.0. */
export function composerSeedZip(): Uint8Array {
  return packageZip("mx/seed", { manifest: { version: "1.0.0", description: "mx seed" } });
}
