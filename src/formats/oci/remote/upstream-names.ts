/**
 * Where a remote OCI repository asks its upstream (docs/formats/oci.md "Remote"): the remote's
 * URL is the upstream registry's root (`https://registry-1.docker.io`, `https://ghcr.io`, a
 * trailing `/v2/` is accepted too), and an image `{repo}/{name}` here is `{name}` there, with
 * one rule: Docker Hub keeps its official images under `library/`, so on Docker Hub a
 * single-segment name `alpine` is asked for as `library/alpine` (what docker itself does for
 * `docker pull alpine`). Automatic for Docker Hub's registry hosts, nothing to configure. Pure.
 */

/** Hosts that serve Docker Hub's registry API. */
export const DOCKER_HUB_HOSTS: readonly string[] = ["registry-1.docker.io", "index.docker.io", "registry.hub.docker.com", "docker.io"];

export function isDockerHub(remoteUrl: string): boolean {
  const url = URL.parse(remoteUrl);
  return url !== null && DOCKER_HUB_HOSTS.includes(url.hostname.toLowerCase());
}

/** The image name upstream: `library/{name}` for a single-segment name on Docker Hub, else the name. */
export function upstreamImageName(remoteUrl: string, name: string): string {
  return isDockerHub(remoteUrl) && !name.includes("/") ? `library/${name}` : name;
}

/** The upstream path (relative to the remote's URL) of `{endpoint}` of `name`, and the token scope the upstream will challenge for. */
export function upstreamLocation(remoteUrl: string, name: string, endpoint: string): { path: string; tokenScope: string } {
  const upstream = upstreamImageName(remoteUrl, name);
  const pathname = URL.parse(remoteUrl)?.pathname ?? "/";
  const prefix = /\/v2\/?$/.test(pathname) ? "" : "v2/";
  return { path: `${prefix}${upstream}/${endpoint}`, tokenScope: `repository:${upstream}:pull` };
}
