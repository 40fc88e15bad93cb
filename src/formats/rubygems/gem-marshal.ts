/**
 * RubyGems objects as Ruby Marshal 4.8 (./marshal.ts), shaped as RubyGems dumps them:
 * - `Gem::Version` (`marshal_dump` → `[version]`), `Gem::Requirement` (`[requirements]`);
 * - `Gem::Dependency` (a plain object: @name, @requirement, @type, @prerelease, @version_requirements);
 * - `Time` (`_dump`: two little-endian words, and the `zone` ivar);
 * - `Gem::Specification` (`_dump`: the Marshal of the 19-field array of `Gem::Specification#_dump`),
 *   which `quick/Marshal.4.8/{full name}.gemspec.rz` holds deflated;
 * - the `[name, Gem::Version, platform]` tuples of `specs.4.8.gz` and friends.
 * The specification dump matches what `Marshal.dump(Gem::Package.new(gem).spec)` writes for
 * the same `.gem` byte for byte (test/unit/rubygems/gem-marshal.test.ts).
 */
import type { GemDependency, GemSpec, Requirement } from "./gemspec";
import { marshalDump, rubyHash, rubyString, symbol, type RubyUserDef, type RubyUserMarshal, type RubyValue } from "./marshal";

export const gemVersion = (version: string): RubyUserMarshal => ({ kind: "user-marshal", className: "Gem::Version", data: [rubyString(version)] });

export const gemRequirement = (requirement: Requirement): RubyUserMarshal => ({
  kind: "user-marshal",
  className: "Gem::Requirement",
  data: [requirement.map(([op, version]) => [rubyString(op), gemVersion(version)])],
});

export function gemDependency(dependency: GemDependency): RubyValue {
  return {
    kind: "object",
    className: "Gem::Dependency",
    ivars: [
      ["@name", rubyString(dependency.name)],
      ["@requirement", gemRequirement(dependency.requirement)],
      ["@type", symbol(dependency.type)],
      ["@prerelease", false],
      ["@version_requirements", gemRequirement(dependency.requirement)],
    ],
  };
}

const word = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** A UTC `Time` as Ruby's `Time#_dump` writes it (seconds precision). */
export function rubyTime(date: Date): RubyUserDef {
  const high = (1 << 31) | (1 << 30) | ((date.getUTCFullYear() - 1900) << 14) | (date.getUTCMonth() << 10) | (date.getUTCDate() << 5) | date.getUTCHours();
  const low = (date.getUTCMinutes() << 26) | (date.getUTCSeconds() << 20) | (date.getUTCMilliseconds() * 1000);
  return { kind: "user-def", className: "Time", bytes: Uint8Array.from([...word(high), ...word(low)]), ivars: [["zone", rubyString("UTC", "US-ASCII")]] };
}

const optionalString = (value: string | null): RubyValue => (value === null ? null : rubyString(value));

/** The array `Gem::Specification#_dump` marshals (field order of RubyGems 3.x). */
function specificationFields(spec: GemSpec): RubyValue[] {
  // RubyGems loads both platform fields from one string object: dumped once, linked once.
  const platform = rubyString(spec.platform);
  return [
    rubyString(spec.rubygemsVersion),
    spec.specificationVersion,
    rubyString(spec.name),
    gemVersion(spec.number),
    rubyTime(new Date(spec.date)),
    optionalString(spec.summary),
    gemRequirement(spec.requiredRubyVersion),
    gemRequirement(spec.requiredRubygemsVersion),
    platform,
    spec.dependencies.map(gemDependency),
    rubyString(""), // rubyforge_project
    Array.isArray(spec.email) ? spec.email.map((e) => rubyString(e)) : optionalString(spec.email),
    spec.authors.map((a) => rubyString(a)),
    optionalString(spec.description),
    optionalString(spec.homepage),
    true, // has_rdoc
    platform,
    spec.licenses.map((l) => rubyString(l)),
    rubyHash(Object.entries(spec.metadata).map(([k, v]) => [rubyString(k), rubyString(v)])),
  ];
}

/** `Marshal.dump(spec)`: a `Gem::Specification` user-defined dump. */
export function marshalSpecification(spec: GemSpec): Uint8Array {
  const inner = marshalDump(specificationFields(spec));
  return marshalDump({ kind: "user-def", className: "Gem::Specification", bytes: inner });
}

export interface SpecTuple {
  name: string;
  number: string;
  platform: string;
}

/** `Marshal.dump([[name, Gem::Version, platform], …])`: the body of `specs.4.8` and friends. */
export function marshalSpecTuples(tuples: readonly SpecTuple[]): Uint8Array {
  return marshalDump(tuples.map((t) => [rubyString(t.name), gemVersion(t.number), rubyString(t.platform)]));
}
