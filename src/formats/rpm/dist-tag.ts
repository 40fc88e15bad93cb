/**
 * Groups named after a distribution release (`el9`, `fc40`, `amzn2023`…) refuse packages whose
 * release carries another distribution's dist tag (`1.el8`, `2.fc39`): the mix-up Gitea's
 * groups were added for (el7 packages served to f34 machines). A group or a release without a
 * recognisable dist tag is not checked (docs/formats/rpm.md).
 */
import { RegistryError } from "../../errors";

const DIST = "(el|fc|amzn|mga|ol|sles|lp|mdv|rhel)";
const GROUP_SEGMENT = new RegExp(`^${DIST}(\\d+)$`);
const RELEASE_TAG = new RegExp(`(?:^|\\.)${DIST}(\\d+)(?:[._]|$)`);

const canonical = (family: string): string => (family === "rhel" ? "el" : family);

/** The group's distribution (`el9`), from its last segment naming one. */
export function groupDistribution(group: string): string | null {
  for (const segment of group.split("/").reverse()) {
    const match = GROUP_SEGMENT.exec(segment.toLowerCase());
    if (match) return `${canonical(match[1] ?? "")}${match[2] ?? ""}`;
  }
  return null;
}

/** The release's dist tag (`1.el9_2` → `el9`), or null. */
export function releaseDistribution(release: string): string | null {
  const match = RELEASE_TAG.exec(release.toLowerCase());
  return match ? `${canonical(match[1] ?? "")}${match[2] ?? ""}` : null;
}

export function checkDistribution(group: string, release: string, filename: string): void {
  const wanted = groupDistribution(group);
  const has = releaseDistribution(release);
  if (wanted && has && wanted !== has) {
    throw new RegistryError("bad_request", `${filename} is built for ${has} (release ${release}), not for group ${group} (${wanted})`, { field: "release" });
  }
}
