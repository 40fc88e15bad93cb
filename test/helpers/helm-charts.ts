/**
 * Helm chart archives for tests (unit, integration in workerd, e2e fixtures): a ustar
 * tarball of `{dir}/Chart.yaml` (+ templates), gzip-compressed with fflate, shaped like
 * `helm package` output.
 */
import { gzipSync } from "fflate";

const encoder = new TextEncoder();

function header(name: string, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number) => block.set(encoder.encode(text), at);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put("        ", 148);
  put("0", 156);
  put("ustar\0", 257);
  put("00", 263);
  const sum = block.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/** A gzipped tarball of `files` (path → text). */
export function tarGz(files: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [path, text] of Object.entries(files)) {
    const body = encoder.encode(text);
    parts.push(header(path, body.length), body, new Uint8Array((512 - (body.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    tar.set(part, offset);
    offset += part.length;
  }
  return gzipSync(tar);
}

export function chartYaml(name: string, version: string, extra = ""): string {
  return `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\ndescription: ${name} for tests\ntype: application\n${extra}`;
}

/** A chart `name` at `version` with one ConfigMap template. */
export function chartArchive(name: string, version: string, extra = ""): Uint8Array {
  return tarGz({
    [`${name}/Chart.yaml`]: chartYaml(name, version, extra),
    [`${name}/values.yaml`]: "greeting: hello\n",
    [`${name}/templates/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-${name}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  chart: "${name}-${version}"\n`,
  });
}
