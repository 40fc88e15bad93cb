/**
 * `gem push` (`POST /api/v1/gems`, the raw `.gem` as the body, the API key as the whole
 * `Authorization` value): the body streams into the blob store while, in lockstep, its
 * `metadata.gz` is read (./gem-archive.ts). Only a valid specification is recorded: version
 * `number[-platform]` of the gem, the GemSpec as its metadata, the lead file
 * `{full name}.gem`. The write hook (./hooks.ts) brings `/info/{name}` and `/versions` up to
 * date before this answers, so `bundle install` right after the push sees the version.
 * Answers and refusals are the plain-text lines rubygems.org gives (`gem push` prints them).
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { readGemSpec } from "./gem-archive";
import type { GemSpec } from "./gemspec";
import { fullVersion, gemFilename } from "./names";

const REPUSH = "Repushing of gem versions is not allowed.\nPlease use `gem yank` to remove bad gem releases.";

export async function handlePush(source: HostedSource, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined): Promise<GemSpec> {
  if (!body) throw new RegistryError("body_empty", "the request has no body: push a .gem file");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, declaredSize === undefined ? {} : { declaredSize }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readGemSpec(side)]);
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  const spec = inspected.value;
  const version = fullVersion(spec.number, spec.platform);
  const lowerName = spec.name.toLowerCase();
  const filename = gemFilename(spec.name, spec.number, spec.platform);
  const existing = await source.findPackageRow(lowerName);
  if (existing && existing.name !== spec.name) {
    throw new RegistryError("conflict", `The gem name ${spec.name} conflicts with the existing gem ${existing.name} (names differing only in case are one gem here).`);
  }
  const input = {
    packageName: spec.name,
    lowerName,
    version,
    lowerVersion: version.toLowerCase(),
    metadata: spec,
    file: { name: filename, lowerName: filename.toLowerCase(), isLead: true },
  };
  try {
    await source.addFile("create-version", input, stored.value);
  } catch (error) {
    if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", REPUSH);
    throw error;
  }
  return spec;
}
