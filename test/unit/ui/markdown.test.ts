import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../src/ui/markdown";

describe("README rendering", () => {
  it("renders CommonMark", () => {
    expect(renderMarkdown("# Hi\n\n*a* `b`")).toBe("<h1>Hi</h1>\n<p><em>a</em> <code>b</code></p>\n");
  });

  it("shows raw HTML as text", () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n<a href="javascript:x">y</a>');
    expect(html).not.toMatch(/<script|<img|<a /);
    expect(html).toContain("&lt;script&gt;");
  });

  it("keeps http(s), mailto and relative links, with rel=nofollow; drops other schemes", () => {
    expect(renderMarkdown("[a](https://x.test/)")).toContain('<a href="https://x.test/" rel="nofollow noopener noreferrer">a</a>');
    expect(renderMarkdown("[a](#usage)")).toContain('href="#usage"');
    expect(renderMarkdown("[a](mailto:me@x.test)")).toContain('href="mailto:me@x.test"');
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "vbscript:x", "file:///etc/passwd"]) {
      const html = renderMarkdown(`[a](${bad}) ![i](${bad})`);
      expect(html, bad).not.toMatch(/href="(?!#)|src="/);
    }
  });

  it("images: https kept", () => {
    expect(renderMarkdown("![badge](https://img.test/b.svg)")).toContain('<img src="https://img.test/b.svg" alt="badge">');
  });
});
