/**
 * Install snippets per client, by repository format: the one table a new format adds its
 * entry to (docs/ui.md). Each entry turns the real server origin, repository and package
 * (with the version shown) into the commands and config a user of that ecosystem copies.
 * Credentials are never filled in: snippets reference `$REGISTRY_TOKEN` (a token from the
 * Account page).
 */

export interface SnippetContext {
  /** `https://registry.example.com` as the browser reached it. */
  origin: string;
  repository: string;
  /** The package as stored (npm `@scope/name`, Maven `groupId:artifactId`, PyPI project). */
  packageName: string;
  /** The version shown; null when the package has none readable. */
  version: string | null;
  /** File names of that version (generic downloads name one). */
  files: readonly string[];
  /** The repository is private: snippets include the credential setup. */
  needsToken: boolean;
}

export interface Snippet {
  client: string;
  /** Shown above the code: where it goes (a file name, "shell"). */
  where: string;
  code: string;
}

type SnippetBuilder = (ctx: SnippetContext) => Snippet[];

const at = (ctx: SnippetContext, sep: string): string => (ctx.version ? `${sep}${ctx.version}` : "");
const hostOf = (origin: string): string => new URL(origin).host;

function npmSnippets(ctx: SnippetContext): Snippet[] {
  const url = `${ctx.origin}/npm/${ctx.repository}/`;
  const scope = ctx.packageName.startsWith("@") ? ctx.packageName.split("/")[0] : null;
  const auth = ctx.needsToken ? `\n//${hostOf(ctx.origin)}/npm/${ctx.repository}/:_authToken=\${REGISTRY_TOKEN}` : "";
  const spec = `${ctx.packageName}${at(ctx, "@")}`;
  return [
    { client: "npm", where: ".npmrc", code: `${scope ? `${scope}:registry` : "registry"}=${url}${auth}` },
    { client: "npm", where: "shell", code: `npm install ${spec}${scope ? "" : ` --registry ${url}`}` },
    { client: "yarn", where: "shell", code: `yarn config set npmRegistryServer ${url}\nyarn add ${spec}` },
    { client: "pnpm", where: "shell", code: `pnpm add ${spec} --registry ${url}` },
  ];
}

function pypiSnippets(ctx: SnippetContext): Snippet[] {
  const index = ctx.needsToken
    ? `${ctx.origin.replace("://", "://__token__:${REGISTRY_TOKEN}@")}/pypi/${ctx.repository}/simple/`
    : `${ctx.origin}/pypi/${ctx.repository}/simple/`;
  const spec = `${ctx.packageName}${at(ctx, "==")}`;
  return [
    { client: "pip", where: "shell", code: `pip install --index-url ${index} ${spec}` },
    { client: "uv", where: "shell", code: `uv pip install --index-url ${index} ${spec}` },
    { client: "poetry", where: "shell", code: `poetry source add --priority=primary ${ctx.repository} ${ctx.origin}/pypi/${ctx.repository}/simple/\npoetry add ${spec}` },
  ];
}

function mavenSnippets(ctx: SnippetContext): Snippet[] {
  const url = `${ctx.origin}/maven/${ctx.repository}`;
  const [groupId = "", artifactId = ""] = ctx.packageName.split(":");
  const version = ctx.version ?? "VERSION";
  return [
    {
      client: "Maven",
      where: "pom.xml",
      code: `<repositories>\n  <repository>\n    <id>${ctx.repository}</id>\n    <url>${url}</url>\n  </repository>\n</repositories>\n<dependency>\n  <groupId>${groupId}</groupId>\n  <artifactId>${artifactId}</artifactId>\n  <version>${version}</version>\n</dependency>`,
    },
    ...(ctx.needsToken
      ? [{ client: "Maven", where: "~/.m2/settings.xml", code: `<servers>\n  <server>\n    <id>${ctx.repository}</id>\n    <username>token</username>\n    <password>\${env.REGISTRY_TOKEN}</password>\n  </server>\n</servers>` }]
      : []),
    {
      client: "Gradle",
      where: "build.gradle.kts",
      code: `repositories {\n    maven {\n        url = uri("${url}")${ctx.needsToken ? `\n        credentials {\n            username = "token"\n            password = System.getenv("REGISTRY_TOKEN")\n        }` : ""}\n    }\n}\ndependencies {\n    implementation("${groupId}:${artifactId}:${version}")\n}`,
    },
  ];
}

function genericSnippets(ctx: SnippetContext): Snippet[] {
  const auth = ctx.needsToken ? ` -H "Authorization: Bearer $REGISTRY_TOKEN"` : "";
  const file = ctx.files[0] ?? "FILE";
  const version = ctx.version ?? "VERSION";
  return [{ client: "curl", where: "shell", code: `curl -fLO${auth} ${ctx.origin}/generic/${ctx.repository}/${ctx.packageName}/${version}/${file}` }];
}

function ociSnippets(ctx: SnippetContext): Snippet[] {
  const image = `${hostOf(ctx.origin)}/${ctx.repository}/${ctx.packageName}:${ctx.version ?? "latest"}`;
  const login = ctx.needsToken ? `echo "$REGISTRY_TOKEN" | docker login ${hostOf(ctx.origin)} -u token --password-stdin\n` : "";
  return [
    { client: "docker", where: "shell", code: `${login}docker pull ${image}` },
    { client: "podman", where: "shell", code: `${login.replace("docker", "podman")}podman pull ${image}` },
  ];
}

function cargoSnippets(ctx: SnippetContext): Snippet[] {
  return [
    { client: "cargo", where: ".cargo/config.toml", code: `[registries.${ctx.repository}]\nindex = "sparse+${ctx.origin}/cargo/${ctx.repository}/"${ctx.needsToken ? `\ncredential-provider = "cargo:token"` : ""}` },
    { client: "cargo", where: "shell", code: `cargo add ${ctx.packageName}${at(ctx, "@")} --registry ${ctx.repository}` },
  ];
}

function goSnippets(ctx: SnippetContext): Snippet[] {
  return [{ client: "go", where: "shell", code: `GOPROXY=${ctx.origin}/go/${ctx.repository} GONOSUMDB=* go get ${ctx.packageName}${at(ctx, "@v").replace("@vv", "@v")}` }];
}

function helmSnippets(ctx: SnippetContext): Snippet[] {
  const auth = ctx.needsToken ? " --username token --password \"$REGISTRY_TOKEN\"" : "";
  return [{ client: "helm", where: "shell", code: `helm repo add ${ctx.repository} ${ctx.origin}/helm/${ctx.repository}${auth}\nhelm install ${ctx.packageName} ${ctx.repository}/${ctx.packageName}${ctx.version ? ` --version ${ctx.version}` : ""}` }];
}

function composerSnippets(ctx: SnippetContext): Snippet[] {
  const url = `${ctx.origin}/composer/${ctx.repository}`;
  const insecure = ctx.origin.startsWith("http://") ? "\ncomposer config secure-http false" : "";
  const auth = ctx.needsToken ? `\ncomposer config http-basic.${hostOf(ctx.origin)} token "$REGISTRY_TOKEN"` : "";
  return [{ client: "composer", where: "shell", code: `composer config repositories.${ctx.repository} composer ${url}${insecure}${auth}\ncomposer require ${ctx.packageName}${ctx.version ? `:${ctx.version}` : ""}` }];
}

function rubygemsSnippets(ctx: SnippetContext): Snippet[] {
  const source = `${ctx.origin}/rubygems/${ctx.repository}/`;
  // A version row is `number[-platform]`; Gemfile and gem install take the number.
  const number = ctx.version?.split("-")[0] ?? null;
  const pin = number ? `, "${number}"` : "";
  const auth = ctx.needsToken ? `bundle config set --global ${hostOf(ctx.origin).split(":")[0]} "token:$REGISTRY_TOKEN"\n` : "";
  const gemSource = ctx.needsToken ? source.replace("://", "://token:$REGISTRY_TOKEN@") : source;
  return [
    { client: "bundler", where: "Gemfile", code: `source "${source}"\n\ngem "${ctx.packageName}"${pin}` },
    { client: "bundler", where: "shell", code: `${auth}bundle install` },
    { client: "gem", where: "shell", code: `gem install ${ctx.packageName}${number ? ` -v ${number}` : ""} --clear-sources --source "${gemSource}"` },
  ];
}

function debianSnippets(ctx: SnippetContext): Snippet[] {
  // Stored file names are `{distribution}/{component}/{name}_{version}_{arch}.deb`.
  const [distribution = "stable", component = "main"] = (ctx.files[0] ?? "").split("/");
  const base = `${ctx.origin}/debian/${ctx.repository}`;
  const keyring = `/etc/apt/keyrings/${ctx.repository}.asc`;
  const auth = ctx.needsToken
    ? `\necho "machine ${base.replace(/^https?:\/\//, "")} login token password $REGISTRY_TOKEN" | sudo tee /etc/apt/auth.conf.d/${ctx.repository}.conf`
    : "";
  const token = ctx.needsToken ? ` -u "token:$REGISTRY_TOKEN"` : "";
  return [
    {
      client: "apt",
      where: "shell",
      code:
        `curl -fsSL${token} ${base}/repository.key | sudo tee ${keyring}\n` +
        `echo "deb [signed-by=${keyring}] ${base} ${distribution} ${component}" | sudo tee /etc/apt/sources.list.d/${ctx.repository}.list${auth}\n` +
        `sudo apt-get update && sudo apt-get install ${ctx.packageName}${ctx.version ? `=${ctx.version}` : ""}`,
    },
  ];
}

function alpineSnippets(ctx: SnippetContext): Snippet[] {
  // Stored file names are `{branch}/{repository}/{arch}/{name}-{version}.apk`.
  const [branch = "v3.20", repository = "main"] = (ctx.files[0] ?? "").split("/").length === 4 ? (ctx.files[0] ?? "").split("/") : [];
  const base = `${ctx.origin}/alpine/${ctx.repository}`;
  const line = ctx.needsToken ? base.replace(/^(https?:\/\/)/, "$1token:$REGISTRY_TOKEN@") : base;
  const auth = ctx.needsToken ? ` --user token --password "$REGISTRY_TOKEN"` : "";
  return [
    {
      client: "apk",
      where: "shell",
      code:
        `cd /etc/apk/keys && sudo wget -q --content-disposition${auth} ${base}/key\n` +
        `echo "${line}/${branch}/${repository}" | sudo tee -a /etc/apk/repositories\n` +
        `sudo apk update && sudo apk add ${ctx.packageName}${ctx.version ? `=${ctx.version}` : ""}`,
    },
  ];
}

/** Format name → its clients' snippets. A new format adds one entry here. */
export const installSnippets: Readonly<Record<string, SnippetBuilder>> = {
  generic: genericSnippets,
  maven: mavenSnippets,
  npm: npmSnippets,
  pypi: pypiSnippets,
  oci: ociSnippets,
  cargo: cargoSnippets,
  go: goSnippets,
  helm: helmSnippets,
  composer: composerSnippets,
  rubygems: rubygemsSnippets,
  debian: debianSnippets,
  alpine: alpineSnippets,
};

export function snippetsFor(format: string, ctx: SnippetContext): Snippet[] {
  return installSnippets[format]?.(ctx) ?? [];
}
