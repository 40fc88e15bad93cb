import { describe, expect, it } from "vitest";
import { parseBearerChallenge } from "../../src/virtual/upstream-auth";

describe("parseBearerChallenge", () => {
  it("reads realm, service and scope, with commas inside quoted values", () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"')).toEqual({
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scope: "repository:library/alpine:pull,push",
    });
  });

  it("finds the Bearer challenge among others and accepts unquoted values", () => {
    expect(parseBearerChallenge('Basic realm="x", bearer realm=https://ghcr.io/token, service=ghcr.io')).toEqual({
      realm: "https://ghcr.io/token",
      service: "ghcr.io",
      scope: null,
    });
  });

  it("ignores challenges without a usable realm", () => {
    expect(parseBearerChallenge(null)).toBeNull();
    expect(parseBearerChallenge('Basic realm="registry"')).toBeNull();
    expect(parseBearerChallenge('Bearer service="x"')).toBeNull();
    expect(parseBearerChallenge('Bearer realm="not a url"')).toBeNull();
  });
});
