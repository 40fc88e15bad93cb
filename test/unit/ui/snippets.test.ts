import { describe, expect, it } from "vitest";
import { installSnippets, snippetsFor, type SnippetContext } from "../../../src/ui/formats/snippets";

const ctx = (over: Partial<SnippetContext> = {}): SnippetContext => ({
  origin: "https://registry.example.com", repository: "libs", packageName: "left-pad", version: "1.3.0", files: ["left-pad-1.3.0.tgz"], needsToken: false, ...over,
});

describe("install snippets", () => {
  it("every format served on main has an entry, and so do the formats landing next", () => {
    for (const format of ["generic", "maven", "npm", "pypi", "oci", "cargo", "go", "helm", "composer"]) expect(installSnippets[format], format).toBeTypeOf("function");
    expect(snippetsFor("conan", ctx())).toEqual([]);
  });

  it("apt: the served key as signed-by keyring, the distribution and component of the stored file", () => {
    const [apt] = snippetsFor("debian", ctx({ packageName: "hello", version: "1:2.10-3", files: ["testing/contrib/hello_1:2.10-3_amd64.deb"] }));
    expect(apt?.code).toBe(
      "curl -fsSL https://registry.example.com/debian/libs/repository.key | sudo tee /etc/apt/keyrings/libs.asc\n" +
        'echo "deb [signed-by=/etc/apt/keyrings/libs.asc] https://registry.example.com/debian/libs testing contrib" | sudo tee /etc/apt/sources.list.d/libs.list\n' +
        "sudo apt-get update && sudo apt-get install hello=1:2.10-3",
    );
    const secret = snippetsFor("debian", ctx({ needsToken: true, files: ["stable/main/left-pad_1.3.0_all.deb"] }))[0]?.code ?? "";
    expect(secret).toContain('curl -fsSL -u "token:$REGISTRY_TOKEN"');
    expect(secret).toContain("machine registry.example.com/debian/libs login token password $REGISTRY_TOKEN");
  });

  it("apk: the key saved under its served name in /etc/apk/keys, a repositories line, apk add", () => {
    const [apk] = snippetsFor("alpine", ctx({ packageName: "hello", version: "1.0-r0", files: ["edge/testing/x86_64/hello-1.0-r0.apk"] }));
    expect(apk?.code).toBe(
      "cd /etc/apk/keys && sudo wget -q --content-disposition https://registry.example.com/alpine/libs/key\n" +
        'echo "https://registry.example.com/alpine/libs/edge/testing" | sudo tee -a /etc/apk/repositories\n' +
        "sudo apk update && sudo apk add hello=1.0-r0",
    );
    const secret = snippetsFor("alpine", ctx({ needsToken: true }))[0]?.code ?? "";
    expect(secret).toContain('--user token --password "$REGISTRY_TOKEN"');
    expect(secret).toContain("https://token:$REGISTRY_TOKEN@registry.example.com/alpine/libs/v3.20/main");
  });

  it("npm, yarn and pnpm with the real registry URL; a scoped package sets its scope's registry", () => {
    const plain = snippetsFor("npm", ctx());
    expect(plain.map((s) => s.client)).toEqual(["npm", "npm", "yarn", "pnpm"]);
    expect(plain[1]?.code).toBe("npm install left-pad@1.3.0 --registry https://registry.example.com/npm/libs/");
    const scoped = snippetsFor("npm", ctx({ packageName: "@acme/util", needsToken: true }));
    expect(scoped[0]?.code).toBe("@acme:registry=https://registry.example.com/npm/libs/\n//registry.example.com/npm/libs/:_authToken=${REGISTRY_TOKEN}");
    expect(scoped[1]?.code).toBe("npm install @acme/util@1.3.0");
  });

  it("pip, uv and poetry; a private index carries the token placeholder, never a token", () => {
    const [pip, uv, poetry] = snippetsFor("pypi", ctx({ packageName: "requests", version: "2.0" }));
    expect(pip?.code).toBe("pip install --index-url https://registry.example.com/pypi/libs/simple/ requests==2.0");
    expect(uv?.code).toContain("uv pip install");
    expect(poetry?.code).toContain("poetry source add --priority=primary libs https://registry.example.com/pypi/libs/simple/");
    expect(snippetsFor("pypi", ctx({ needsToken: true }))[0]?.code).toContain("https://__token__:${REGISTRY_TOKEN}@registry.example.com/pypi/libs/simple/");
  });

  it("Maven and Gradle coordinates from groupId:artifactId", () => {
    const [pom, gradle] = snippetsFor("maven", ctx({ packageName: "org.acme:core", version: "2.1" }));
    expect(pom?.code).toContain("<groupId>org.acme</groupId>\n  <artifactId>core</artifactId>\n  <version>2.1</version>");
    expect(pom?.code).toContain("<url>https://registry.example.com/maven/libs</url>");
    expect(gradle?.code).toContain('implementation("org.acme:core:2.1")');
    expect(snippetsFor("maven", ctx({ needsToken: true })).map((s) => s.where)).toContain("~/.m2/settings.xml");
  });

  it("generic downloads name a file of the version; OCI uses the host as registry", () => {
    expect(snippetsFor("generic", ctx({ packageName: "cli", version: "1.0", files: ["cli.tar.gz"] }))[0]?.code).toBe("curl -fLO https://registry.example.com/generic/libs/cli/1.0/cli.tar.gz");
    expect(snippetsFor("oci", ctx({ packageName: "app", version: "v1" }))[0]?.code).toBe("docker pull registry.example.com/libs/app:v1");
    expect(snippetsFor("go", ctx({ packageName: "example.com/mod", version: "v1.2.0" }))[0]?.code).toContain("go get example.com/mod@v1.2.0");
  });

  it("composer adds the repository, http-basic with the token placeholder when private, and secure-http only over http", () => {
    const open = snippetsFor("composer", ctx({ packageName: "acme/tools", version: "1.2.0" }))[0]?.code ?? "";
    expect(open).toBe("composer config repositories.libs composer https://registry.example.com/composer/libs\ncomposer require acme/tools:1.2.0");
    const closed = snippetsFor("composer", ctx({ origin: "http://127.0.0.1:8787", packageName: "acme/tools", needsToken: true }))[0]?.code ?? "";
    expect(closed).toContain("composer config secure-http false");
    expect(closed).toContain('composer config http-basic.127.0.0.1:8787 token "$REGISTRY_TOKEN"');
  });
});
