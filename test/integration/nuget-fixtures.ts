// Builds what NuGet clients push: a `.nupkg` (zip with `{id}.nuspec` at its root, a dll, the
// OPC files NuGet writes) and NuGet.Client's multipart body (one `package` file part). Pure:
// used by unit, integration and e2e tests.
import { zipSync } from "fflate";

const encoder = new TextEncoder();

export interface NuspecOptions {
  id?: string;
  version?: string;
  authors?: string | null;
  description?: string | null;
  dependencies?: string;
  extra?: string;
  packageType?: string;
}

export function nuspec(id: string, version: string, options: NuspecOptions = {}): string {
  const authors = options.authors === null ? "" : `<authors>${options.authors ?? "Tester"}</authors>`;
  const description = options.description === null ? "" : `<description>${options.description ?? `${id} for tests`}</description>`;
  const packageTypes = options.packageType ? `<packageTypes><packageType name="${options.packageType}" /></packageTypes>` : "";
  return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata minClientVersion="2.8">
    <id>${options.id ?? id}</id>
    <version>${options.version ?? version}</version>
    <title>${id} title</title>
    ${authors}
    ${description}
    <tags>test nuget</tags>
    <projectUrl>https://example.test/${id}</projectUrl>
    ${packageTypes}
    ${options.dependencies ?? ""}
    ${options.extra ?? ""}
  </metadata>
</package>`;
}

export interface NupkgOptions extends NuspecOptions {
  /** Name of the manifest entry (default `{id}.nuspec`); null leaves it out. */
  nuspecName?: string | null;
  /** Raw manifest text instead of the generated one. */
  manifest?: string;
}

export function nupkg(id: string, version: string, options: NupkgOptions = {}): Uint8Array {
  const manifestName = options.nuspecName ?? `${id}.nuspec`;
  // The OPC parts NuGet writes: content types, and the relationship that names the manifest (NuGet.Core 2.x finds it so).
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": encoder.encode(
      '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /></Types>',
    ),
    "_rels/.rels": encoder.encode(
      `<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${options.nuspecName === null ? "" : `<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${manifestName}" Id="R0" />`}</Relationships>`,
    ),
    "lib/netstandard2.0/Lib.dll": encoder.encode(`not really a dll of ${id} ${version}`),
  };
  if (options.nuspecName !== null) files[manifestName] = encoder.encode(options.manifest ?? nuspec(id, version, options));
  return zipSync(files);
}

/** The multipart body NuGet.Client's push sends (`package` part, file name `package.nupkg`). */
export function pushBody(bytes: Uint8Array, filename = "package.nupkg"): { body: Uint8Array; contentType: string } {
  const boundary = "nuget-boundary-7d93";
  const head = encoder.encode(`--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=${filename}\r\n\r\n`);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + bytes.length + tail.length);
  body.set(head);
  body.set(bytes, head.length);
  body.set(tail, head.length + bytes.length);
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}
