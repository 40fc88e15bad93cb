/**
 * The smallest Kubernetes API server `helm install --dry-run=client` needs: helm 3.22 still
 * checks that a cluster is reachable (`/version`) and maps the rendered objects' kinds through
 * API discovery (`/api`, `/apis`, `/api/v1`) even when it sends nothing. A cluster is outside
 * our control, so the suite fakes it at the network: core/v1 ConfigMaps only (the kind our test
 * charts render); helm runs with `--disable-openapi-validation` (no OpenAPI schema here). Every
 * request is recorded, so a test can show helm created nothing (no POST).
 */
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const discovery: Record<string, unknown> = {
  "/version": { major: "1", minor: "31", gitVersion: "v1.31.0", platform: "linux/amd64" },
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }] },
  "/apis": { kind: "APIGroupList", apiVersion: "v1", groups: [] },
  "/api/v1": {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [{ name: "configmaps", singularName: "configmap", namespaced: true, kind: "ConfigMap", verbs: ["create", "get", "list"] }],
  },
};

export interface FakeKubeApi {
  /** A kubeconfig file pointing at this server (pass as KUBECONFIG). */
  kubeconfig: string;
  /** "GET /api/v1", … in arrival order (query strings dropped). */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

export async function startFakeKubeApi(dir: string): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push(`${req.method} ${path}`);
    res.setHeader("Content-Type", "application/json");
    const body = req.method === "GET" ? discovery[path] : undefined;
    if (body !== undefined) return void res.end(JSON.stringify(body));
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: fake\n  context: {cluster: fake, user: fake, namespace: default}\ncurrent-context: fake\nusers:\n- name: fake\n  user: {}\n`,
  );
  return {
    kubeconfig,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
