/**
 * `.deb` upload (`PUT /debian/{repo}/pool/{distribution}/{component}/upload`, as Gitea): the
 * body streams into the blob store while, in lockstep, ./deb-archive.ts reads the control
 * file from the same bytes. Then, under the package lock: the control text is recorded in the
 * version's metadata under `controls["{dist}/{comp}/{arch}"]` (first, so a file the index
 * builder sees always has its control) and the file `{dist}/{comp}/{name}_{version}_{arch}.deb`
 * is added (`create-or-add`: one version may be in several distributions, components and
 * architectures). The same file again is a 409. The index follows after the debounce.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { type ControlFile, controlMetadata, parseControl } from "./control";
import { readDebControl } from "./deb-archive";
import { storedName } from "./paths";

export interface DebianVersionMetadata extends Record<string, unknown> {
  /** Control text by `{distribution}/{component}/{architecture}`. */
  controls?: Record<string, string>;
}

export const controlKey = (distribution: string, component: string, architecture: string): string => `${distribution}/${component}/${architecture}`;

export function parseVersionMetadata(text: string): DebianVersionMetadata {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as DebianVersionMetadata) : {};
  } catch {
    return {};
  }
}

export async function handleDebUpload(
  source: HostedSource,
  distribution: string,
  component: string,
  body: ReadableStream<Uint8Array> | null,
  declaredSize: number | undefined,
): Promise<ControlFile> {
  if (!body) throw new RegistryError("body_empty", "request body is empty: PUT the .deb file");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, declaredSize === undefined ? {} : { declaredSize }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readDebControl(side)]);
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  if (stored.value.size === 0) throw new RegistryError("body_empty", "request body is empty: PUT the .deb file");
  const control = parseControl(inspected.value);
  const filename = storedName(distribution, component, control.name, control.version, control.architecture);
  const lowerVersion = control.version.toLowerCase();
  const key = controlKey(distribution, component, control.architecture);
  await source.withPackageLock(control.name, async () => {
    if (await source.findFile(control.name, lowerVersion, filename.toLowerCase())) {
      throw new RegistryError("exists", `${filename.split("/").pop()} already exists in ${distribution}/${component}`);
    }
    const pkg = await source.findPackageRow(control.name);
    const version = pkg && (await source.findVersionRow(pkg.id, lowerVersion));
    if (pkg && version) {
      const metadata = parseVersionMetadata(version.metadata);
      await source.updatePackageMetadata(pkg, { versions: [{ versionId: version.id, metadata: { ...metadata, controls: { ...metadata.controls, [key]: control.text } } }] });
    }
    await source.addFile(
      "create-or-add",
      {
        packageName: control.name,
        lowerName: control.name,
        version: control.version,
        lowerVersion,
        metadata: { ...controlMetadata(control), controls: { [key]: control.text } } satisfies DebianVersionMetadata,
        file: { name: filename, lowerName: filename.toLowerCase(), isLead: true },
      },
      stored.value,
    );
  });
  return control;
}
